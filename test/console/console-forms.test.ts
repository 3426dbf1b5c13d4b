// The console's forms ↔ the admin API's proto messages: what the user types becomes exactly the
// request the gateway expects (field masks included), and a bad value names its proto field.
import { describe, expect, it } from 'vitest';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { BudgetPeriod, BudgetUnit, VirtualKeySchema } from '../../gen/llmgateway/v1/keys_service_pb.js';
import { ProviderSchema, ProviderType } from '../../gen/llmgateway/v1/providers_service_pb.js';
import { ExpertClassifierType, RouteSchema, RouteStrategy } from '../../gen/llmgateway/v1/routes_service_pb.js';
import { Role } from '../../gen/llmgateway/v1/chat_pb.js';
import { PromptRuleOperation, PromptRuleSchema, PromptRuleScope } from '../../gen/llmgateway/v1/prompt_rules_service_pb.js';
import { emptyKeyForm, keyToForm, toCreateKeyRequest, toUpdateKeyRequest } from '../../console/src/forms/key-form.js';
import { addDiscoveredModels, emptyModelRow, emptyProviderForm, providerToForm, toCreateProviderRequest, toUpdateProviderRequest } from '../../console/src/forms/provider-form.js';
import { emptyRouteForm, parseTarget, routeToForm, toCreateRouteRequest, toUpdateRouteRequest } from '../../console/src/forms/route-form.js';
import { emptyPromptRuleForm, promptRuleToForm, toCreatePromptRuleRequest, toUpdatePromptRuleRequest } from '../../console/src/forms/prompt-rule-form.js';
import { FieldProblem, parsePairs, splitList } from '../../console/src/forms/form-values.js';

function problemOf(action: () => unknown): { field: string; message: string } {
  try {
    action();
  } catch (error) {
    if (error instanceof FieldProblem) return { field: error.field, message: error.message };
    throw error;
  }
  throw new Error('expected a FieldProblem');
}

describe('key form', () => {
  it('turns the form into a CreateKeyRequest', () => {
    const form = { ...emptyKeyForm(), name: '  billing ', allowedModels: 'gpt-4o*,\n anthropic/* ', requestsPerMinute: '60', budgetAmount: '12.5', budgetPeriod: BudgetPeriod.WEEK, metadata: 'team=payments\nowner = ana' };
    const request = toCreateKeyRequest(form);
    expect(request.name).toBe('billing');
    expect(request.allowedModels).toEqual(['gpt-4o*', 'anthropic/*']);
    expect(request.rateLimits?.requestsPerMinute).toBe(60);
    expect(request.rateLimits?.tokensPerMinute).toBe(0);
    expect(request.budget).toMatchObject({ amount: 12.5, unit: BudgetUnit.USD, period: BudgetPeriod.WEEK });
    expect(request.metadata).toEqual({ team: 'payments', owner: 'ana' });
    expect(request.expiresAt).toBeUndefined();
  });

  it('leaves the budget unset when the amount is empty, and refuses 0 on the budget field', () => {
    expect(toCreateKeyRequest({ ...emptyKeyForm(), name: 'k' }).budget).toBeUndefined();
    expect(problemOf(() => toCreateKeyRequest({ ...emptyKeyForm(), name: 'k', budgetAmount: '0' })).field).toBe('budget.amount');
    expect(problemOf(() => toCreateKeyRequest({ ...emptyKeyForm(), name: 'k', budgetAmount: 'ten' })).field).toBe('budget.amount');
  });

  it('names the field of a bad limit, a bad metadata line and a missing name', () => {
    expect(problemOf(() => toCreateKeyRequest({ ...emptyKeyForm(), name: 'k', tokensPerMinute: '1.5' })).field).toBe('rate_limits.tokens_per_minute');
    expect(problemOf(() => toCreateKeyRequest({ ...emptyKeyForm(), name: 'k', metadata: 'no-equals-sign' }))).toEqual({ field: 'metadata', message: 'line 1: expected name=value' });
    expect(problemOf(() => toCreateKeyRequest(emptyKeyForm())).field).toBe('name');
  });

  it('round-trips a stored key and names the edited fields in the update mask (so clearing clears)', () => {
    const expires = new Date(2027, 0, 2, 3, 4);
    const key = create(VirtualKeySchema, {
      id: 'key_1', name: 'ops', enabled: false, allowedModels: ['a/*'], expiresAt: timestampFromDate(expires),
      rateLimits: { concurrentRequests: 4 }, budget: { amount: 1000, unit: BudgetUnit.TOKENS, period: BudgetPeriod.DAY }, cacheEnabled: true, metadata: { a: 'b' },
    });
    const form = keyToForm(key);
    expect(form).toMatchObject({ name: 'ops', enabled: false, allowedModels: 'a/*', concurrentRequests: '4', requestsPerMinute: '', budgetAmount: '1000', budgetUnit: BudgetUnit.TOKENS, metadata: 'a=b', expiresAt: '2027-01-02T03:04' });
    form.allowedModels = '';
    form.budgetAmount = '';
    const update = toUpdateKeyRequest(key, form);
    expect(update.id).toBe('key_1');
    expect(update.allowedModels).toEqual([]);
    expect(update.budget).toBeUndefined();
    expect(update.expiresAt?.seconds).toBe(BigInt(expires.getTime() / 1000));
    expect(update.updateMask?.paths).toEqual(['allowed_models', 'budget']);
  });
});

