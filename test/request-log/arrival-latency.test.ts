// A request's latency counts from its arrival: the key check and the body's receipt are part of what
// the client waits, so the request-log row (UsageService ListRequests) and the duration histogram
// (GET /metrics) must include them. A client that sends its headers, then its body in pieces with
// pauses, made the gateway log a few milliseconds while the client waited seconds: the arrival was
// taken when the route built the request context, after the key and the body. Checked on the
// production paths (the OpenAI chat route and the RPC fast path taken before Fastify) and on the
// Fastify ones (the OpenAI route, Connect's own handler with the fast path off). Outcomes, not
// timings: the logged latency is at least the pauses this client made.
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { RequestStatus } from '../../gen/llmgateway/v1/usage_service_pb.js';
import { parseExposition, scrape } from '../metrics/exposition.js';
import { startShimHarness, type ShimHarness } from '../http/shim-harness.js';
import { usageClient } from '../helpers/usage-client.js';

/** The pauses between the body's three pieces. */
const PAUSES_MS = [750, 750];
const PAUSED_MS = PAUSES_MS.reduce((total, pause) => total + pause, 0);
/**
 * What the gateway must at least count: most of the pauses. Its clock starts when its loop sees the request,
 * which on a loaded machine is a few ms after the client's timer started; counting from the body's end would
 * give a few ms, far below this.
 */
const COUNTED_AT_LEAST_MS = PAUSED_MS * 0.8;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends the headers with the body's first piece, then the rest in pieces after each pause; the answer's status and body. */
async function slowPost(url: string, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  const bytes = Buffer.from(body);
  const outgoing = http.request(url, { method: 'POST', agent: false, headers: { ...headers, 'content-length': String(bytes.length) } });
  const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
    outgoing.on('error', reject);
    outgoing.on('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
    });
  });
  const size = Math.ceil(bytes.length / (PAUSES_MS.length + 1));
  outgoing.write(bytes.subarray(0, size));
  for (const [index, pause] of PAUSES_MS.entries()) {
    await sleep(pause);
    const piece = bytes.subarray(size * (index + 1), size * (index + 2));
    if (index === PAUSES_MS.length - 1) outgoing.end(piece);
    else outgoing.write(piece);
  }
  return answer;
}

const CONFIGURATIONS: Array<{ name: string; environment: Record<string, string> }> = [
  { name: 'taken before Fastify (OpenAI chat intake, RPC fast path)', environment: { GATEWAY_LOG_LEVEL: 'info' } },
  { name: 'served by Fastify (OpenAI route, connect-es)', environment: { GATEWAY_LOG_LEVEL: 'debug', GATEWAY_RPC_FAST_PATH: 'off' } },
];

describe.each(CONFIGURATIONS)('a slowly sent body, $name', ({ environment }) => {
  let harness: ShimHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('is counted in the request-log latency and the duration histogram', async () => {
    harness = await startShimHarness(['openai'], environment);
    const { gateway, secret } = harness;
    const auth = { authorization: `Bearer ${secret}` };
    const [openai, rpc] = await Promise.all([
      slowPost(
        `${gateway.url}/v1/chat/completions`,
        { ...auth, 'content-type': 'application/json', 'x-request-id': 'slow-openai' },
        JSON.stringify({ model: 'openai/plain-text', messages: [{ role: 'user', content: 'Hello there, slowly' }] }),
      ),
      // Connect's unary JSON: the fast path serves it when on.
      slowPost(
        `${gateway.url}/llmgateway.v1.CompletionService/Complete`,
        { ...auth, 'content-type': 'application/json', 'connect-protocol-version': '1', 'x-request-id': 'slow-rpc' },
        JSON.stringify({ chat: { model: 'openai/plain-text', messages: [{ role: 'ROLE_USER', content: [{ text: { text: 'Hello there, slowly' } }] }] } }),
      ),
    ]);
    expect(openai.status, openai.text).toBe(200);
    expect(rpc.status, rpc.text).toBe(200);

    await gateway.gateway.requestLog.flush();
    const { requests } = await usageClient(gateway.url, gateway.adminToken).listRequests({ pageSize: 50 }, { headers: { authorization: `Bearer ${gateway.adminToken}` } });
    const latencyOf = (requestId: string) => {
      const row = requests.find((entry) => entry.requestId === requestId);
      expect(row, requestId).toBeDefined();
      expect(row!.status).toBe(RequestStatus.OK);
      return Number(row!.latency?.seconds ?? 0n) * 1000 + (row!.latency?.nanos ?? 0) / 1e6;
    };
    expect(latencyOf('slow-openai')).toBeGreaterThanOrEqual(COUNTED_AT_LEAST_MS);
    expect(latencyOf('slow-rpc')).toBeGreaterThanOrEqual(COUNTED_AT_LEAST_MS);

    const answer = await scrape(`${gateway.url}/metrics`, gateway.adminToken);
    expect(answer.status, answer.text).toBe(200);
    const exposition = parseExposition(answer.text);
    for (const surface of ['openai', 'rpc']) {
      expect(exposition.count('llm_gateway_request_duration_seconds', { surface })).toBe(1);
      expect(exposition.sum('llm_gateway_request_duration_seconds_sum', { surface })).toBeGreaterThanOrEqual(COUNTED_AT_LEAST_MS / 1000);
    }
  });
});
