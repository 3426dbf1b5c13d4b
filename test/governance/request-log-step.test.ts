// The request-log step alone: one row per call from the call and its outcome,
// whatever the ending (answered, failed, left by the client), bodies only
// for keys that log them.
import { describe, expect, it } from 'vitest';
import { startOutcome, type CallOutcome, type StepRun } from '../../src/core/governance/governance-step.js';
import { requestLogStep } from '../../src/core/governance/request-log-step.js';
import { GatewayError } from '../../src/domain/gateway-error.js';
import type { RequestLogRecord } from '../../src/domain/request-log.js';
import { sampleResponse, sampleStream } from '../cache/helpers.js';
import { chatCall, chatRequest, embedCall, RECEIVED_AT, testKey } from './step-fakes.js';

function setup() {
  const rows: RequestLogRecord[] = [];
  const step = requestLogStep({ log: { write: (row) => rows.push(row) }, now: () => RECEIVED_AT + 250 });
  return { rows, step };
}

const finish = (run: StepRun, outcome: CallOutcome, fields: Partial<CallOutcome>) => run.end!(Object.assign(outcome, fields));

describe('request-log step', () => {
  it('an answered unary call: route, usage, latency, the request as the steps left it', () => {
    const { rows, step } = setup();
    const call = chatCall();
    const outcome = startOutcome();
    const run = step.enter(call, outcome) as StepRun;
    expect(run.chunk).toBeUndefined();
    call.request = chatRequest('openai/rewritten');
    const response = sampleResponse();
    finish(run, outcome, { status: 'ok', response, route: response.route, usage: response.usage });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      requestId: 'req-1', surface: 'openai', operation: 'chat', stream: false, status: 'ok', requestedModel: 'openai/rewritten',
      providerId: 'openai', upstreamModel: 'gpt-4o', inputTokens: 10, outputTokens: 3, costUsd: 0.0042, latencyMs: 250, ttftMs: null,
      clientIp: '10.0.0.1', userAgent: 'ua', requestBody: null, responseBody: null, cacheHit: false,
    });
  });

  it('a failed call: the error’s kind and message; a cache hit costs nothing', () => {
    const { rows, step } = setup();
    const failed = startOutcome();
    finish(step.enter(embedCall(), failed) as StepRun, failed, { status: 'failed', error: new GatewayError('unavailable', 'all targets failed') });
    const hit = startOutcome();
    const response = sampleResponse();
    finish(step.enter(chatCall(), hit) as StepRun, hit, { status: 'ok', response, usage: response.usage, cacheHit: true });
    expect(rows[0]).toMatchObject({ operation: 'embeddings', status: 'error', errorKind: 'unavailable', errorMessage: 'all targets failed' });
    expect(rows[1]).toMatchObject({ status: 'ok', cacheHit: true, costUsd: 0 });
  });

  it('a stream the client left: a canceled row, time to first output, no response body', () => {
    const { rows, step } = setup();
    const outcome = startOutcome();
    const run = step.enter(chatCall({ stream: true, key: testKey({ logRequestBodies: true }) }), outcome) as StepRun;
    for (const chunk of sampleStream().slice(0, 5)) run.chunk!(chunk);
    finish(run, outcome, { status: 'failed', error: new GatewayError('canceled', 'the client stopped reading the stream'), firstOutputAt: RECEIVED_AT + 40 });
    expect(rows[0]).toMatchObject({ stream: true, status: 'canceled', ttftMs: 40, responseBody: null });
    expect(JSON.parse(rows[0]!.requestBody!)).toMatchObject({ model: 'openai/gpt' });
  });

  it('a completed stream of a key that logs bodies: the response assembled from its chunks', () => {
    const { rows, step } = setup();
    const outcome = startOutcome();
    const run = step.enter(chatCall({ stream: true, key: testKey({ logRequestBodies: true }) }), outcome) as StepRun;
    for (const chunk of sampleStream('Hi')) run.chunk!(chunk);
    finish(run, outcome, { status: 'ok' });
    expect(rows[0]!.responseBody).toContain('Hi!');
  });
});
