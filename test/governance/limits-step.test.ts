// The limits step alone: admission up front (x-ratelimit-* numbers in the
// report, refusals), settled with the answer's usage, given back on failure.
import { create } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { UsageSchema } from '../../gen/llmgateway/v1/chat_pb.js';
import { startOutcome, type CallOutcome, type StepRun } from '../../src/core/governance/governance-step.js';
import { limitsStep } from '../../src/core/governance/limits-step.js';
import { createBudgetGuard } from '../../src/core/limits/budget-guard.js';
import { createInMemoryRateLimiter } from '../../src/core/limits/in-memory-rate-limiter.js';
import { RateLimitError } from '../../src/core/limits/limit-errors.js';
import { fakeClock, fakeSpendRepository, keyWith } from '../limits/limits-fakes.js';
import { chatCall, embedCall } from './step-fakes.js';

function setup() {
  const clock = fakeClock();
  const control = { limiter: createInMemoryRateLimiter({ now: clock.now }), budgets: createBudgetGuard({ spend: fakeSpendRepository(), now: clock.now }) };
  return { control, step: limitsStep(control) };
}

const ended = (outcome: CallOutcome, status: CallOutcome['status'], fields: Partial<CallOutcome> = {}): CallOutcome =>
  Object.assign(outcome, { status, ...fields });

describe('limits step', () => {
  it('reports the key’s request window after admission, and refuses past it with the refusal’s numbers', async () => {
    const { step } = setup();
    const key = keyWith({ limits: { requestsPerMinute: 2 } });
    const first = startOutcome();
    const run = (await step.enter(chatCall({ key }), first)) as StepRun;
    expect(first.report.limits?.requests).toMatchObject({ limit: 2, remaining: 1 });
    run.end!(ended(first, 'ok'));
    await step.enter(chatCall({ key }), startOutcome());
    const refused = startOutcome();
    const error = await Promise.resolve(step.enter(chatCall({ key }), refused)).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(refused.report.limits).toEqual((error as RateLimitError).state);
    expect(refused.report.limits?.requests.remaining).toBe(0);
  });

  it('keys without limits or a budget: nothing entered (no promise, nothing to settle), no limits reported', () => {
    const { step } = setup();
    const outcome = startOutcome();
    expect(step.enter(chatCall(), outcome)).toBeUndefined();
    expect(outcome.report.limits).toBeUndefined();
  });

  it('gives the concurrency slot back when the call failed', async () => {
    const { step } = setup();
    const key = keyWith({ limits: { concurrentRequests: 1 } });
    const outcome = startOutcome();
    const run = (await step.enter(chatCall({ key }), outcome)) as StepRun;
    await expect(Promise.resolve(step.enter(chatCall({ key }), startOutcome()))).rejects.toBeInstanceOf(RateLimitError);
    run.end!(ended(outcome, 'failed', { error: new Error('upstream down') }));
    await expect(Promise.resolve(step.enter(embedCall({ key }), startOutcome()))).resolves.toBeDefined();
  });

  it('reconciles the token window with a stream cut short (its partial usage), and refuses an exhausted budget up front', async () => {
    const { step, control } = setup();
    const key = keyWith({ limits: { tokensPerMinute: 1000 }, budget: { amount: 1, unit: 'usd', period: 'month' } });
    const outcome = startOutcome();
    const run = (await step.enter(chatCall({ key }), outcome)) as StepRun;
    run.end!(ended(outcome, 'failed', { error: new Error('client left'), usage: create(UsageSchema, { inputTokens: 300, outputTokens: 200, estimated: true }) }));
    const next = startOutcome();
    await step.enter(chatCall({ key }), next);
    expect(next.report.limits?.tokens.remaining).toBeLessThanOrEqual(500);

    await control.budgets.commit(await control.budgets.check(key, { tokens: 0, costUsd: 1 }), { tokens: 1, costUsd: 1 });
    await expect(Promise.resolve(step.enter(chatCall({ key }), startOutcome()))).rejects.toThrow('budget exhausted: $1.00 of $1.00 this month');
  });
});
