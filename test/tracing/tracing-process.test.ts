// Tracing in the built gateway as `npm start` runs it (the bundle, its node
// flags), with every ES module the process loads recorded: without an OTLP
// endpoint no OpenTelemetry code is loaded at all, even while requests are
// served; with one, the SDK chunk loads, the server answers with the trace id,
// and the spans reach the receiver by the time the process has exited.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import * as nodeModule from 'node:module';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFaultUpstream, type FaultUpstream } from '../fixtures/fault-upstream.js';
import { checkStartScript, ENTRY, freePort, START_FLAGS, startGatewayProcess, waitFor } from '../helpers/gateway-process.js';
import { startOtlpReceiver, type OtlpReceiver } from './otlp-receiver.js';
import { adminCaller } from '../helpers/admin-call.js';

const BUNDLE = path.dirname(ENTRY);
const RECORDER = path.resolve('test/fixtures/record-loaded-modules.mjs');
const ADMIN_TOKEN = 'gw-admin-tracing-process-test-0123456789';

/**
 * The bundle's files that hold the OpenTelemetry SDK (its context key). Not the API package: prom-client
 * (the metrics, always on) requires @opentelemetry/api itself for exemplars — a no-op facade until an SDK
 * registers, which the gateway's never does.
 */
function openTelemetryFiles(): string[] {
  return readdirSync(BUNDLE)
    .filter((name) => name.endsWith('.js'))
    .filter((name) => readFileSync(path.join(BUNDLE, name), 'utf8').includes('OpenTelemetry SDK Context Key'));
}

const children: ChildProcess[] = [];
const directories: string[] = [];
let upstream: FaultUpstream;
let receiver: OtlpReceiver;

beforeAll(async () => {
  checkStartScript();
  upstream = await startFaultUpstream();
  receiver = await startOtlpReceiver();
});
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});
afterAll(async () => {
  await upstream?.close();
  await receiver?.close();
});

/** Starts the bundle, configures a provider and a key, sends one chat completion, stops it; returns what it loaded. */
async function serveOneRequest(environment: Record<string, string>, headers: Record<string, string> = {}) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-trace-'));
  directories.push(dataDir);
  const modulesFile = path.join(dataDir, 'loaded-modules.txt');
  const port = await freePort();
  const started = startGatewayProcess(
    { GATEWAY_DATA_DIR: dataDir, GATEWAY_PORT: String(port), GATEWAY_ADMIN_TOKEN: ADMIN_TOKEN, LOADED_MODULES_FILE: modulesFile, ...environment },
    { nodeFlags: [...START_FLAGS, '--import', RECORDER] },
  );
  children.push(started.child);
  await waitFor(() => started.output().includes('gateway listening'), 'the gateway to listen');
  const base = `http://127.0.0.1:${port}`;
  const admin = adminCaller(base, ADMIN_TOKEN);
  await admin('ProvidersService/CreateProvider', {
    id: 'fault', name: 'Fault', type: 'PROVIDER_TYPE_OPENAI', baseUrl: upstream.baseUrl, apiKey: upstream.apiKey, models: [{ upstreamModel: 'ok-p' }],
  });
  const secret = String((await admin('KeysService/CreateKey', { name: 'tracing-process' }))['secret']);
  const response = await fetch(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}`, ...headers },
    body: JSON.stringify({ model: 'fault/ok-p', messages: [{ role: 'user', content: 'Hello' }] }),
  });
  expect(response.status).toBe(200);
  started.child.kill('SIGTERM');
  expect(await started.exited).toBe(0);
  const loaded = readFileSync(modulesFile, 'utf8').split('\n').filter((url) => url.startsWith('file:')).map((url) => path.basename(new URL(url).pathname));
  return { traceIdHeader: response.headers.get('x-trace-id'), loaded };
}

// module.registerHooks: Node 24, and 22 from 22.15 (what scripts/with-node 22 installs).
describe.skipIf(typeof nodeModule.registerHooks !== 'function')('tracing in the bundle', () => {
  it('loads no OpenTelemetry SDK code without an OTLP endpoint, even while serving through a provider SDK', async () => {
    const otelFiles = openTelemetryFiles();
    expect(otelFiles.some((name) => name.startsWith('otel-tracer-'))).toBe(true);
    const { traceIdHeader, loaded } = await serveOneRequest({});
    expect(traceIdHeader).toBeNull();
    // The recorder saw the entry and the lazily loaded chunks (the app, the openai SDK): it is not blind.
    expect(loaded).toContain('main.js');
    expect(loaded.some((name) => name.startsWith('openai-'))).toBe(true);
    expect(loaded.filter((name) => otelFiles.includes(name))).toEqual([]);
  });

  it('with OTEL_EXPORTER_OTLP_ENDPOINT: loads the SDK chunk, answers the trace id, exports the spans before exiting', async () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const { traceIdHeader, loaded } = await serveOneRequest(
      { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: 'gateway-under-test' },
      { traceparent: `00-${traceId}-b7ad6b7169203331-01` },
    );
    expect(traceIdHeader).toBe(traceId);
    expect(loaded.some((name) => name.startsWith('otel-tracer-'))).toBe(true);
    // The default export delay (5 s) is longer than this run: the spans arrived with the shutdown flush.
    const spans = receiver.spans().filter((span) => span.traceId === traceId);
    expect(spans.map((span) => [span.kind, span.name]).sort()).toEqual([
      ['client', 'chat ok-p'],
      ['server', 'POST /v1/chat/completions'],
    ]);
    expect(spans[0]?.resource['service.name']).toBe('gateway-under-test');
  });
});
