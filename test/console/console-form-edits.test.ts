// The console's updates send only what the user changed (so two tabs editing different fields of one
// record both hold), numbers are checked against the API's types on their field, a rotation grace period
// is read or refused (never silently 0), route errors name the form's own row, the request-log filter
// round-trips through the address, and the built-in console's CSP is recognised.
import { describe, expect, it } from 'vitest';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate, timestampMs } from '@bufbuild/protobuf/wkt';
import { VirtualKeySchema } from '../../gen/llmgateway/v1/keys_service_pb.js';
import { ProviderSchema, ProviderType } from '../../gen/llmgateway/v1/providers_service_pb.js';
import { RouteSchema, RouteStrategy } from '../../gen/llmgateway/v1/routes_service_pb.js';
import { PromptRuleOperation, PromptRuleSchema, PromptRuleScope } from '../../gen/llmgateway/v1/prompt_rules_service_pb.js';
import { RequestStatus } from '../../gen/llmgateway/v1/usage_service_pb.js';
import { emptyKeyForm, keyToForm, toCreateKeyRequest, toUpdateKeyRequest } from '../../console/src/forms/key-form.js';
import { providerToForm, toUpdateProviderRequest } from '../../console/src/forms/provider-form.js';
import { emptyRouteForm, routeToForm, targetFieldOnForm, toCreateRouteRequest, toUpdateRouteRequest } from '../../console/src/forms/route-form.js';
import { emptyPromptRuleForm, promptRuleToForm, toCreatePromptRuleRequest, toUpdatePromptRuleRequest } from '../../console/src/forms/prompt-rule-form.js';
import { changesNothing, FieldProblem, localInputToTimestamp, timestampToLocalInput, wholeNumber } from '../../console/src/forms/form-values.js';
import { gracePeriod } from '../../console/src/forms/grace-period.js';
import { emptyRequestFilterForm, filterFromQuery, filterToQuery } from '../../console/src/forms/request-filter.js';
import { allowsOnlyOwnOrigin } from '../../console/src/api/page-policy.js';
import { CONSOLE_CSP } from '../../src/server/console-files.js';

function problemOf(action: () => unknown): { field: string; message: string } {
  try {
    action();
  } catch (error) {
    if (error instanceof FieldProblem) return { field: error.field, message: error.message };
    throw error;
  }
  throw new Error('expected a FieldProblem');
}

