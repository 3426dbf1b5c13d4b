// SIGTERM under load, on the built gateway as `npm start` runs it: requests
// still running after the grace period are cut — each client told so in its
// own protocol (an error event in the stream, a 503, gRPC status unavailable),
// not left with a dropped connection — and each cut one still gets its
// request-log row (canceled, reason shutdown) and is charged for what it
// consumed; connections busy at SIGTERM close as they go idle, and the process
// exits as soon as its work is done — not at the end of the grace period.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import * as grpc from '@grpc/grpc-js';
import { createConnectTransport } from '@connectrpc/connect-node';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CompletionService } from '../../gen/llmgateway/v1/completion_service_pb.js';
import { SHUTDOWN_MESSAGE } from '../../src/core/governance/in-flight-calls.js';
import { startFaultUpstream, type FaultUpstream } from '../fixtures/fault-upstream.js';
import { checkStartScript, freePort, START_FLAGS, startGatewayProcess, waitFor, type GatewayProcess } from '../helpers/gateway-process.js';
import { adminCaller } from '../helpers/admin-call.js';
import { loadGatewayPackage } from '../server/grpc-js-client.js';

const ADMIN = 'gw-admin-shutdown-test-0123456789abcdef';
const PRICES = { inputPerMillion: 1_000, outputPerMillion: 2_000 };
const children: ChildProcess[] = [];
const directories: string[] = [];
let upstream: FaultUpstream;

beforeAll(async () => {
  checkStartScript();
  upstream = await startFaultUpstream();
});
afterAll(() => upstream?.close());
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

interface Started {
  process: GatewayProcess;
  base: string;
  admin(method: string, body: object): Promise<Record<string, unknown>>;
}

async function startGateway(dataDir: string, port: number, graceMs: number, args: string[] = []): Promise<Started> {
  const started = startGatewayProcess(
    { GATEWAY_DATA_DIR: dataDir, GATEWAY_PORT: String(port), GATEWAY_ADMIN_TOKEN: ADMIN, GATEWAY_SHUTDOWN_GRACE_MS: String(graceMs) },
    { nodeFlags: START_FLAGS, args },
  );
  children.push(started.child);
  await waitFor(() => started.output().includes('gateway listening'), 'the gateway to listen');
  const base = `http://127.0.0.1:${port}`;
  const admin = adminCaller(base, ADMIN);
  return { process: started, base, admin };
}

async function setUp(graceMs: number, args: string[] = []) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-shutdown-'));
  directories.push(dataDir);
  const port = await freePort();
  const gateway = await startGateway(dataDir, port, graceMs, args);
  await gateway.admin('ProvidersService/CreateProvider', {
    id: 'up',
    name: 'Upstream',
    type: 'PROVIDER_TYPE_OPENAI',
    baseUrl: upstream.baseUrl,
    apiKey: upstream.apiKey,
    models: ['drip-long', 'drip60-short', 'slow600-unary', 'hang-unary'].map((upstreamModel) => ({ upstreamModel, prices: PRICES })),
  });
  const key = await gateway.admin('KeysService/CreateKey', { name: 'load', budget: { amount: 100, unit: 'BUDGET_UNIT_USD', period: 'BUDGET_PERIOD_MONTH' } });
  const secret = String(key['secret']);
  const keyId = String((key['key'] as { id: string }).id);
  const openai = new OpenAI({ apiKey: secret, baseURL: `${gateway.base}/v1`, maxRetries: 0 });
  const rpc = createClient(
    CompletionService,
    createConnectTransport({
      baseUrl: gateway.base,
      httpVersion: '2',
      interceptors: [(next) => (request) => (request.header.set('authorization', `Bearer ${secret}`), next(request))],
    }),
  );
  return { dataDir, port, gateway, keyId, secret, openai, rpc };
}

type Setup = Awaited<ReturnType<typeof setUp>>;

/** What a cut client saw: the gateway's own word that it shut down, or anything else (a dropped connection). */
function cutAs(error: unknown): string {
  if (error instanceof OpenAI.APIConnectionError) return `connection error: ${error.message}`;
  if (error instanceof OpenAI.APIError && error.message.includes(SHUTDOWN_MESSAGE)) return 'cut';
  if (error instanceof ConnectError && error.code === Code.Unavailable && error.rawMessage.includes(SHUTDOWN_MESSAGE)) return 'cut';
  return `other: ${String(error)}`;
}

