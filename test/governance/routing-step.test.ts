// The routing step alone: the plan made once and handed on with the call,
// prompt rules applied, an expert route re-aiming the request (with the
// access grant travelling with the planning call), the route annotated.
import { create } from '@bufbuild/protobuf';
import { describe, expect, it, vi } from 'vitest';
import { ChatResponseSchema } from '../../gen/llmgateway/v1/chat_pb.js';
import type { CoreCall } from '../../src/core/completion/completion-call.js';
import type { ExpertRouter } from '../../src/core/experts/index.js';
import { startOutcome, type StepRun } from '../../src/core/governance/governance-step.js';
import { routingStep } from '../../src/core/governance/routing-step.js';
import type { ChatRequest } from '../../gen/llmgateway/v1/chat_pb.js';
import type { PromptRuleRecord } from '../../src/domain/prompt-rule.js';
import type { RouteRecord } from '../../src/domain/route.js';
import { DEFAULT_ROUTE_SETTINGS } from '../../src/core/routing/route-plan.js';
import { makeExpertConfig } from '../experts/fixtures.js';
import { chatCall, chatRequest, embedCall, plan, routeInfo } from './step-fakes.js';

const rule = (fields: Partial<PromptRuleRecord>): PromptRuleRecord => ({
  id: 'rule-1', name: 'brevity', enabled: true, scope: 'route', scopeId: 'smart', order: 1, operation: 'prepend-system',
  text: 'Be brief.', pattern: '', flags: '', replacement: '', roles: [], firstUserTurnOnly: false, createdAt: 0, updatedAt: 0, ...fields,
});

/** `inMemory`: the tables answer without waiting (peek, planInMemory, rulesInMemory), `'no plan'` except the plan. */
function setup(options: { rules?: PromptRuleRecord[]; routes?: RouteRecord[]; router?: ExpertRouter; inMemory?: true | 'no plan' } = {}) {
  const planned: CoreCall<ChatRequest>[] = [];
  const rulesFor = vi.fn(async () => options.rules ?? []);
  const rulesInMemory = vi.fn(() => options.rules ?? []);
  const decisions: unknown[] = [];
  const routes = new Map((options.routes ?? []).map((route) => [route.name, route]));
  const planFor = (call: CoreCall<ChatRequest>) => (planned.push(call), plan(call.request.model === 'smart' ? 'smart' : ''));
  const step = routingStep({
    core: {
      plan: async (call) => planFor(call),
      ...(options.inMemory ? { planInMemory: (call: CoreCall<ChatRequest>) => (options.inMemory === true ? planFor(call) : undefined) } : {}),
    },
    rules: { rulesFor, ...(options.inMemory ? { rulesInMemory } : {}), invalidate() {} },
    experts: {
      routes: { snapshot: async () => routes, ...(options.inMemory ? { peek: () => routes } : {}), invalidate() {} },
      router: options.router ?? { choose: () => Promise.reject(new Error('no expert routes here')) },
      pipeline: {} as never,
      decisions: { insert: async (decision: unknown) => void decisions.push(decision) } as never,
    },
    now: () => 0,
  });
  return { step, planned, rulesFor, rulesInMemory, decisions };
}

/** An enabled expert route `experts` and a router that always chooses the expert `name` (openai/gpt-code). */
function expertRouteChoosing(name: string): { expertRoute: RouteRecord; router: ExpertRouter } {
  const expertRoute: RouteRecord = {
    name: 'experts', description: '', strategy: 'expert', targets: [], settings: DEFAULT_ROUTE_SETTINGS, enabled: true,
    createdAt: 0, updatedAt: 0, expert: makeExpertConfig() as RouteRecord['expert'],
  };
  const expert = { name, description: '', route: '', providerId: 'openai', upstreamModel: 'gpt-code', systemPrompt: null, examples: [] };
  const router: ExpertRouter = {
    choose: async () => ({ expert, source: 'classifier', classifier: 'rules', latencyMs: 1, tokens: 0, fallbackReason: '' }) as never,
  };
  return { expertRoute, router };
}