describe('updates send only the changed fields', () => {
  const key = create(VirtualKeySchema, {
    id: 'key_1', name: 'two-tabs', enabled: true, rateLimits: { requestsPerMinute: 10 }, expiresAt: timestampFromDate(new Date('2031-01-01T10:20:30.500Z')),
  });

  it('a key: one tab raising the limit and another renaming name one field each, and the expiry is not sent untouched', () => {
    const tabA = keyToForm(key);
    tabA.requestsPerMinute = '77';
    expect(toUpdateKeyRequest(key, tabA).updateMask?.paths).toEqual(['rate_limits']);
    const tabB = keyToForm(key);
    tabB.name = 'two-tabs-renamed';
    expect(toUpdateKeyRequest(key, tabB).updateMask?.paths).toEqual(['name']);
    const untouched = toUpdateKeyRequest(key, keyToForm(key));
    expect(untouched.updateMask?.paths).toEqual([]);
    expect(changesNothing(untouched)).toBe(true);
    // Formatting-only differences are no change.
    expect(toUpdateKeyRequest(key, { ...keyToForm(key), name: ' two-tabs ', requestsPerMinute: '10 ' }).updateMask?.paths).toEqual([]);
  });

  it('a key\'s expiry keeps its seconds and milliseconds through the form, and an edited one is sent', () => {
    const form = keyToForm(key);
    expect(timestampMs(localInputToTimestamp('expires_at', form.expiresAt)!)).toBe(Date.parse('2031-01-01T10:20:30.500Z'));
    expect(timestampToLocalInput(timestampFromDate(new Date(2031, 0, 1, 10, 20)))).toBe('2031-01-01T10:20');
    expect(timestampToLocalInput(timestampFromDate(new Date(2031, 0, 1, 10, 20, 30)))).toBe('2031-01-01T10:20:30');
    expect(timestampToLocalInput(timestampFromDate(new Date(2031, 0, 1, 10, 20, 30, 5)))).toBe('2031-01-01T10:20:30.005');
    form.expiresAt = '2032-02-02T02:02:02';
    const update = toUpdateKeyRequest(key, form);
    expect(update.updateMask?.paths).toEqual(['expires_at']);
    expect(timestampMs(update.expiresAt!)).toBe(new Date(2032, 1, 2, 2, 2, 2).getTime());
  });

  it('a provider: only the changed fields, the api key only when typed', () => {
    const provider = create(ProviderSchema, {
      id: 'p', name: 'P', type: ProviderType.OPENAI, baseUrl: 'https://example.com/v1', extraHeaders: { 'X-Team': 'a' }, enabled: true, models: [{ upstreamModel: 'm' }],
    });
    const form = providerToForm(provider);
    form.name = 'Renamed';
    expect(toUpdateProviderRequest(provider, form).updateMask?.paths).toEqual(['name']);
    form.models[0]!.alias = 'fast';
    form.extraHeaders = 'X-Team: b';
    expect(toUpdateProviderRequest(provider, form).updateMask?.paths).toEqual(['name', 'extra_headers', 'models']);
  });

  it('a route: only the changed fields; switching to the expert strategy sends its expert routing', () => {
    const route = create(RouteSchema, {
      name: 'smart', description: 'd', strategy: RouteStrategy.PRIORITY, enabled: true, targets: [{ providerId: 'p', upstreamModel: 'm' }], settings: { maxRetries: 2 },
      expert: { experts: [{ name: 'code', providerId: 'p', upstreamModel: 'coder' }], fallbackExpert: 'code' },
    });
    const form = routeToForm(route);
    form.description = 'the smart one';
    form.targets.push({ target: ' ', weight: '', drained: false });
    expect(toUpdateRouteRequest(route, form).updateMask?.paths).toEqual(['description']);
    form.targets.push({ target: 'p/other', weight: '', drained: false });
    expect(toUpdateRouteRequest(route, form).updateMask?.paths).toEqual(['description', 'targets']);
    const expert = routeToForm(route);
    expert.strategy = RouteStrategy.EXPERT;
    const update = toUpdateRouteRequest(route, expert);
    expect(update.updateMask?.paths).toEqual(['strategy', 'expert']);
    expect(update.expert?.experts[0]?.name).toBe('code');
  });

  it('a prompt rule: only the changed fields', () => {
    const rule = create(PromptRuleSchema, { id: 'r1', name: 'r', enabled: true, scope: PromptRuleScope.ROUTE, scopeId: 'smart', order: 3, operation: PromptRuleOperation.PREPEND_SYSTEM, text: 'Be brief.' });
    expect(toUpdatePromptRuleRequest(rule, { ...promptRuleToForm(rule), order: '4' }).updateMask?.paths).toEqual(['order']);
    expect(changesNothing(toUpdatePromptRuleRequest(rule, promptRuleToForm(rule)))).toBe(true);
  });
});

describe('numbers the API cannot take are refused on their field', () => {
  it('limits above uint32, prompt-rule orders outside int32 or not in decimal, and a budget of 0 or less', () => {
    expect(problemOf(() => toCreateKeyRequest({ ...emptyKeyForm(), name: 'k', requestsPerMinute: '99999999999' }))).toEqual({ field: 'rate_limits.requests_per_minute', message: 'must be at most 4294967295' });
    expect(wholeNumber('x', '4294967295')).toBe(4_294_967_295);
    expect(problemOf(() => toCreateRouteRequest({ ...emptyRouteForm(), targets: [{ target: 'p/m', weight: '5000000000', drained: false }] })).field).toBe('targets[0].weight');
    for (const order of ['1e12', '0x10', '1.5', '2147483648']) {
      expect(problemOf(() => toCreatePromptRuleRequest({ ...emptyPromptRuleForm(), name: 'r', order })).field).toBe('order');
    }
    expect(toCreatePromptRuleRequest({ ...emptyPromptRuleForm(), name: 'r', order: '-5' }).order).toBe(-5);
    expect(toCreatePromptRuleRequest({ ...emptyPromptRuleForm(), name: 'r', order: '' }).order).toBe(0);
    for (const amount of ['-5', '0', 'ten']) {
      expect(problemOf(() => toCreateKeyRequest({ ...emptyKeyForm(), name: 'k', budgetAmount: amount }))).toEqual({ field: 'budget.amount', message: 'must be a number greater than 0 (leave empty for no budget)' });
    }
  });
});