/** A StreamComplete from @grpc/grpc-js (the gRPC protocol itself): how it ended, once past its 3rd delta (`begun`). */
function grpcStreamOf(setup: Setup, model: string, secret: string, begun: () => void): Promise<string> {
  const v1 = (loadGatewayPackage()['llmgateway'] as grpc.GrpcObject)['v1'] as grpc.GrpcObject;
  const Client = v1['CompletionService'] as grpc.ServiceClientConstructor;
  const client = new Client(`127.0.0.1:${setup.port}`, grpc.credentials.createInsecure()) as unknown as grpc.Client & {
    streamComplete(request: object, metadata: grpc.Metadata): grpc.ClientReadableStream<{ chunk?: { event?: string } }>;
  };
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${secret}`);
  return new Promise<string>((resolve) => {
    let deltas = 0;
    const call = client.streamComplete({ chat: { model: `up/${model}`, messages: [{ role: 'ROLE_USER', content: [{ text: { text: 'Go on' } }] }] } }, metadata);
    call.on('data', (message) => {
      if (message.chunk?.event === 'textDelta' && ++deltas === 3) begun();
    });
    call.on('error', (error: grpc.ServiceError) => resolve(error.code === grpc.status.UNAVAILABLE && error.details.includes(SHUTDOWN_MESSAGE) ? 'cut' : `other: ${error.code} ${error.details}`));
    call.on('end', () => resolve('completed'));
  }).finally(() => client.close());
}

/** Streams on the OpenAI shim (HTTP/1.1 keep-alive) and the RPC (HTTP/2); `begun` counts those past their 3rd delta. */
function loadOf(setup: Setup, model: string, counts: { shim: number; rpc: number }) {
  let begun = 0;
  const shim = Array.from({ length: counts.shim }, async () => {
    let deltas = 0;
    try {
      const stream = await setup.openai.chat.completions.create({ model: `up/${model}`, stream: true, messages: [{ role: 'user', content: 'Go on' }] });
      for await (const part of stream) if (part.choices[0]?.delta.content && ++deltas === 3) begun += 1;
      return 'completed';
    } catch (error) {
      return cutAs(error);
    }
  });
  const rpc = Array.from({ length: counts.rpc }, async () => {
    let deltas = 0;
    try {
      const request = { chat: { model: `up/${model}`, messages: [{ role: 1, content: [{ kind: { case: 'text' as const, value: { text: 'Go on' } } }] }] } };
      for await (const message of setup.rpc.streamComplete(request)) if (message.chunk?.event.case === 'textDelta' && ++deltas === 3) begun += 1;
      return 'completed';
    } catch (error) {
      return cutAs(error);
    }
  });
  return { all: Promise.all([...shim, ...rpc]), begun: () => begun };
}

interface Row {
  status: string;
  errorMessage?: string;
  outputTokens?: number;
  inputTokens?: number;
  estimated?: boolean;
  costUsd?: number;
}

/** The rows and spend as a restarted gateway reads them back from the database. */
async function afterRestart(setup: Setup, keyId: string) {
  const again = await startGateway(setup.dataDir, setup.port, 1_000);
  const rows = ((await again.admin('UsageService/ListRequests', { filter: { keyId }, pageSize: 100 }))['requests'] ?? []) as Row[];
  const spend = (await again.admin('UsageService/GetKeySpend', { keyId })) as { spentUsd?: number };
  again.process.child.kill('SIGTERM');
  expect(await again.process.exited).toBe(0);
  return { rows, spentUsd: spend.spentUsd ?? 0 };
}

describe('shutdown under load', () => {
  it('cuts what outlives the grace period, tells each client so, and logs and charges every cut request', async () => {
    const setup = await setUp(1_500);
    const load = loadOf(setup, 'drip-long', { shim: 6, rpc: 2 }); // 1 000 deltas, 10 s each
    const unary = setup.openai.chat.completions.create({ model: 'up/hang-unary', messages: [{ role: 'user', content: 'Hi' }] }).catch((error: unknown) => error);
    let grpcBegun = false;
    const grpcStream = grpcStreamOf(setup, 'drip-long', setup.secret, () => (grpcBegun = true));
    await waitFor(() => load.begun() === 8 && grpcBegun, 'every stream to be under way');
    setup.gateway.process.child.kill('SIGTERM');
    expect(await setup.gateway.process.exited).toBe(0);
    expect(await load.all).toEqual(Array(8).fill('cut'));
    const unaryError = await unary;
    expect(cutAs(unaryError)).toBe('cut');
    expect((unaryError as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect(await grpcStream).toBe('cut');
    expect(setup.gateway.process.output()).toContain('shutdown: 10 requests cut (logged as canceled)');

    const { rows, spentUsd } = await afterRestart(setup, setup.keyId);
    expect(rows).toHaveLength(10);
    for (const row of rows) expect(row).toMatchObject({ status: 'REQUEST_STATUS_CANCELED', errorMessage: SHUTDOWN_MESSAGE });
    const streamRows = rows.filter((row) => (row.outputTokens ?? 0) > 0);
    expect(streamRows).toHaveLength(9);
    for (const row of streamRows) {
      expect(row).toMatchObject({ estimated: true });
      expect(row.outputTokens).toBeGreaterThanOrEqual(3);
      expect(row.costUsd).toBeGreaterThan(0);
    }
    expect(spentUsd).toBeCloseTo(rows.reduce((sum, row) => sum + (row.costUsd ?? 0), 0), 9);
  });

  it('--workers 2 whose primary is killed (SIGKILL, the OOM killer): each worker shuts down as on SIGTERM, and every cut request has its row', async () => {
    const setup = await setUp(1_500, ['--workers', '2']);
    const output = setup.gateway.process.output;
    await waitFor(() => output().includes('all workers listening'), 'both workers to listen');
    // Every process's output goes to the same pipe: closed once the primary and both workers are gone.
    const allGone = new Promise((resolve) => setup.gateway.process.child.once('close', resolve));
    const load = loadOf(setup, 'drip-long', { shim: 6, rpc: 2 }); // 1 000 deltas, 10 s each
    await waitFor(() => load.begun() === 8, 'every stream to be under way');
    setup.gateway.process.child.kill('SIGKILL');
    await allGone;
    expect(await load.all).toEqual(Array(8).fill('cut'));
    expect(output().match(/"signal":"primary gone"[^\n]*"msg":"shutting down"/g), output()).toHaveLength(2);
    const cut = [...output().matchAll(/shutdown: (\d+) requests cut/g)].map((match) => Number(match[1]));
    expect(cut.reduce((sum, count) => sum + count, 0)).toBe(8);

    const { rows } = await afterRestart(setup, setup.keyId);
    expect(rows).toHaveLength(8);
    for (const row of rows) expect(row).toMatchObject({ status: 'REQUEST_STATUS_CANCELED', errorMessage: SHUTDOWN_MESSAGE });
  }, 60_000);

  for (const workers of [1, 2]) {
    it(`closes busy connections as they go idle and exits once the work is done, long before the grace period ends (${workers} worker${workers > 1 ? 's' : ''})`, async () => {
      // A 10-minute grace period: the test's own timeout is far shorter, so an exit proves it was not waited out.
      const setup = await setUp(600_000, workers > 1 ? ['--workers', String(workers)] : []);
      const load = loadOf(setup, 'drip60-short', { shim: 4, rpc: 2 }); // 60 deltas, ~0.6 s each
      const unary = setup.openai.chat.completions.create({ model: 'up/slow600-unary', messages: [{ role: 'user', content: 'Hi' }] });
      await waitFor(() => load.begun() === 6, 'every stream to be under way');
      setup.gateway.process.child.kill('SIGTERM');
      expect(await setup.gateway.process.exited, setup.gateway.process.output()).toBe(0);
      expect(await load.all).toEqual(Array(6).fill('completed'));
      expect((await unary).choices[0]?.message.content).toBe('served by unary');
      expect(setup.gateway.process.output()).toContain('shutdown: every request finished');

      const { rows } = await afterRestart(setup, setup.keyId);
      expect(rows.map((row) => row.status)).toEqual(Array(7).fill('REQUEST_STATUS_OK'));
    }, 30_000);
  }
});
