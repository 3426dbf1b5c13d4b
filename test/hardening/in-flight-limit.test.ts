// The per-process cap on requests in flight (GATEWAY_MAX_IN_FLIGHT_REQUESTS,
// issue 16 item 5), on a real server: with the cap held by requests whose
// upstream never answers, every data-plane surface refuses at once with a
// retryable "unavailable" in its own shape — OpenAI and Anthropic error bodies
// with 503 and retry-after, Connect unavailable (HTTP 503), gRPC UNAVAILABLE
// (14) — while health probes and the admin services still answer; the refusal
// is logged once, not per request, and counted in a metric; and once the held requests leave (over
// HTTP/1.1 and HTTP/2), every slot is back and requests are served again.
import { create } from '@bufbuild/protobuf';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createGrpcTransport, Http2SessionManager } from '@connectrpc/connect-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Health, HealthCheckResponse_ServingStatus as ServingStatus } from '../../gen/grpc/health/v1/health_pb.js';
import { ChatRequestSchema, Role } from '../../gen/llmgateway/v1/chat_pb.js';
import { CompletionService } from '../../gen/llmgateway/v1/completion_service_pb.js';
import { startFaultUpstream, type FaultUpstream } from '../fixtures/fault-upstream.js';
import { createGrpcJsClients, type GrpcJsClients } from '../server/grpc-js-client.js';
import { waitFor } from '../server/helpers.js';
import { parseExposition, scrape } from '../metrics/exposition.js';
import { chatBody, startLimitsHarness, type LimitsHarness } from './limits-harness.js';

/** holdTheCap holds it with one request of each kind. */
const LIMIT = 2;
const REACHED = 'in-flight request limit reached';
const RECOVERED = 'in-flight requests below the limit again';
const REFUSALS = 'llm_gateway_in_flight_limit_refusals_total';

let upstream: FaultUpstream;
let harness: LimitsHarness;
let grpcJs: GrpcJsClients;
const sessions: Http2SessionManager[] = [];
const held: AbortController[] = [];

const url = (path: string) => `${harness.gateway.url}${path}`;
const bearer = () => ({ authorization: `Bearer ${harness.secret}` });
const chat = (model: string) =>
  create(ChatRequestSchema, { model, messages: [{ role: Role.USER, content: [{ kind: { case: 'text', value: { text: 'Hello' } } }] }] });
const linesWith = (text: string) => harness.gateway.logLines.filter((line) => line.includes(text));

/**
 * Requests whose upstream never answers, holding the cap until they are aborted: one on the OpenAI
 * shim over HTTP/1.1, one on CompletionService over HTTP/2 (gRPC) — both ways a request is counted.
 */
async function holdTheCap(): Promise<void> {
  const before = upstream.calls('hang-x');
  const rest = new AbortController();
  held.push(rest);
  fetch(url('/v1/chat/completions'), {
    method: 'POST',
    headers: { ...bearer(), 'content-type': 'application/json' },
    body: chatBody('up/hang-x'),
    signal: rest.signal,
  }).catch(() => undefined); // aborted later, on purpose
  const rpc = new AbortController();
  held.push(rpc);
  const session = new Http2SessionManager(harness.gateway.url);
  sessions.push(session);
  const client = createClient(CompletionService, createGrpcTransport({ baseUrl: harness.gateway.url, sessionManager: session }));
  void (async () => {
    for await (const _event of client.streamComplete({ chat: chat('up/hang-x') }, { headers: bearer(), signal: rpc.signal }));
  })().catch(() => undefined);
  await waitFor(() => upstream.calls('hang-x') === before + LIMIT, 10_000, 'the held requests at the upstream');
}

async function openaiStatus(model: string): Promise<number> {
  const response = await fetch(url('/v1/chat/completions'), {
    method: 'POST',
    headers: { ...bearer(), 'content-type': 'application/json' },
    body: chatBody(model),
  });
  await response.arrayBuffer();
  return response.status;
}

