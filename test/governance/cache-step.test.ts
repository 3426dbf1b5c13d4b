// The cache step alone: which calls it serves, hit/miss in the report,
// the unary hit in the outcome (a streamed hit is marked in its route events).
import { describe, expect, it } from 'vitest';
import { createResponseCache } from '../../src/core/cache/response-cache.js';
import { cacheStep } from '../../src/core/governance/cache-step.js';
import { startOutcome, type StepRun } from '../../src/core/governance/governance-step.js';
import { requestContext } from '../../src/domain/request-context.js';
import { GatewayError } from '../../src/domain/gateway-error.js';
import { collect, sampleResponse, sampleStream } from '../cache/helpers.js';
import { chatCall, chatRequest, embedCall, plan, testKey } from './step-fakes.js';

const cached = testKey({ cacheEnabled: true });
const newCache = () => createResponseCache({ maxBytes: 1_000_000, ttlMs: 60_000 });

describe('cache step', () => {
  it('stays out of calls it must not serve', () => {
    const step = cacheStep(newCache());
    const bypass = requestContext({ surface: 'openai', cacheBypass: true });
    const bypassInRequest = chatRequest();
    bypassInRequest.gateway = { $typeName: 'llmgateway.v1.GatewayOptions', cacheBypass: true } as never;
    expect(cacheStep(undefined).enter(chatCall({ key: cached, plan: plan() }), startOutcome())).toBeUndefined();
    expect(step.enter(chatCall({ plan: plan() }), startOutcome())).toBeUndefined();
    expect(step.enter(chatCall({ key: cached, plan: plan(), context: bypass }), startOutcome())).toBeUndefined();
    expect(step.enter(chatCall({ key: cached, plan: plan(), request: bypassInRequest }), startOutcome())).toBeUndefined();
    expect(step.enter(embedCall({ key: cached }), startOutcome())).toBeUndefined();
  });

  it('needs the routing step’s plan (the key names the resolved model)', () => {
    expect(() => cacheStep(newCache()).enter(chatCall({ key: cached }), startOutcome())).toThrow(GatewayError);
  });

  it('unary: a miss calls upstream once, the same request then hits', async () => {
    const step = cacheStep(newCache());
    let upstreamCalls = 0;
    const next = async () => (upstreamCalls++, sampleResponse());
    const first = startOutcome();
    const firstRun = step.enter(chatCall({ key: cached, plan: plan() }), first) as StepRun;
    expect((await firstRun.complete!(next)).id).toBe('gen-1');
    expect(first).toMatchObject({ cacheHit: false, report: { cache: 'miss' } });
    const second = startOutcome();
    const secondRun = step.enter(chatCall({ key: cached, plan: plan() }), second) as StepRun;
    await secondRun.complete!(next);
    expect(second).toMatchObject({ cacheHit: true, report: { cache: 'hit' } });
    expect(upstreamCalls).toBe(1);
  });

  it('stream: the report says miss, then hit for the same request', async () => {
    const step = cacheStep(newCache());
    const chunks = sampleStream();
    const next = async function* () {
      yield* chunks;
    };
    const first = startOutcome();
    const firstRun = step.enter(chatCall({ key: cached, plan: plan(), stream: true }), first) as StepRun;
    expect(await collect(firstRun.stream!(next))).toHaveLength(chunks.length);
    expect(first.report.cache).toBe('miss');
    const second = startOutcome();
    const secondRun = step.enter(chatCall({ key: cached, plan: plan(), stream: true }), second) as StepRun;
    const replayed = await collect(secondRun.stream!(next));
    expect(second.report.cache).toBe('hit');
    expect(replayed.at(-1)?.event).toMatchObject({ case: 'route', value: { cacheHit: true } });
  });
});
