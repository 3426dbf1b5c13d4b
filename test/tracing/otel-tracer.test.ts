// The RequestTracer on the OpenTelemetry SDK (src/tracing/otel-tracer.ts), on
// its own against the in-test receiver: W3C context in and out, sampling,
// the first failure kept, and an unreachable receiver reported, not thrown.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TracingConfig } from '../../src/config/config.js';
import { startOtelTracer } from '../../src/tracing/otel-tracer.js';
import { startOtlpReceiver, type OtlpReceiver } from './otlp-receiver.js';

let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(async () => receiver?.close());

const configFor = (tracesUrl: string, content = false): TracingConfig => ({
  tracesUrl,
  content,
  sampler: { parentBased: true, ratio: 1 },
  batch: { scheduledDelayMs: 5_000, maxQueueSize: 100 },
});
const silent = { warn: () => {} };

describe('the OpenTelemetry RequestTracer', () => {
  it('continues a valid traceparent with its tracestate, starts a new trace for a malformed one, and propagates the child', async () => {
    const tracer = startOtelTracer(configFor(`${receiver.url}/v1/traces`, true), silent);
    const continued = tracer.startServerSpan('GET /a', { traceparent: '00-11111111111111111111111111111111-2222222222222222-01', tracestate: 'vendor=abc' }, {});
    const attempt = continued.startChild('chat m', 'client', { 'gen_ai.request.model': 'm', absent: undefined });
    const headers = attempt.propagationHeaders();
    expect(continued.traceId).toBe('11111111111111111111111111111111');
    expect(continued.recordsContent).toBe(true);
    expect(headers['traceparent']).toMatch(/^00-11111111111111111111111111111111-[0-9a-f]{16}-01$/);
    expect(headers['tracestate']).toBe('vendor=abc');
    const fresh = tracer.startServerSpan('GET /b', { traceparent: 'not-a-traceparent', tracestate: undefined }, {});
    expect(fresh.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(fresh.traceId).not.toBe('11111111111111111111111111111111');
    for (const span of [attempt, continued, fresh]) span.end();
    await tracer.shutdown();
    const received = receiver.spans().filter((span) => span.traceId === continued.traceId);
    const child = received.find((span) => span.name === 'chat m')!;
    expect(headers['traceparent']).toContain(child.spanId);
    expect(child.attributes).toEqual({ 'gen_ai.request.model': 'm' });
    expect(received.find((span) => span.name === 'GET /a')?.parentSpanId).toBe('2222222222222222');
  });

  it('follows a client that did not sample: same trace id, nothing recorded or exported, no content serialised', async () => {
    const tracer = startOtelTracer(configFor(`${receiver.url}/v1/traces`, true), silent);
    const span = tracer.startServerSpan('GET /c', { traceparent: '00-33333333333333333333333333333333-4444444444444444-00', tracestate: undefined }, {});
    expect(span.traceId).toBe('33333333333333333333333333333333');
    expect(span.recordsContent).toBe(false);
    expect(span.startChild('chat m', 'client').propagationHeaders()['traceparent']).toMatch(/-00$/);
    span.end();
    await tracer.shutdown();
    expect(receiver.spans().filter((received) => received.traceId === span.traceId)).toEqual([]);
  });

  it('keeps the first failure recorded (the pipeline’s kind over the edge’s HTTP status)', async () => {
    const tracer = startOtelTracer(configFor(`${receiver.url}/v1/traces`), silent);
    const span = tracer.startServerSpan('POST /d', { traceparent: undefined, tracestate: undefined }, {});
    span.fail('unavailable', 'all targets failed');
    span.fail('503');
    span.end();
    await tracer.shutdown();
    const [received] = receiver.spans().filter((candidate) => candidate.traceId === span.traceId);
    expect(received?.attributes['error.type']).toBe('unavailable');
    expect(received?.status).toEqual({ code: 2, message: 'all targets failed' });
  });

  it('keeps a client failure’s type recorded first (markError) and still sets the error status of a later 5xx', async () => {
    const tracer = startOtelTracer(configFor(`${receiver.url}/v1/traces`), silent);
    // A request cut by shutdown: the pipeline says canceled, the edge answered 503.
    const span = tracer.startServerSpan('POST /f', { traceparent: undefined, tracestate: undefined }, {});
    span.markError('canceled');
    span.markError('invalid_argument');
    span.fail('503');
    span.end();
    await tracer.shutdown();
    const [received] = receiver.spans().filter((candidate) => candidate.traceId === span.traceId);
    expect(received?.attributes['error.type']).toBe('canceled');
    expect(received?.status.code).toBe(2);
  });

  it('shuts down without failing and without waiting long when the receiver is unreachable, and says so', async () => {
    const warnings: string[] = [];
    // A port nothing listens on: the receiver's, once closed.
    const closed = await startOtlpReceiver();
    await closed.close();
    const tracer = startOtelTracer(configFor(`${closed.url}/v1/traces`), { warn: (_details, message) => warnings.push(message) }, { shutdownExportMs: 50 });
    tracer.startServerSpan('GET /e', { traceparent: undefined, tracestate: undefined }, {}).end();
    await expect(tracer.shutdown()).resolves.toBeUndefined();
    expect(warnings).toContain('tracing: the last spans were not exported in time at shutdown');
  });
});
