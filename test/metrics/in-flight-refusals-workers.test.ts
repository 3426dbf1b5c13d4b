// Refusals by the in-flight cap (GATEWAY_MAX_IN_FLIGHT_REQUESTS) are counted in
// llm_gateway_in_flight_limit_refusals_total, on the built gateway as
// `npm start -- --workers 2` runs it: each worker has its own cap, and a scrape
// of either answers the sum over both (the primary gathers them). Requests go
// out on fresh connections, which the primary hands to the workers in turn; the
// x-request-id prefix names the process that answered.
import type { ChildProcess } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultUpstream, type FaultUpstream } from '../fixtures/fault-upstream.js';
import { adminCaller } from '../helpers/admin-call.js';
import { checkStartScript, freePort, START_FLAGS, startGatewayProcess, waitFor } from '../helpers/gateway-process.js';
import { request } from '../server/helpers.js';
import { parseExposition, scrape } from './exposition.js';

const ADMIN_TOKEN = 'gw-admin-in-flight-refusals-0123456789';
const REFUSALS = 'llm_gateway_in_flight_limit_refusals_total';

let upstream: FaultUpstream;
let base = '';
let secret = '';
let dataDir = '';
const children: ChildProcess[] = [];
const held: http.ClientRequest[] = [];

beforeAll(async () => {
  checkStartScript();
  upstream = await startFaultUpstream();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-in-flight-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const gateway = startGatewayProcess(
    { GATEWAY_DATA_DIR: dataDir, GATEWAY_PORT: String(port), GATEWAY_ADMIN_TOKEN: ADMIN_TOKEN, GATEWAY_MAX_IN_FLIGHT_REQUESTS: '1' },
    { nodeFlags: START_FLAGS, args: ['--workers', '2'] },
  );
  children.push(gateway.child);
  await waitFor(() => gateway.output().includes('all workers listening'), 'both workers to listen');
  const admin = adminCaller(base, ADMIN_TOKEN);
  await admin('ProvidersService/CreateProvider', {
    id: 'up', name: 'Upstream', type: 'PROVIDER_TYPE_OPENAI', baseUrl: upstream.baseUrl, apiKey: upstream.apiKey,
    models: [{ upstreamModel: 'hang-x' }, { upstreamModel: 'ok-x' }],
  });
  secret = String((await admin('KeysService/CreateKey', { name: 'in-flight' }))['secret']);
}, 60_000);

afterAll(async () => {
  for (const outgoing of held) outgoing.destroy();
  for (const child of children) child.kill('SIGKILL');
  await upstream?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const chatHeaders = () => ({ 'content-type': 'application/json', authorization: `Bearer ${secret}` });
const chatBody = (model: string) => JSON.stringify({ model, messages: [{ role: 'user', content: 'Hello' }] });

/** A chat request on a fresh connection whose upstream never answers: it holds its worker's one slot, or is refused. */
function sendHanging(): Promise<number> {
  return new Promise((resolve) => {
    const outgoing = http.request(`${base}/v1/chat/completions`, { method: 'POST', headers: chatHeaders(), agent: false }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    outgoing.on('error', () => {}); // destroyed at the end, on purpose
    held.push(outgoing);
    outgoing.end(chatBody('up/hang-x'));
  });
}

describe('the in-flight cap under --workers 2', () => {
  it('counts every refusal of either worker, and one scrape reads their sum', async () => {
    let refused = 0;
    // Hold each worker's slot: a hanging request reaches the upstream, or its worker is full already.
    while (upstream.calls('hang-x') < 2) {
      const before = upstream.calls('hang-x');
      const answered = sendHanging().then((status) => {
        expect(status).toBe(503);
        refused += 1;
      });
      let settled = false;
      void answered.then(() => (settled = true));
      await waitFor(() => settled || upstream.calls('hang-x') > before, 'the hanging request to be held or refused');
    }
    const refusers = new Set<string>();
    for (let index = 0; index < 6; index += 1) {
      const response = await request(`${base}/v1/chat/completions`, { method: 'POST', headers: chatHeaders(), body: chatBody('up/ok-x') });
      expect(response.status).toBe(503);
      const requestId = String(response.headers['x-request-id']);
      refusers.add(requestId.slice(0, requestId.lastIndexOf('_')));
      refused += 1;
    }
    // Both workers refused some: the total below is a sum over processes, not one worker's count.
    expect(refusers.size).toBe(2);
    for (let scrapes = 0; scrapes < 2; scrapes += 1) {
      const scraped = await scrape(`${base}/metrics`, ADMIN_TOKEN);
      expect(scraped.status).toBe(200);
      expect(parseExposition(scraped.text).sum(REFUSALS)).toBe(refused);
    }
  });
});
