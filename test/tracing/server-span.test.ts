// The server span of a request that did not finish: a client that left (a
// non-streamed call, an OpenAI stream, a gRPC stream) and a stream cut at the
// end of the shutdown grace period. Each span still carries what the pipeline
// learned — the key, the provider and model that served, the attempts, the
// usage and cost counted so far — with error.type canceled, and a status code
// that is not a 200 nobody received (499, client closed request, for the
// client that left). The span waits for the pipeline's outcome, which comes
// after the client has gone. And the requests that get no span: a metrics
// scrape, like a health probe, is not a request of the gateway.
import { createClient } from '@connectrpc/connect';
import { createGrpcTransport, Http2SessionManager } from '@connectrpc/connect-node';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompletionService } from '../../gen/llmgateway/v1/completion_service_pb.js';
import { SHUTDOWN_MESSAGE } from '../../src/core/governance/in-flight-calls.js';
import { waitFor } from '../helpers/gateway-process.js';
import { startRoutingHarness, type RoutingHarness } from '../routing/routing-harness.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './otlp-receiver.js';

const PRICES = { inputPerMillion: 1_000, outputPerMillion: 2_000 };
const traceparent = (traceId: string) => `00-${traceId}-1234567890abcdef-01`;

let receiver: OtlpReceiver;
let harness: RoutingHarness;

/** A gateway exporting to the receiver, with a priced provider whose `drip-w` streams a delta every 10 ms. */
async function startTracedGateway(environment: Record<string, string> = {}): Promise<RoutingHarness> {
  // At info (production's default) chat and the typed RPCs are taken before Fastify; a short export delay.
  const started = await startRoutingHarness({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '20', GATEWAY_LOG_LEVEL: 'info', ...environment });
  await started.admin('ProvidersService/CreateProvider', {
    id: 'priced',
    name: 'Priced',
    type: 'PROVIDER_TYPE_OPENAI',
    baseUrl: started.upstream.baseUrl,
    apiKey: started.upstream.apiKey,
    models: [{ upstreamModel: 'drip-w', prices: PRICES }, { upstreamModel: 'hang-w', prices: PRICES }],
  });
  return started;
}

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  harness = await startTracedGateway();
});

afterAll(async () => {
  await harness?.close();
  await receiver?.close();
});

/** The server span of a trace, once exported. */
async function serverSpanOf(traceId: string): Promise<ReceivedSpan> {
  const server = () => receiver.spans().find((span) => span.traceId === traceId && span.kind === 'server');
  await waitFor(() => server() !== undefined, `the server span of trace ${traceId}`);
  return server()!;
}

const attemptSpansOf = (traceId: string) => receiver.spans().filter((span) => span.traceId === traceId && span.kind === 'client');

/** Streams `drip-w` through the OpenAI SDK until `deltas` deltas arrived, then `stop()`s (the caller's abort or a shutdown). */
async function streamUntil(openai: OpenAI, traceId: string, deltas: number, stop: (controller: AbortController) => unknown): Promise<unknown> {
  const controller = new AbortController();
  const stream = await openai.chat.completions.create(
    { model: 'priced/drip-w', stream: true, messages: [{ role: 'user', content: 'Go on' }] },
    { signal: controller.signal, headers: { traceparent: traceparent(traceId) } },
  );
  let seen = 0;
  try {
    for await (const part of stream) {
      if (part.choices[0]?.delta.content && ++seen === deltas) await stop(controller);
    }
    return 'completed';
  } catch (error) {
    return error;
  }
}

/** What every canceled request's server span says about the pipeline. */
function expectPipelineOutcome(server: ReceivedSpan, upstreamModel: string) {
  expect(server.attributes).toMatchObject({
    'llm_gateway.key.id': expect.any(String),
    'llm_gateway.provider.id': 'priced',
    'llm_gateway.upstream_model': upstreamModel,
    'llm_gateway.attempts': 1,
    'llm_gateway.cache.hit': false,
    'error.type': 'canceled',
  });
}

