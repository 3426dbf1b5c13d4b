// Issue 18 (traces) through the real server: a gateway exporting to an
// in-test OTLP/HTTP receiver, a route whose first target is down, and a
// client that sends its own traceparent. What arrives is decoded and the span
// tree checked: the server span continues the client's trace, each upstream
// attempt is a GenAI client span under it (the first failed, the second
// served), the cache lookup and the expert classifier have spans of their
// own, the upstream received the attempt's traceparent, and the trace id is
// in the response header and in the request-log row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@connectrpc/connect';
import { createGrpcTransport, Http2SessionManager } from '@connectrpc/connect-node';
import { CompletionService } from '../../gen/llmgateway/v1/completion_service_pb.js';
import { startRoutingHarness, type RoutingHarness } from '../routing/routing-harness.js';
import { waitFor } from '../helpers/gateway-process.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './otlp-receiver.js';

const CLIENT_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN_ID = '00f067aa0ba902b7';
/** `earlier` is not after `later`, within the 1 ms by which two spans' clocks may disagree. */
const before = (earlier: string | number | bigint, later: string | number | bigint) => BigInt(earlier) <= BigInt(later) + 1_000_000n;
const traceparent = (traceId: string, spanId: string) => `00-${traceId}-${spanId}-01`;

let receiver: OtlpReceiver;
let harness: RoutingHarness;
let cachedSecret: string;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  // A short export delay, so spans arrive while the gateway runs (the test waits for them, never for a time).
  // At info, production's default log level, chat and the hot RPCs are served before Fastify (their intakes).
  harness = await startRoutingHarness({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '20', GATEWAY_LOG_LEVEL: 'info' });
  await harness.createRoute('failover', 'priority', ['down-a', 'ok-y'], { maxRetries: 0 });
  await harness.createRoute('failover-stream', 'priority', ['down-r', 'ok-z'], { maxRetries: 0 });
  // An expert route whose LLM judge is a provider model of its own.
  await harness.admin('ProvidersService/CreateProvider', {
    id: 'judges', name: 'Judges', type: 'PROVIDER_TYPE_OPENAI', baseUrl: harness.upstream.baseUrl, apiKey: harness.upstream.apiKey,
    models: [{ upstreamModel: 'judge-x' }],
  });
  await harness.admin('RoutesService/CreateRoute', {
    name: 'experts', strategy: 'ROUTE_STRATEGY_EXPERT',
    expert: {
      experts: [
        { name: 'code', description: 'Programming', providerId: 'fault', upstreamModel: 'ok-q' },
        { name: 'chat', description: 'Everything else', providerId: 'fault', upstreamModel: 'ok-x' },
      ],
      fallbackExpert: 'chat',
      classifier: { type: 'EXPERT_CLASSIFIER_TYPE_LLM', judgeModel: 'judges/judge-x', timeout: '5s' },
    },
  });
  const created = (await harness.admin('KeysService/CreateKey', { name: 'cached', cacheEnabled: true })) as { secret: string };
  cachedSecret = created.secret;
});

afterAll(async () => {
  await harness?.close();
  await receiver?.close();
});