// At info (production's default) the OpenAI chat and the hot RPCs are served before Fastify (their
// intakes); at debug Fastify serves every request, to log it. The cap holds on both ways in.
describe.each([{ level: 'info' }, { level: 'debug' }])('log level $level', ({ level }) => {
  beforeAll(async () => {
    upstream = await startFaultUpstream();
    harness = await startLimitsHarness(
      { GATEWAY_MAX_IN_FLIGHT_REQUESTS: String(LIMIT), GATEWAY_LOG_LEVEL: level },
      { baseUrl: upstream.baseUrl, apiKey: upstream.apiKey, models: ['hang-x', 'ok-x'] },
    );
    grpcJs = createGrpcJsClients(`127.0.0.1:${harness.gateway.port}`);
    await holdTheCap();
  });

  afterAll(async () => {
    for (const controller of held.splice(0)) controller.abort();
    for (const session of sessions.splice(0)) session.abort();
    grpcJs?.close();
    await harness?.gateway.close();
    await upstream?.close();
  });

  describe('at the in-flight cap', () => {
    it('the OpenAI shim answers 503 service_unavailable with retry-after', async () => {
      const response = await fetch(url('/v1/chat/completions'), {
        method: 'POST',
        headers: { ...bearer(), 'content-type': 'application/json' },
        body: chatBody('up/ok-x'),
      });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('1');
      const body = (await response.json()) as { error: { type: string; code: string; message: string } };
      expect(body.error).toMatchObject({ type: 'server_error', code: 'service_unavailable' });
      expect(body.error.message).toMatch(/too many requests in flight/);
    });

    it('the Anthropic shim answers 503 api_error with retry-after and its request id', async () => {
      const response = await fetch(url('/v1/messages'), {
        method: 'POST',
        headers: { 'x-api-key': harness.secret, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'up/ok-x', max_tokens: 16, messages: [{ role: 'user', content: 'Hello' }] }),
      });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('1');
      const body = (await response.json()) as { type: string; error: { type: string }; request_id: string };
      expect(body).toMatchObject({ type: 'error', error: { type: 'api_error' } });
      expect(response.headers.get('request-id')).toBe(body.request_id);
    });

    it('Connect (unary JSON over HTTP/1.1) answers unavailable, HTTP 503, with retry-after', async () => {
      const response = await fetch(url('/llmgateway.v1.CompletionService/Complete'), {
        method: 'POST',
        headers: { ...bearer(), 'content-type': 'application/json' },
        body: JSON.stringify({ chat: { model: 'up/ok-x', messages: [{ role: 'ROLE_USER', content: [{ text: { text: 'Hello' } }] }] } }),
      });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('1');
      expect(await response.json()).toMatchObject({ code: 'unavailable' });
    });

    it('gRPC answers UNAVAILABLE (14), unary from @grpc/grpc-js and streaming from connect-node', async () => {
      expect(await grpcJs.statusOf('completion', 'complete', { chat: { model: 'up/ok-x', messages: [{ role: 'ROLE_USER', content: [{ text: { text: 'Hello' } }] }] } }, harness.secret)).toBe(14);
      const session = new Http2SessionManager(harness.gateway.url);
      sessions.push(session);
      const client = createClient(CompletionService, createGrpcTransport({ baseUrl: harness.gateway.url, sessionManager: session }));
      const refusal = await (async () => {
        try {
          for await (const _event of client.streamComplete({ chat: chat('up/ok-x') }, { headers: bearer() })) break;
        } catch (error) {
          return ConnectError.from(error);
        }
        throw new Error('the stream was not refused');
      })();
      expect(refusal.code).toBe(Code.Unavailable);
      expect(refusal.metadata.get('retry-after')).toBe('1');
    });

    it('health probes (HTTP and gRPC) and the admin services still answer', async () => {
      expect((await fetch(url('/healthz'))).status).toBe(200);
      expect((await fetch(url('/readyz'))).status).toBe(200);
      const session = new Http2SessionManager(harness.gateway.url);
      sessions.push(session);
      const health = createClient(Health, createGrpcTransport({ baseUrl: harness.gateway.url, sessionManager: session }));
      expect((await health.check({ service: '' })).status).toBe(ServingStatus.SERVING);
      expect(await harness.admin('KeysService/ListKeys', {})).toHaveProperty('keys');
    });

    it('logs that refusing began once, not once per refused request', () => {
      expect(linesWith(REACHED)).toHaveLength(1);
      expect(linesWith(RECOVERED)).toHaveLength(0);
    });

    it('counts every refusal above in llm_gateway_in_flight_limit_refusals_total, as a scrape of /metrics reads it', async () => {
      const scraped = await scrape(url('/metrics'), harness.gateway.adminToken);
      expect(scraped.status).toBe(200);
      // OpenAI, Anthropic, Connect, gRPC unary and gRPC stream; the probes and admin calls are not refused.
      expect(parseExposition(scraped.text).sum(REFUSALS)).toBe(5);
    });
  });

  describe('after the held requests leave', () => {
    it('logs that it serves again, and has every slot back (HTTP/1.1 and HTTP/2 alike)', async () => {
      for (const controller of held.splice(0)) controller.abort();
      await waitFor(() => linesWith(RECOVERED).length === 1, 10_000, 'the recovery log line');
      // Both slots are free again: the cap can be held anew, and one more is refused.
      await holdTheCap();
      expect(await openaiStatus('up/ok-x')).toBe(503);
      for (const controller of held.splice(0)) controller.abort();
      await waitFor(() => linesWith(RECOVERED).length === 2, 10_000, 'the second recovery log line');
      expect(await openaiStatus('up/ok-x')).toBe(200);
      expect(linesWith(REACHED)).toHaveLength(2);
      expect(parseExposition((await scrape(url('/metrics'), harness.gateway.adminToken)).text).sum(REFUSALS)).toBe(6);
    });
  });
});
