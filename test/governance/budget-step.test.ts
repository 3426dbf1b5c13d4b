// The budget step alone: the worst case of the plan reserved (refused when it
// does not fit), swapped for what the call consumed when it ends.
import { create } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { UsageSchema } from '../../gen/llmgateway/v1/chat_pb.js';
import { budgetStep } from '../../src/core/governance/budget-step.js';
import { startOutcome, type CallOutcome, type StepRun } from '../../src/core/governance/governance-step.js';
import { createBudgetGuard } from '../../src/core/limits/budget-guard.js';
import { BudgetExceededError } from '../../src/core/limits/limit-errors.js';
import type { PlannedTarget, RoutePlan } from '../../src/core/routing/route-plan.js';
import type { ModelPricesRecord } from '../../src/domain/provider.js';
import { fakeClock, fakeSpendRepository, keyWith } from '../limits/limits-fakes.js';
import { chatCall, chatRequest, embedCall, plan } from './step-fakes.js';

function setup(defaultOutputTokens = 1000) {
  const clock = fakeClock();
  const budgets = createBudgetGuard({ spend: fakeSpendRepository(), now: clock.now });
  return { budgets, step: budgetStep({ budgets, defaultOutputTokens }) };
}

function target(upstreamModel: string, prices: ModelPricesRecord | null): PlannedTarget {
  const model = { upstreamModel, alias: '', enabled: true, deployment: '', prices };
  return { key: `p/${upstreamModel}`, model, target: { upstreamModel }, weight: 1 } as unknown as PlannedTarget;
}

const PRICED = { inputPerMillion: 1_000, outputPerMillion: 10_000, cachedInputPerMillion: 0, cacheWritePerMillion: 0 };
const DEARER = { inputPerMillion: 2_000, outputPerMillion: 20_000, cachedInputPerMillion: 0, cacheWritePerMillion: 2_500 };

function plannedWith(...targets: PlannedTarget[]): RoutePlan {
  return { ...plan(), targets };
}

const ended = (outcome: CallOutcome, status: CallOutcome['status'], fields: Partial<CallOutcome> = {}): CallOutcome =>
  Object.assign(outcome, { status, ...fields });

const usd = (amount: number) => ({ amount, unit: 'usd' as const, period: 'month' as const });

describe('budget step', () => {
  it('reserves the input plus the maximum output at the dearest target of the plan', async () => {
    const { step, budgets } = setup();
    const key = keyWith({ budget: usd(100) });
    const request = chatRequest('smart', 'Hello there');
    request.maxOutputTokens = 50;
    const call = chatCall({ key, request, plan: plannedWith(target('cheap', PRICED), target('dear', DEARER)) });
    await step.enter(call, startOutcome());
    const spend = await budgets.spendOf(key);
    // Input is priced at the dearer of input and cache-write rates: 2 500 $/M here.
    const inputTokens = (spend!.reserved - (50 * 20_000) / 1e6) / (2_500 / 1e6);
    expect(Number.isInteger(Math.round(inputTokens))).toBe(true);
    expect(Math.round(inputTokens)).toBeGreaterThan(2);
    expect(spend!.reserved).toBeCloseTo((Math.round(inputTokens) * 2_500 + 50 * 20_000) / 1e6, 9);
  });

  it('reserves the default output for a request without a maximum, and refuses what does not fit', async () => {
    const { step } = setup(1000);
    const key = keyWith({ budget: usd(5) }); // 1000 output tokens at 10 000 $/M = $10 alone
    const call = chatCall({ key, plan: plannedWith(target('m', PRICED)) });
    const error = await Promise.resolve(step.enter(call, startOutcome())).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect((error as Error).message).toMatch(/^budget would be exceeded: this request may use up to \$10\.\d+ .* and \$5\.00 of \$5\.00 is left this month$/);
    call.request.maxOutputTokens = 100; // $1 of output: fits
    await expect(Promise.resolve(step.enter(call, startOutcome()))).resolves.toBeDefined();
  });

  it('charges what the call consumed: the answer, a stream cut short (partial usage), nothing for a cache hit or a failure without output', async () => {
    const { step, budgets } = setup(10);
    const key = keyWith({ budget: usd(10) });
    const usage = create(UsageSchema, { inputTokens: 10, outputTokens: 5, costUsd: 0.25 });
    const cases: Array<[CallOutcome['status'], Partial<CallOutcome>]> = [
      ['ok', { usage }],
      ['ok', { usage, cacheHit: true }],
      ['failed', { error: new Error('upstream down') }],
      ['failed', { error: new Error('client left'), usage: create(UsageSchema, { inputTokens: 10, outputTokens: 2, costUsd: 0.1, estimated: true }) }],
    ];
    for (const [status, fields] of cases) {
      const outcome = startOutcome();
      const run = (await step.enter(chatCall({ key, plan: plannedWith(target('m', PRICED)) }), outcome)) as StepRun;
      run.end!(ended(outcome, status, fields));
    }
    await budgets.flush();
    const spend = await budgets.spendOf(key);
    expect(spend).toMatchObject({ reserved: 0, tokens: 27 });
    expect(spend!.spent).toBeCloseTo(0.35, 12);
  });

  it('keys without a budget are not touched; embeddings reserve their input tokens', async () => {
    const { step, budgets } = setup();
    // Synchronously: no promise on every request of a key without a budget.
    expect(step.enter(chatCall(), startOutcome())).toBeUndefined();
    const key = keyWith({ budget: { amount: 3, unit: 'tokens', period: 'day' } });
    await step.enter(embedCall({ key }), startOutcome()); // "a text": 2 tokens
    expect((await budgets.spendOf(key))!.reserved).toBe(2);
    await expect(Promise.resolve(step.enter(embedCall({ key }), startOutcome()))).rejects.toBeInstanceOf(BudgetExceededError);
  });
});