/** POSTs a chat completion to the OpenAI shim with the given headers. */
async function chat(secret: string, model: string, text: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${harness.gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}`, ...headers },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: text }] }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as { choices?: Array<{ message: { content: string } }> } };
}

/** The spans of one trace, once `ready` holds for them. */
async function traceOf(traceId: string, ready: (spans: ReceivedSpan[]) => boolean): Promise<ReceivedSpan[]> {
  const spans = () => receiver.spans().filter((span) => span.traceId === traceId);
  await waitFor(() => ready(spans()), `the spans of trace ${traceId}`);
  return spans();
}

const childrenOf = (spans: ReceivedSpan[], parent: ReceivedSpan) =>
  spans.filter((span) => span.parentSpanId === parent.spanId).sort((left, right) => Number(left.startTimeUnixNano - right.startTimeUnixNano));

describe('traces of a failover request', () => {
  it('continues the client trace: server span, cache lookup, a failed and a served attempt; trace id in the header, the upstream call and the log row', async () => {
    const answer = await chat(cachedSecret, 'failover', 'Hello through the failover', { traceparent: traceparent(CLIENT_TRACE_ID, CLIENT_SPAN_ID) });
    expect(answer.status).toBe(200);
    expect(answer.body.choices?.[0]?.message.content).toBe('served by y');
    expect(answer.headers.get('x-trace-id')).toBe(CLIENT_TRACE_ID);

    const spans = await traceOf(CLIENT_TRACE_ID, (found) => found.some((span) => span.kind === 'server') && found.filter((span) => span.kind === 'client').length === 2);
    const server = spans.find((span) => span.kind === 'server')!;
    expect(server).toMatchObject({ name: 'POST /v1/chat/completions', parentSpanId: CLIENT_SPAN_ID });
    expect(server.status.code).toBe(0);
    expect(server.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/v1/chat/completions',
      'http.response.status_code': 200,
      'llm_gateway.request.model': 'failover',
      'llm_gateway.route': 'failover',
      'llm_gateway.provider.id': 'fault',
      'llm_gateway.upstream_model': 'ok-y',
      'llm_gateway.attempts': 2,
      'llm_gateway.cache.hit': false,
      'llm_gateway.operation': 'chat',
    });
    expect(server.resource['service.name']).toBe('llm-gateway');

    const [lookup, first, second, ...rest] = childrenOf(spans, server);
    expect(rest).toEqual([]);
    expect(lookup).toMatchObject({ name: 'cache lookup', kind: 'internal', attributes: { 'llm_gateway.cache.hit': false, 'llm_gateway.cache.mode': 'unary' } });

    expect(first).toMatchObject({ name: 'chat down-a', kind: 'client' });
    expect(first!.status.code).toBe(2);
    expect(first!.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'down-a',
      'error.type': 'unavailable',
      'http.response.status_code': 503,
      'llm_gateway.attempt.outcome': 'unavailable',
      'llm_gateway.provider.id': 'fault',
      'server.address': '127.0.0.1',
    });
    expect(first!.attributes['gen_ai.usage.input_tokens']).toBeUndefined();

    expect(second).toMatchObject({ name: 'chat ok-y', kind: 'client' });
    expect(second!.status.code).toBe(0);
    expect(second!.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'ok-y',
      'gen_ai.response.model': 'ok-y',
      'gen_ai.usage.input_tokens': 5,
      'gen_ai.usage.output_tokens': 3,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.request.stream': false,
      'llm_gateway.attempt.outcome': 'ok',
    });
    expect(second!.attributes['error.type']).toBeUndefined();
    // Failover order: the lookup ends before the first attempt, which ends before the second starts. The SDK
    // anchors each span's clock to Date.now() (1 ms resolution), so two spans' times may disagree by < 1 ms.
    expect(before(lookup!.endTimeUnixNano, first!.startTimeUnixNano)).toBe(true);
    expect(before(first!.endTimeUnixNano, second!.startTimeUnixNano)).toBe(true);

    // Each upstream call carried its own attempt's span as the parent.
    expect(harness.upstream.lastHeaders('down-a')?.['traceparent']).toBe(traceparent(CLIENT_TRACE_ID, first!.spanId));
    expect(harness.upstream.lastHeaders('ok-y')?.['traceparent']).toBe(traceparent(CLIENT_TRACE_ID, second!.spanId));

    // Content is off by default.
    for (const span of spans) expect(Object.keys(span.attributes).filter((name) => name.startsWith('gen_ai.input') || name.startsWith('gen_ai.output'))).toEqual([]);

    // The request-log row leads to the trace.
    await harness.gateway.gateway.requestLog.flush();
    const listed = (await harness.admin('UsageService/ListRequests', { filter: { model: 'failover' } })) as { requests: Array<{ traceId?: string; attempts?: number }> };
    expect(listed.requests.map((row) => row.traceId)).toEqual([CLIENT_TRACE_ID]);
    // So does the request's console line.
    const lines = harness.gateway.logLines.filter((line) => line.includes('"msg":"request completed"') && line.includes('"model":"failover"'));
    expect(lines.map((line) => (JSON.parse(line) as { traceId?: string }).traceId)).toContain(CLIENT_TRACE_ID);
  });

  it('answers the same request from the cache: a lookup span that hit, and no attempt', async () => {
    const traceId = 'a1a2a3a4a5a6a7a8a9b0b1b2b3b4b5b6';
    const answer = await chat(cachedSecret, 'failover', 'Hello through the failover', { traceparent: traceparent(traceId, '1111111111111111') });
    expect(answer.headers.get('x-gateway-cache')).toBe('hit');
    const spans = await traceOf(traceId, (found) => found.some((span) => span.kind === 'server'));
    const server = spans.find((span) => span.kind === 'server')!;
    expect(childrenOf(spans, server).map((span) => [span.name, span.attributes['llm_gateway.cache.hit']])).toEqual([['cache lookup', true]]);
    expect(server.attributes).toMatchObject({ 'llm_gateway.cache.hit': true, 'llm_gateway.attempts': 0 });
  });

  it('starts a new trace when the client sends none, and never exports a key or an authorization header', async () => {
    const answer = await chat(harness.secret, 'failover', 'No trace context here');
    const traceId = answer.headers.get('x-trace-id') ?? '';
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    const spans = await traceOf(traceId, (found) => found.filter((span) => span.kind === 'client').length === 2);
    expect(spans.find((span) => span.kind === 'server')?.parentSpanId).toBe('');
    const exported = receiver.rawBodies().join('\n');
    for (const secret of [harness.secret, cachedSecret, harness.upstream.apiKey, harness.gateway.adminToken]) expect(exported).not.toContain(secret);
    expect(exported.toLowerCase()).not.toContain('authorization');
  });
});

describe('traces of the other paths', () => {
  it('a streamed failover: the failed attempt and the serving one, its finish reason and usage from the stream', async () => {
    const traceId = 'c1c2c3c4c5c6c7c8c9d0d1d2d3d4d5d6';
    const response = await fetch(`${harness.gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${harness.secret}`, traceparent: traceparent(traceId, '2222222222222222') },
      body: JSON.stringify({ model: 'failover-stream', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Stream it' }] }),
    });
    expect(response.headers.get('x-trace-id')).toBe(traceId);
    expect(await response.text()).toContain('[DONE]');
    const spans = await traceOf(traceId, (found) => found.some((span) => span.kind === 'server') && found.filter((span) => span.kind === 'client').length === 2);
    const server = spans.find((span) => span.kind === 'server')!;
    expect(server.attributes).toMatchObject({ 'llm_gateway.stream': true, 'llm_gateway.upstream_model': 'ok-z', 'llm_gateway.attempts': 2 });
    const [first, second] = childrenOf(spans, server);
    expect([first!.name, first!.status.code, first!.attributes['error.type']]).toEqual(['chat down-r', 2, 'unavailable']);
    expect(second!.name).toBe('chat ok-z');
    expect(second!.status.code).toBe(0);
    expect(second!.attributes).toMatchObject({
      'gen_ai.request.stream': true,
      'gen_ai.response.model': 'ok-z',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 5,
      'gen_ai.usage.output_tokens': 3,
      'llm_gateway.attempt.outcome': 'ok',
    });
    // The stream's attempt span ends with the stream, not when its first chunk arrived.
    expect(before(second!.endTimeUnixNano, server.endTimeUnixNano)).toBe(true);
    expect(harness.upstream.lastHeaders('ok-z')?.['traceparent']).toBe(traceparent(traceId, second!.spanId));
  });

  it('an expert route: a classify-expert span, parent of the judge call, then the chosen expert', async () => {
    const traceId = 'e1e2e3e4e5e6e7e8e9f0f1f2f3f4f5f6';
    const answer = await chat(harness.secret, 'experts', 'Why does this function throw a bug?', { traceparent: traceparent(traceId, '3333333333333333') });
    expect(answer.body.choices?.[0]?.message.content).toBe('served by q');
    const spans = await traceOf(traceId, (found) => found.some((span) => span.kind === 'server') && found.filter((span) => span.kind === 'client').length === 2);
    const server = spans.find((span) => span.kind === 'server')!;
    const [classify, expert] = childrenOf(spans, server);
    expect(classify).toMatchObject({
      name: 'classify expert',
      kind: 'internal',
      attributes: { 'llm_gateway.route': 'experts', 'llm_gateway.expert': 'code', 'llm_gateway.expert.classifier': 'llm' },
    });
    expect(childrenOf(spans, classify!).map((span) => [span.kind, span.name, span.attributes['gen_ai.provider.name']])).toEqual([['client', 'chat judge-x', 'openai']]);
    expect(expert).toMatchObject({ name: 'chat ok-q', kind: 'client' });
    expect(server.attributes).toMatchObject({ 'llm_gateway.request.model': 'experts', 'llm_gateway.expert': 'code', 'llm_gateway.upstream_model': 'ok-q' });
  });

  it('a Connect RPC: the same server span, header and attempt spans as the REST shims', async () => {
    const traceId = '5a5b5c5d5e5f50515253545556575859';
    const response = await fetch(`${harness.gateway.url}/llmgateway.v1.CompletionService/Complete`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${harness.secret}`, traceparent: traceparent(traceId, '4444444444444444') },
      body: JSON.stringify({ chat: { model: 'failover', messages: [{ role: 'ROLE_USER', content: [{ text: { text: 'Hello over Connect' } }] }] } }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-trace-id')).toBe(traceId);
    const spans = await traceOf(traceId, (found) => found.some((span) => span.kind === 'server') && found.filter((span) => span.kind === 'client').length === 2);
    const server = spans.find((span) => span.kind === 'server')!;
    expect(server).toMatchObject({ name: 'POST /llmgateway.v1.CompletionService/Complete', parentSpanId: '4444444444444444' });
    expect(childrenOf(spans, server).map((span) => [span.name, span.status.code])).toEqual([
      ['chat down-a', 2],
      ['chat ok-y', 0],
    ]);
  });

  it('a gRPC stream over HTTP/2: the trace id in the response headers, the span ended when the stream is', async () => {
    const traceId = '9a9b9c9d9e9f90919293949596979899';
    const session = new Http2SessionManager(harness.gateway.url);
    try {
      const rpc = createClient(CompletionService, createGrpcTransport({ baseUrl: harness.gateway.url, sessionManager: session }));
      let header: string | null = null;
      const chunks = rpc.streamComplete(harness.chat('failover-stream', 'Stream over gRPC'), {
        headers: { authorization: `Bearer ${harness.secret}`, traceparent: traceparent(traceId, '6666666666666666') },
        onHeader: (headers) => (header = headers.get('x-trace-id')),
      });
      for await (const _chunk of chunks) void _chunk;
      expect(header).toBe(traceId);
    } finally {
      session.abort();
    }
    const spans = await traceOf(traceId, (found) => found.some((span) => span.kind === 'server') && found.filter((span) => span.kind === 'client').length === 2);
    const server = spans.find((span) => span.kind === 'server')!;
    expect(server).toMatchObject({ name: 'POST /llmgateway.v1.CompletionService/StreamComplete', parentSpanId: '6666666666666666' });
    expect(server.attributes).toMatchObject({ 'network.protocol.version': '2.0', 'llm_gateway.stream': true, 'llm_gateway.upstream_model': 'ok-z' });
    expect(childrenOf(spans, server).map((span) => span.name)).toEqual(['chat down-r', 'chat ok-z']);
  });

  it('a failure the client caused is marked with error.type, without the error status of a server fault', async () => {
    const traceId = '7a7b7c7d7e7f70717273747576777879';
    const answer = await chat(harness.secret, 'no-such-model', 'Hello', { traceparent: traceparent(traceId, '5555555555555555') });
    expect(answer.status).toBe(404);
    const [server] = await traceOf(traceId, (found) => found.some((span) => span.kind === 'server'));
    expect(server!.attributes).toMatchObject({ 'error.type': 'not_found', 'http.response.status_code': 404 });
    expect(server!.status.code).toBe(0);
  });
});