describe('provider form', () => {
  it('turns the form into a CreateProviderRequest with models, prices and headers', () => {
    const form = { ...emptyProviderForm(), name: 'Fixture', id: 'fx', type: ProviderType.AZURE_OPENAI, baseUrl: 'https://r.openai.azure.com', apiKey: 'secret-1234', extraHeaders: 'X-Team: payments', azureApiVersion: '2024-10-21' };
    form.models.push({ ...emptyModelRow('gpt-4o'), alias: 'fast', deployment: 'prod-4o', inputPrice: '2.5', outputPrice: '10' }, emptyModelRow('unpriced'));
    const request = toCreateProviderRequest(form);
    expect(request).toMatchObject({ id: 'fx', name: 'Fixture', type: ProviderType.AZURE_OPENAI, apiKey: 'secret-1234', extraHeaders: { 'X-Team': 'payments' } });
    expect(request.azure?.apiVersion).toBe('2024-10-21');
    expect(request.models[0]).toMatchObject({ upstreamModel: 'gpt-4o', alias: 'fast', deployment: 'prod-4o', enabled: true });
    expect(request.models[0]?.prices).toMatchObject({ inputPerMillion: 2.5, outputPerMillion: 10, cachedInputPerMillion: 0 });
    expect(request.models[1]?.prices).toBeUndefined();
  });

  it('names the row of a bad price or a missing model', () => {
    const form = emptyProviderForm();
    form.models.push(emptyModelRow('a'), { ...emptyModelRow('b'), outputPrice: '-1' });
    expect(problemOf(() => toCreateProviderRequest(form)).field).toBe('models[1].prices.output_per_million');
    form.models[1] = emptyModelRow('');
    expect(problemOf(() => toCreateProviderRequest(form)).field).toBe('models[1].upstream_model');
  });

  it('never fills the write-only key from a stored provider, and sends it on update only when typed', () => {
    const provider = create(ProviderSchema, { id: 'p', name: 'P', type: ProviderType.OPENAI, apiKeyLast4: 'abcd', models: [{ upstreamModel: 'm', prices: { inputPerMillion: 1 } }] });
    const form = providerToForm(provider);
    expect(form.apiKey).toBe('');
    expect(form.models[0]).toMatchObject({ inputPrice: '1', outputPrice: '0' });
    const unchanged = toUpdateProviderRequest(provider, form);
    expect(unchanged.apiKey).toBeUndefined();
    expect(unchanged.updateMask?.paths).toEqual([]);
    form.apiKey = 'new-key-9999';
    const changed = toUpdateProviderRequest(provider, form);
    expect(changed.apiKey).toBe('new-key-9999');
    expect(changed.updateMask?.paths).toEqual(['api_key']);
    expect(changed.azure).toBeUndefined();
  });

  it('keeps what the form does not show (media prices, a model quota) when a provider is edited', () => {
    const provider = create(ProviderSchema, {
      id: 'p',
      name: 'P',
      type: ProviderType.OPENAI,
      models: [
        { upstreamModel: 'dall-e-3', prices: { perImage: 0.04 }, quota: { requestsPerMinute: 5, maxConcurrent: 2 } },
        { upstreamModel: 'gpt-4o', prices: { inputPerMillion: 2.5, outputPerMillion: 10, perMillionCharacters: 15 } },
      ],
    });
    const form = providerToForm(provider);
    form.models[1]!.outputPrice = '12';
    const update = toUpdateProviderRequest(provider, form);
    expect(update.updateMask?.paths).toEqual(['models']);
    expect(update.models[0]?.prices?.perImage).toBe(0.04);
    expect(update.models[0]?.quota).toMatchObject({ requestsPerMinute: 5, maxConcurrent: 2 });
    expect(update.models[1]?.prices).toMatchObject({ inputPerMillion: 2.5, outputPerMillion: 12, perMillionCharacters: 15 });
    const added = emptyModelRow('new-model');
    form.models.push(added);
    expect(toUpdateProviderRequest(provider, form).models[2]?.prices).toBeUndefined();
  });

  it('adds only the discovered models not yet listed', () => {
    const form = emptyProviderForm();
    form.models.push(emptyModelRow('a'));
    expect(addDiscoveredModels(form, ['a', 'b', 'c'])).toBe(2);
    expect(form.models.map((row) => row.upstreamModel)).toEqual(['a', 'b', 'c']);
  });
});