describe('rotation grace period', () => {
  it('reads minutes and durations, and refuses what it cannot read or the gateway would refuse', () => {
    const ms = (text: string) => Number(gracePeriod(text).seconds) * 1000 + gracePeriod(text).nanos / 1e6;
    expect(ms('60')).toBe(3_600_000);
    expect(ms('0')).toBe(0);
    expect(ms('1h')).toBe(3_600_000);
    expect(ms(' 1H30m ')).toBe(5_400_000);
    expect(ms('90s')).toBe(90_000);
    expect(ms('30d')).toBe(30 * 86_400_000);
    for (const unreadable of ['', 'abc', '-5', '1.5', '1y', '31d', 'h']) expect(problemOf(() => gracePeriod(unreadable)).field).toBe('grace_period');
  });
});

describe('drained route targets', () => {
  it('an edit of another target keeps a drained target drained, and the box drains or restores one', () => {
    const route = create(RouteSchema, {
      name: 'pool', strategy: RouteStrategy.WEIGHTED, enabled: true,
      targets: [{ providerId: 'p', upstreamModel: 'a', weight: 3 }, { providerId: 'p', upstreamModel: 'b', weight: 1, drained: true }],
    });
    const form = routeToForm(route);
    expect(form.targets.map((row) => row.drained)).toEqual([false, true]);
    expect(toUpdateRouteRequest(route, form).updateMask?.paths).toEqual([]);
    form.targets[0]!.weight = '5';
    expect(toUpdateRouteRequest(route, form).targets.map((target) => [target.weight, target.drained])).toEqual([[5, false], [1, true]]);
    const restored = routeToForm(route);
    restored.targets[1]!.drained = false;
    const update = toUpdateRouteRequest(route, restored);
    expect(update.updateMask?.paths).toEqual(['targets']);
    expect(update.targets.map((target) => target.drained)).toEqual([false, false]);
  });
});

describe('route target rows', () => {
  it('names the form row in its own checks and maps the API\'s target index past blank rows', () => {
    const form = { ...emptyRouteForm(), strategy: RouteStrategy.WEIGHTED, targets: [{ target: '', weight: '', drained: false }, { target: 'p/m', weight: '-3', drained: false }] };
    expect(problemOf(() => toCreateRouteRequest(form)).field).toBe('targets[1].weight');
    expect(targetFieldOnForm(form, 'targets[0]')).toBe('targets[1]');
    expect(targetFieldOnForm(form, 'targets[0].provider_id')).toBe('targets[1].provider_id');
    expect(targetFieldOnForm(form, 'targets')).toBe('targets');
    expect(targetFieldOnForm(form, 'targets[5]')).toBe('targets[5]');
  });
});

describe('request log filter in the address', () => {
  it('round-trips what is set, and ignores what it cannot read', () => {
    const form = { ...emptyRequestFilterForm(), model: 'plain-text', status: RequestStatus.ERROR, from: '2030-01-01T00:00' };
    const query = filterToQuery(form, 'tok');
    expect(query).toEqual({ model: 'plain-text', status: 'error', from: '2030-01-01T00:00', page: 'tok' });
    expect(filterFromQuery(query)).toEqual({ form, pageToken: 'tok' });
    expect(filterFromQuery({ status: '0', model: ['a', 'b'] })).toEqual({ form: emptyRequestFilterForm(), pageToken: '' });
  });
});

describe('page policy', () => {
  it('recognises the built-in console\'s CSP as allowing this origin only', () => {
    expect(allowsOnlyOwnOrigin(CONSOLE_CSP)).toBe(true);
    expect(allowsOnlyOwnOrigin("default-src 'self'")).toBe(true);
    expect(allowsOnlyOwnOrigin("default-src 'self'; connect-src 'self' https://gw.example.com")).toBe(false);
    expect(allowsOnlyOwnOrigin(null)).toBe(false);
    expect(allowsOnlyOwnOrigin("script-src 'self'")).toBe(false);
  });
});