describe('the server span of a request its client left', () => {
  it('a non-streamed chat: the pipeline outcome, error.type canceled, status 499 (not a 200 nobody received)', async () => {
    const traceId = '11a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1';
    const controller = new AbortController();
    const call = harness.openai.chat.completions
      .create({ model: 'priced/hang-w', messages: [{ role: 'user', content: 'Hi' }] }, { signal: controller.signal, headers: { traceparent: traceparent(traceId) } })
      .catch((error: unknown) => error);
    await waitFor(() => harness.upstream.calls('hang-w') === 1, 'the upstream call');
    controller.abort();
    expect(await call).toBeInstanceOf(OpenAI.APIUserAbortError);
    const server = await serverSpanOf(traceId);
    expectPipelineOutcome(server, 'hang-w');
    expect(server.attributes['http.response.status_code']).toBe(499);
    // A client's cancellation is not the server's failure.
    expect(server.status.code).toBe(0);
  });

  it('an OpenAI stream: also the usage and cost counted until the client left', async () => {
    const traceId = '22b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2';
    // The SDK ends the iteration quietly on its own abort.
    await streamUntil(harness.openai, traceId, 3, (controller) => controller.abort());
    const server = await serverSpanOf(traceId);
    expectPipelineOutcome(server, 'drip-w');
    expect(server.attributes).toMatchObject({ 'http.response.status_code': 499, 'llm_gateway.stream': true, 'llm_gateway.usage.estimated': true });
    expect(server.attributes['llm_gateway.usage.output_tokens']).toBeGreaterThanOrEqual(3);
    expect(server.attributes['llm_gateway.usage.cost_usd']).toBeGreaterThan(0);
    expect(server.status.code).toBe(0);
  });

  it('a gRPC StreamComplete aborted mid-stream', async () => {
    const traceId = '33c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3';
    const session = new Http2SessionManager(harness.gateway.url);
    try {
      const rpc = createClient(CompletionService, createGrpcTransport({ baseUrl: harness.gateway.url, sessionManager: session }));
      const controller = new AbortController();
      let deltas = 0;
      const streamed = (async () => {
        const messages = rpc.streamComplete(harness.chat('priced/drip-w', 'Go on'), {
          signal: controller.signal,
          headers: { authorization: `Bearer ${harness.secret}`, traceparent: traceparent(traceId) },
        });
        for await (const message of messages) if (message.chunk?.event.case === 'textDelta' && ++deltas === 3) controller.abort();
      })().catch((error: unknown) => error);
      expect(await streamed).toBeInstanceOf(Error);
      const server = await serverSpanOf(traceId);
      expect(server.name).toBe('POST /llmgateway.v1.CompletionService/StreamComplete');
      expectPipelineOutcome(server, 'drip-w');
      expect(server.attributes['http.response.status_code']).toBe(499);
      expect(server.attributes['llm_gateway.usage.output_tokens']).toBeGreaterThanOrEqual(3);
      expect(server.attributes['llm_gateway.usage.cost_usd']).toBeGreaterThan(0);
    } finally {
      session.abort();
    }
  });
});

describe('the server span of a stream cut by shutdown', () => {
  it('carries the pipeline outcome, the 200 its client read the error event in, and an attempt span that names the shutdown', async () => {
    const traceId = '44d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4';
    const gateway = await startTracedGateway({ GATEWAY_SHUTDOWN_GRACE_MS: '100' });
    try {
      let closing: Promise<void> | undefined;
      const result = await streamUntil(gateway.openai, traceId, 3, () => void (closing = gateway.gateway.close()));
      // The client read the gateway's own word that it shut down, not a dropped connection.
      expect(result).toBeInstanceOf(OpenAI.APIError);
      expect(String((result as Error).message)).toContain(SHUTDOWN_MESSAGE);
      await closing;
    } finally {
      await gateway.upstream.close();
    }
    // The gateway exports its last spans before its close resolves.
    const server = await serverSpanOf(traceId);
    expectPipelineOutcome(server, 'drip-w');
    expect(server.attributes['http.response.status_code']).toBe(200);
    expect(server.attributes['llm_gateway.usage.cost_usd']).toBeGreaterThan(0);
    const [attempt, ...others] = attemptSpansOf(traceId);
    expect(others).toEqual([]);
    expect(attempt?.attributes['error.type']).toBe('canceled');
    expect(attempt?.status.message).toBe(SHUTDOWN_MESSAGE);
  });
});

describe('what is not traced', () => {
  it('a /metrics scrape on the main port, like a health probe, exports no span', async () => {
    const scrape = await fetch(`${harness.gateway.url}/metrics`, { headers: { authorization: `Bearer ${harness.gateway.adminToken}` } });
    expect(scrape.status).toBe(200);
    expect(scrape.headers.get('x-trace-id')).toBeNull();
    expect((await fetch(`${harness.gateway.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${harness.gateway.url}/healthz`)).status).toBe(200);
    // Spans leave in the order they end: once a request's span sent after them has arrived, theirs would have too.
    const traceId = '55e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5';
    await harness.openai.chat.completions.create({ model: 'fault/ok-x', messages: [{ role: 'user', content: 'Hi' }] }, { headers: { traceparent: traceparent(traceId) } });
    await serverSpanOf(traceId);
    const names = receiver.spans().map((span) => span.name);
    expect(names.filter((name) => name.includes('/metrics') || name.includes('/healthz'))).toEqual([]);
  });
});