describe('route form', () => {
  it('reads provider/model targets and route names', () => {
    expect(parseTarget('openai/gpt-4o')).toEqual({ providerId: 'openai', upstreamModel: 'gpt-4o', route: '' });
    expect(parseTarget('fixture/org/model')).toEqual({ providerId: 'fixture', upstreamModel: 'org/model', route: '' });
    expect(parseTarget('smart')).toEqual({ providerId: '', upstreamModel: '', route: 'smart' });
  });

  it('keeps a target naming a route with a "/" in its name a route target, as loaded and as typed', () => {
    const route = create(RouteSchema, {
      name: 'outer', strategy: RouteStrategy.PRIORITY, version: 4n,
      targets: [{ route: 'team/smart' }],
      expert: { experts: [{ name: 'code', route: 'team/coder' }] },
    });
    const form = routeToForm(route);
    expect(form.targets.map((row) => row.target)).toEqual(['team/smart']);
    form.targets.push({ target: 'fixture/plain-text', weight: '', drained: false });
    const update = toUpdateRouteRequest(route, form);
    expect(update.targets.map(({ providerId, upstreamModel, route: name }) => ({ providerId, upstreamModel, route: name }))).toEqual([
      { providerId: '', upstreamModel: '', route: 'team/smart' },
      { providerId: 'fixture', upstreamModel: 'plain-text', route: '' },
    ]);
    expect(update.expectedVersion).toBe(4n);
    // Typed anew: a name the route list has is a route; the rest still reads as provider/model.
    expect(parseTarget('team/smart', ['team/smart'])).toEqual({ providerId: '', upstreamModel: '', route: 'team/smart' });
    const typed = { ...emptyRouteForm(), name: 'r', targets: [{ target: 'team/smart', weight: '', drained: false }, { target: 'team/other', weight: '', drained: false }] };
    expect(toCreateRouteRequest(typed, ['team/smart']).targets.map((target) => [target.providerId, target.upstreamModel, target.route])).toEqual([
      ['', '', 'team/smart'],
      ['team', 'other', ''],
    ]);
    // An expert's route target survives the switch of another field.
    const expert = routeToForm(create(RouteSchema, { ...route, strategy: RouteStrategy.EXPERT }));
    expert.fallbackExpert = 'code';
    expect(toUpdateRouteRequest(create(RouteSchema, { ...route, strategy: RouteStrategy.EXPERT }), expert).expert?.experts[0]).toMatchObject({ name: 'code', route: 'team/coder', providerId: '' });
  });

  it('turns a weighted route with settings into a CreateRouteRequest', () => {
    const form = { ...emptyRouteForm(), name: 'smart', strategy: RouteStrategy.WEIGHTED, targets: [{ target: 'a/m1', weight: '3', drained: false }, { target: 'fallback', weight: '', drained: false }, { target: ' ', weight: '', drained: false }], maxRetries: '2', attemptTimeoutSeconds: '1.5', failoverStatuses: '429, 503' };
    const request = toCreateRouteRequest(form);
    expect(request.targets.map((target) => [target.providerId, target.upstreamModel, target.route, target.weight])).toEqual([['a', 'm1', '', 3], ['', '', 'fallback', 0]]);
    expect(request.settings?.maxRetries).toBe(2);
    expect(request.settings?.attemptTimeout).toMatchObject({ seconds: 1n, nanos: 500_000_000 });
    expect(request.settings?.totalDeadline).toBeUndefined();
    expect(request.settings?.failoverStatuses).toEqual([429, 503]);
    expect(request.expert).toBeUndefined();
  });

  it('names a bad status or timeout, and round-trips an expert route with its mask', () => {
    expect(problemOf(() => toCreateRouteRequest({ ...emptyRouteForm(), failoverStatuses: '42' })).field).toBe('settings.failover_statuses');
    expect(problemOf(() => toCreateRouteRequest({ ...emptyRouteForm(), totalDeadlineSeconds: '0' })).field).toBe('settings.total_deadline');
    const route = create(RouteSchema, {
      name: 'experts', strategy: RouteStrategy.EXPERT, enabled: true, version: 7n,
      expert: { experts: [{ name: 'code', description: 'code questions', providerId: 'p', upstreamModel: 'coder' }], fallbackExpert: 'code', classifier: { judgeModel: 'p/judge' } },
    });
    const form = routeToForm(route);
    expect(form.experts).toEqual([{ name: 'code', description: 'code questions', target: 'p/coder' }]);
    form.fallbackExpert = '';
    const update = toUpdateRouteRequest(route, form);
    expect(update.expert?.experts[0]).toMatchObject({ providerId: 'p', upstreamModel: 'coder' });
    expect(update.expert?.classifier?.judgeModel).toBe('p/judge');
    expect(update.updateMask?.paths).toEqual(['expert']);
    // Saved only over the route as loaded: a change made meanwhile gets the update refused.
    expect(update.expectedVersion).toBe(7n);
  });
});

