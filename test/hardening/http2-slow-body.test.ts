// A request body that trickles in over HTTP/2 is bounded as on HTTP/1.1 (GATEWAY_REQUEST_TIMEOUT_MS):
// a stream that sent its headers and one body byte, then stalls, is answered — 408 on the REST shims,
// gRPC DEADLINE_EXCEEDED (4) on gRPC — and closed, and its in-flight slot is free again: with
// GATEWAY_MAX_IN_FLIGHT_REQUESTS=1 the next request, from the official OpenAI SDK or a gRPC client,
// is served. Before, the session's idle timeout was the only bound and never fired while bytes came,
// so a few such streams held the cap for as long as they liked. Only receiving is bounded: a streamed
// answer that outlives the timeout, its request long complete, is not cut.
import http2 from 'node:http2';
import { create } from '@bufbuild/protobuf';
import { createClient } from '@connectrpc/connect';
import { createGrpcTransport, Http2SessionManager } from '@connectrpc/connect-node';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChatRequestSchema, Role } from '../../gen/llmgateway/v1/chat_pb.js';
import { CompletionService } from '../../gen/llmgateway/v1/completion_service_pb.js';
import { startFaultUpstream, type FaultUpstream } from '../fixtures/fault-upstream.js';
import { settlesWithin, waitFor } from '../server/helpers.js';
import { startLimitsHarness, type LimitsHarness } from './limits-harness.js';

// Short, so the test is quick; the bound below only says "it did happen", it measures nothing.
const TIMEOUTS = { GATEWAY_HEADERS_TIMEOUT_MS: '300', GATEWAY_REQUEST_TIMEOUT_MS: '500' };
const ANSWER_BOUND_MS = 10_000;

let upstream: FaultUpstream;
const clients: Array<{ close(): void }> = [];

beforeAll(async () => {
  upstream = await startFaultUpstream();
});
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});
afterAll(async () => {
  await upstream?.close();
});

const chat = (model: string) =>
  create(ChatRequestSchema, { model, messages: [{ role: Role.USER, content: [{ kind: { case: 'text', value: { text: 'Hello' } } }] }] });

interface Stalled {
  /** The answer's headers (with the trailers of a trailers-only answer) and the stream's RST code. */
  outcome: Promise<{ headers: http2.IncomingHttpHeaders; rstCode: number | undefined }>;
}

/** A raw HTTP/2 request that sends its headers and the first byte of its body, then nothing more. */
function stalledRequest(gatewayUrl: string, headers: http2.OutgoingHttpHeaders, firstByte: Buffer): Stalled {
  const session = http2.connect(gatewayUrl);
  session.on('error', () => undefined); // a cut session shows in the outcome
  clients.push({ close: () => session.destroy() });
  const stream = session.request({ ':method': 'POST', ...headers });
  stream.on('error', () => undefined);
  stream.write(firstByte);
  const outcome = new Promise<{ headers: http2.IncomingHttpHeaders; rstCode: number | undefined }>((resolve) => {
    let received: http2.IncomingHttpHeaders = {};
    stream.on('response', (answer) => (received = answer));
    stream.resume();
    stream.on('close', () => resolve({ headers: received, rstCode: stream.rstCode }));
  });
  return { outcome };
}

describe.each([{ level: 'info' }, { level: 'debug' }])('a stalled HTTP/2 request body (log level $level)', ({ level }) => {
  let harness: LimitsHarness;

  beforeAll(async () => {
    harness = await startLimitsHarness(
      { ...TIMEOUTS, GATEWAY_MAX_IN_FLIGHT_REQUESTS: '1', GATEWAY_LOG_LEVEL: level },
      { baseUrl: upstream.baseUrl, apiKey: upstream.apiKey, models: ['ok-x'] },
    );
  });
  afterAll(async () => {
    await harness?.gateway.close();
  });

  it('on the OpenAI shim: 408, the stream closed, and the slot served to the next request', async () => {
    const stalled = stalledRequest(
      harness.gateway.url,
      { ':path': '/v1/chat/completions', authorization: `Bearer ${harness.secret}`, 'content-type': 'application/json' },
      Buffer.from('{'),
    );
    const { headers } = await settlesWithin(stalled.outcome, ANSWER_BOUND_MS, 'the stalled stream answered');
    expect(headers[':status']).toBe(408);

    const openai = new OpenAI({ baseURL: `${harness.gateway.url}/v1`, apiKey: harness.secret, maxRetries: 0 });
    const completion = await openai.chat.completions.create({ model: 'up/ok-x', messages: [{ role: 'user', content: 'Hello' }] });
    expect(completion.choices[0]?.message.content).toBe('served by x');
  });

  it('on gRPC: DEADLINE_EXCEEDED (4) trailers-only, and the slot served to the next call', async () => {
    const stalled = stalledRequest(
      harness.gateway.url,
      { ':path': '/llmgateway.v1.CompletionService/Complete', authorization: `Bearer ${harness.secret}`, 'content-type': 'application/grpc', te: 'trailers' },
      Buffer.of(0), // the first byte of a length-prefixed message: not compressed
    );
    const { headers } = await settlesWithin(stalled.outcome, ANSWER_BOUND_MS, 'the stalled call answered');
    expect(headers[':status']).toBe(200);
    expect(headers['grpc-status']).toBe('4');

    const session = new Http2SessionManager(harness.gateway.url);
    clients.push({ close: () => session.abort() });
    const client = createClient(CompletionService, createGrpcTransport({ baseUrl: harness.gateway.url, sessionManager: session }));
    const answer = await client.complete({ chat: chat('up/ok-x') }, { headers: { authorization: `Bearer ${harness.secret}` } });
    const text = answer.response?.choices[0]?.message?.content.map((part) => (part.kind.case === 'text' ? part.kind.value.text : '')).join('');
    expect(text).toBe('served by x');
  });
});

describe('a streamed answer that outlives the request timeout', () => {
  let harness: LimitsHarness;

  beforeAll(async () => {
    harness = await startLimitsHarness(TIMEOUTS, { baseUrl: upstream.baseUrl, apiKey: upstream.apiKey, models: ['hang-x'] });
  });
  afterAll(async () => {
    await harness?.gateway.close();
  });

  it('is not cut: only receiving the request is bounded', async () => {
    const before = upstream.calls('hang-x');
    const session = new Http2SessionManager(harness.gateway.url);
    clients.push({ close: () => session.abort() });
    const client = createClient(CompletionService, createGrpcTransport({ baseUrl: harness.gateway.url, sessionManager: session }));
    const abort = new AbortController();
    clients.push({ close: () => abort.abort() });
    let ended: string | undefined;
    void (async () => {
      for await (const _event of client.streamComplete({ chat: chat('up/hang-x') }, { headers: { authorization: `Bearer ${harness.secret}` }, signal: abort.signal }));
      ended = 'ended';
    })().catch((error: unknown) => (ended = String(error)));
    await waitFor(() => upstream.calls('hang-x') === before + 1, ANSWER_BOUND_MS, 'the streamed call at the upstream');

    // A stalled request opened after it is cut once its timeout has passed — so the streamed call's has too.
    const stalled = stalledRequest(
      harness.gateway.url,
      { ':path': '/v1/chat/completions', authorization: `Bearer ${harness.secret}`, 'content-type': 'application/json' },
      Buffer.from('{'),
    );
    expect((await settlesWithin(stalled.outcome, ANSWER_BOUND_MS, 'the stalled stream answered')).headers[':status']).toBe(408);
    expect(ended).toBeUndefined();
  });
});