describe('routing step', () => {
  it('leaves embeddings alone', async () => {
    expect(await setup().step.enter(embedCall(), startOutcome())).toBeUndefined();
  });

  it('plans once and hands the plan on with the call; no rules: the request as sent', async () => {
    const { step, planned, rulesFor } = setup();
    const call = chatCall({ request: chatRequest('smart') });
    const original = call.request;
    const run = (await step.enter(call, startOutcome())) as StepRun;
    expect(planned).toHaveLength(1);
    expect(planned[0]!.accessGrantedFor).toBeUndefined();
    expect(call.plan?.routeName).toBe('smart');
    expect(call.request).toBe(original);
    expect(rulesFor).toHaveBeenCalledWith('key-1', 'smart');
    const route = routeInfo();
    run.route!(route);
    expect(route).toMatchObject({ rulesApplied: [], expert: '' });
  });

  it('applies the prompt rules after planning and names them on the route', async () => {
    const { step } = setup({ rules: [rule({})] });
    const call = chatCall({ request: chatRequest('smart') });
    const run = (await step.enter(call, startOutcome())) as StepRun;
    expect(call.request.messages[0]?.content[0]?.kind.value).toMatchObject({ text: 'Be brief.' });
    const response = create(ChatResponseSchema, { route: routeInfo() });
    run.route!(response.route!);
    expect(response.route!.rulesApplied).toEqual(['brevity']);
  });

  it('an expert route plans the request for the expert’s model, with the key’s access granted for it; the request keeps the route’s name', async () => {
    const { expertRoute, router } = expertRouteChoosing('coder');
    const { step, planned, rulesFor, decisions } = setup({ routes: [expertRoute], router });
    const call = chatCall({ request: chatRequest('experts') });
    const run = (await step.enter(call, startOutcome())) as StepRun;
    expect(planned[0]).toMatchObject({ accessGrantedFor: 'openai/gpt-code', request: { model: 'openai/gpt-code' } });
    // The answer, the request log and the metrics name what the client asked for, as for a plain route.
    expect(call.request.model).toBe('experts');
    // The rules of the route the client named, not of the expert's target.
    expect(rulesFor).toHaveBeenCalledWith('key-1', 'experts');
    expect(decisions).toMatchObject([{ requestId: 'req-1', route: 'experts', expert: 'coder' }]);
    // The plan names the expert's target ('' for a provider model); the route info names the expert route.
    const route = routeInfo();
    run.route!(route);
    expect(route).toMatchObject({ route: 'experts', expert: 'coder' });
  });
  it('with the routes, providers and rules in memory it enters without waiting, to the same plan and rules', () => {
    const { step, planned, rulesFor, rulesInMemory } = setup({ rules: [rule({})], inMemory: true });
    const call = chatCall({ request: chatRequest('smart') });
    const run = step.enter(call, startOutcome());
    expect(run).not.toBeInstanceOf(Promise);
    expect(planned).toHaveLength(1);
    expect(call.plan?.routeName).toBe('smart');
    expect(rulesInMemory).toHaveBeenCalledWith('key-1', 'smart');
    expect(rulesFor).not.toHaveBeenCalled();
    expect(call.request.messages[0]?.content[0]?.kind.value).toMatchObject({ text: 'Be brief.' });
    const route = routeInfo();
    (run as StepRun).route!(route);
    expect(route).toMatchObject({ rulesApplied: ['brevity'], expert: '' });
  });

  it('waits when the plan cannot be made from memory, or when the client named an expert route', async () => {
    const loading = setup({ rules: [rule({})], inMemory: 'no plan' });
    const call = chatCall({ request: chatRequest('smart') });
    const entered = loading.step.enter(call, startOutcome());
    expect(entered).toBeInstanceOf(Promise);
    await entered;
    expect(loading.rulesFor).toHaveBeenCalledWith('key-1', 'smart');
    expect(call.plan?.routeName).toBe('smart');

    const { expertRoute, router } = expertRouteChoosing('coder');
    const experts = setup({ routes: [expertRoute], router, inMemory: true });
    const expertCall = chatCall({ request: chatRequest('experts') });
    const chosen = experts.step.enter(expertCall, startOutcome());
    expect(chosen).toBeInstanceOf(Promise);
    await chosen;
    expect(expertCall.request.model).toBe('experts');
    expect(experts.planned[0]).toMatchObject({ accessGrantedFor: 'openai/gpt-code', request: { model: 'openai/gpt-code' } });
  });
});