describe('route form editing', () => {
  it('keeps what the form does not show: backoff, affinity, a rules classifier, preprocessing, experts\' prompts', () => {
    const route = create(RouteSchema, {
      name: 'experts', strategy: RouteStrategy.EXPERT,
      settings: { maxRetries: 3, backoffBase: { seconds: 1n }, affinityScope: 2, maxRetryAfter: { seconds: 4n } },
      expert: {
        experts: [{ name: 'code', description: 'code', providerId: 'p', upstreamModel: 'coder', systemPrompt: 'You write code.', examples: ['fix my loop'] }],
        fallbackExpert: 'code',
        classifier: { type: ExpertClassifierType.RULES, rules: [{ pattern: '```', expert: 'code' }] },
        preprocessing: { keepLastTurns: 2 },
      },
    });
    const form = routeToForm(route);
    form.maxRetries = '';
    form.experts[0]!.description = 'programming questions';
    form.experts.push({ name: 'chat', description: 'small talk', target: 'p/chatty' });
    const update = toUpdateRouteRequest(route, form);
    expect(update.updateMask?.paths).toEqual(['settings', 'expert']);
    expect(update.settings?.maxRetries).toBeUndefined();
    expect(update.settings?.backoffBase?.seconds).toBe(1n);
    expect(update.settings?.affinityScope).toBe(2);
    expect(update.settings?.maxRetryAfter?.seconds).toBe(4n);
    expect(update.expert?.classifier?.type).toBe(ExpertClassifierType.RULES);
    expect(update.expert?.classifier?.rules.map((rule) => rule.pattern)).toEqual(['```']);
    expect(update.expert?.classifier?.judgeModel).toBe('');
    expect(update.expert?.preprocessing?.keepLastTurns).toBe(2);
    expect(update.expert?.experts.map((expert) => [expert.name, expert.description, expert.systemPrompt, expert.examples])).toEqual([
      ['code', 'programming questions', 'You write code.', ['fix my loop']],
      ['chat', 'small talk', undefined, []],
    ]);
    // The stored route itself is untouched.
    expect(route.expert?.experts[0]?.description).toBe('code');
  });
});

describe('prompt rule form and shared values', () => {
  it('sends only the chosen operation’s fields', () => {
    const regex = toCreatePromptRuleRequest({ ...emptyPromptRuleForm(), name: 'r', operation: PromptRuleOperation.REGEX_REPLACE, text: 'left over', pattern: 'foo', replacement: 'bar' });
    expect(regex).toMatchObject({ text: '', pattern: 'foo', flags: 'g', replacement: 'bar' });
    const prepend = toCreatePromptRuleRequest({ ...emptyPromptRuleForm(), name: 'p', text: 'Be brief.', pattern: 'stale' });
    expect(prepend).toMatchObject({ text: 'Be brief.', pattern: '', flags: '' });
  });

  it('keeps a regex rule\'s roles on update and clears them when the operation no longer takes them', () => {
    const rule = create(PromptRuleSchema, { id: 'r1', name: 'r', enabled: true, scope: PromptRuleScope.ROUTE, scopeId: 'smart', operation: PromptRuleOperation.REGEX_REPLACE, pattern: 'x', flags: 'g', roles: [Role.USER] });
    const regex = toUpdatePromptRuleRequest(rule, { ...promptRuleToForm(rule), pattern: 'y' });
    expect(regex.updateMask?.paths).toEqual(['pattern']);
    const system = toUpdatePromptRuleRequest(rule, { ...promptRuleToForm(rule), operation: PromptRuleOperation.SET_SYSTEM, text: 'Hi' });
    expect(system.updateMask?.paths.sort()).toEqual(['flags', 'operation', 'pattern', 'replacement', 'roles', 'text']);
    expect(system).toMatchObject({ roles: [], text: 'Hi', pattern: '', flags: '' });
  });

  it('splits lists and pairs', () => {
    expect(splitList(' a, b\n\n c ,')).toEqual(['a', 'b', 'c']);
    expect(parsePairs('extra_headers', 'X-A: 1\n\nX-B:two: three', ':')).toEqual({ 'X-A': '1', 'X-B': 'two: three' });
  });

  it('names each of its own checks by an i18n key both languages have, with the English words as the message', async () => {
    const { zhCN } = await import('../../console/src/i18n/zh-CN.js');
    const problem = (() => {
      try {
        parsePairs('metadata', 'a=1\na=2', '=');
      } catch (error) {
        return error as FieldProblem;
      }
      throw new Error('expected a FieldProblem');
    })();
    expect(problem.translatable).toEqual({ key: 'formErrors.pairTwice', params: { line: 2, name: 'a' } });
    expect(zhCN.formErrors.pairTwice).toBe('第 {line} 行：“{name}”出现了两次');
    expect(problem.message).toBe('line 2: "a" is given twice');
  });

  it('refuses a name given twice on its field, rather than keeping one value silently', () => {
    expect(problemOf(() => parsePairs('metadata', 'team=payments\nowner=ana\nteam=billing', '='))).toEqual({ field: 'metadata', message: 'line 3: "team" is given twice' });
    // Header names are case-insensitive: X-Team and x-team are one header.
    expect(problemOf(() => parsePairs('extra_headers', 'X-Team: a\nx-team: b', ':'))).toEqual({ field: 'extra_headers', message: 'line 2: "x-team" is given twice' });
    // Metadata names are not: Team and team are two.
    expect(parsePairs('metadata', 'Team=a\nteam=b', '=')).toEqual({ Team: 'a', team: 'b' });
    expect(problemOf(() => toCreateKeyRequest({ ...emptyKeyForm(), name: 'k', metadata: 'a=1\na=2' })).field).toBe('metadata');
  });
});
