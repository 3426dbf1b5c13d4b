// Validation of a route's own fields (name, strategy, target shapes,
// settings), shared by create and update. Each failure names the field.
// Checks against other stored rows (providers, routes, cycles) are in route-graph.ts.
import type { Duration } from '@bufbuild/protobuf/wkt';
import { durationMs } from '@bufbuild/protobuf/wkt';
import type { RouteSettings, RouteTarget } from '../../../../gen/llmgateway/v1/routes_service_pb.js';
import { AffinityScope, RouteStrategy } from '../../../../gen/llmgateway/v1/routes_service_pb.js';
import type { RouteSettingsRecord, RouteStrategyName, RouteTargetRecord } from '../../../domain/route.js';
import { invalidArgument } from '../../../domain/gateway-error.js';
import { PROVIDER_ID_PATTERN } from '../providers/provider-validation.js';
import { DEFAULT_ROUTE_SETTINGS } from '../../routing/route-plan.js';
import { kindThatNeverFailsOver } from '../../routing/classify-failure.js';
import { affinityScopeName, routeStrategyName } from './route-conversion.js';

/** Like a model id: letters and digits, then also `.`, `_`, `:`, `/` and `-`; 1–200 characters, no whitespace. */
export const ROUTE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}$/;
export const MAX_TARGETS = 50;
export const MAX_WEIGHT = 1000;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

export function validateRouteName(field: string, name: string): string {
  const trimmed = name.trim();
  if (trimmed === '') throw invalidArgument(field, 'is required');
  if (!ROUTE_NAME_PATTERN.test(trimmed)) {
    throw invalidArgument(
      field,
      'must be 1–200 characters of letters, digits, ".", "_", ":", "/" or "-", starting with a letter or digit',
    );
  }
  return trimmed;
}

/**
 * The provider id a route name would stand in for: "al/m1" is how clients address provider "al"'s model m1
 * directly, and a route of that name would take those requests over. '' when the name has no '/'.
 */
export function providerPrefixOf(name: string): string {
  const slash = name.indexOf('/');
  return slash > 0 ? name.slice(0, slash) : '';
}

/** Refuses a new route name under an existing provider's address ("provider-id/…"). */
export function refuseProviderAddress(field: string, name: string, providerId: string): never {
  throw invalidArgument(
    field,
    `"${name}" is an address of provider "${providerId}" ("${providerId}/<model>" names that provider's model directly), ` +
      `and a route of that name would take those requests over; choose a name that does not start with "${providerId}/"`,
  );
}

export function validateStrategy(strategy: RouteStrategy): RouteStrategyName {
  if (strategy === RouteStrategy.UNSPECIFIED) throw invalidArgument('strategy', 'is required (e.g. ROUTE_STRATEGY_PRIORITY)');
  const name = routeStrategyName(strategy);
  if (name === undefined) throw invalidArgument('strategy', 'is not a known route strategy');
  return name;
}

/** Shapes only: each target is a provider model or a route, never both; weights; no repeats; not itself. */
export function validateTargets(routeName: string, targets: RouteTarget[]): RouteTargetRecord[] {
  if (targets.length === 0) throw invalidArgument('targets', 'needs at least one target');
  if (targets.length > MAX_TARGETS) throw invalidArgument('targets', `must have at most ${MAX_TARGETS} targets`);
  const firstIndexByKey = new Map<string, number>();
  return targets.map((target, index) => {
    const field = `targets[${index}]`;
    const providerId = target.providerId.trim();
    const upstreamModel = target.upstreamModel.trim();
    const route = target.route.trim();
    const namesProvider = providerId !== '' || upstreamModel !== '';
    if (route !== '' && namesProvider) {
      throw invalidArgument(field, 'set either provider_id and upstream_model, or route — not both');
    }
    if (route === '' && !namesProvider) throw invalidArgument(field, 'needs provider_id and upstream_model, or route');
    if (route !== '') {
      validateRouteName(`${field}.route`, route);
      if (route === routeName) throw invalidArgument(`${field}.route`, 'a route cannot target itself');
    } else {
      if (!PROVIDER_ID_PATTERN.test(providerId)) {
        throw invalidArgument(`${field}.provider_id`, providerId === '' ? 'is required with upstream_model' : 'is not a valid provider id');
      }
      if (upstreamModel === '') throw invalidArgument(`${field}.upstream_model`, 'is required with provider_id');
      if (upstreamModel.length > 200 || /\s/.test(upstreamModel)) {
        throw invalidArgument(`${field}.upstream_model`, 'must be at most 200 characters without whitespace');
      }
    }
    if (!Number.isInteger(target.weight) || target.weight < 0 || target.weight > MAX_WEIGHT) {
      throw invalidArgument(`${field}.weight`, `must be between 1 and ${MAX_WEIGHT} (0 means 1; to take a target out of rotation, set drained)`);
    }
    const key = route !== '' ? `route:${route}` : `model:${providerId}/${upstreamModel}`;
    const earlier = firstIndexByKey.get(key);
    if (earlier !== undefined) throw invalidArgument(field, `repeats targets[${earlier}]`);
    firstIndexByKey.set(key, index);
    return { providerId, upstreamModel, route, weight: target.weight === 0 ? 1 : target.weight, ...(target.drained ? { drained: true } : {}) };
  });
}

/** Unset fields take DEFAULT_ROUTE_SETTINGS; set ones must be sane, also in combination. */
export function validateSettings(settings: RouteSettings | undefined): RouteSettingsRecord {
  const defaults = DEFAULT_ROUTE_SETTINGS;
  if (settings === undefined) return { ...defaults, failoverStatuses: [...defaults.failoverStatuses] };
  const maxRetries = settings.maxRetries ?? defaults.maxRetries;
  if (maxRetries > 10) throw invalidArgument('settings.max_retries', 'must be at most 10');

  const backoffCapMs = durationField('settings.backoff_cap', settings.backoffCap, defaults.backoffCapMs, 0, MINUTE);
  const backoffBaseMs = durationField('settings.backoff_base', settings.backoffBase, defaults.backoffBaseMs, 0, MINUTE);
  if (backoffBaseMs > backoffCapMs) {
    throw invalidArgument('settings.backoff_base', `must not exceed backoff_cap (${formatMs(backoffCapMs)})`);
  }
  const attemptTimeoutMs = durationField('settings.attempt_timeout', settings.attemptTimeout, defaults.attemptTimeoutMs, 100, 10 * MINUTE);
  const totalDeadlineMs = durationField('settings.total_deadline', settings.totalDeadline, defaults.totalDeadlineMs, 100, 30 * MINUTE);
  if (totalDeadlineMs < attemptTimeoutMs) {
    throw invalidArgument('settings.total_deadline', `must be at least attempt_timeout (${formatMs(attemptTimeoutMs)})`);
  }

  const scope = settings.affinityScope === AffinityScope.UNSPECIFIED ? defaults.affinityScope : affinityScopeName(settings.affinityScope);
  if (scope === undefined) throw invalidArgument('settings.affinity_scope', 'is not a known affinity scope');

  return {
    maxRetries,
    backoffBaseMs,
    backoffCapMs,
    attemptTimeoutMs,
    totalDeadlineMs,
    failoverStatuses: validateFailoverStatuses(settings.failoverStatuses, defaults.failoverStatuses),
    affinityScope: scope,
    affinityTtlMs: durationField('settings.affinity_ttl', settings.affinityTtl, defaults.affinityTtlMs, SECOND, 24 * HOUR),
    maxRetryAfterMs: durationField('settings.max_retry_after', settings.maxRetryAfter, defaults.maxRetryAfterMs, 0, 5 * MINUTE),
  };
}

function validateFailoverStatuses(statuses: number[], defaults: number[]): number[] {
  if (statuses.length === 0) return [...defaults];
  statuses.forEach((status, index) => {
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw invalidArgument(`settings.failover_statuses[${index}]`, 'must be an HTTP error status between 400 and 599');
    }
    const kind = kindThatNeverFailsOver(status);
    if (kind !== undefined) {
      throw invalidArgument(
        `settings.failover_statuses[${index}]`,
        `${status} never fails over: an upstream's ${status} is the client's own error (${kind}), which every target would refuse alike, so it is returned at once`,
      );
    }
  });
  return [...new Set(statuses)];
}

/** Whole milliseconds within [minMs, maxMs]; `fallback` when unset. */
export function durationField(field: string, value: Duration | undefined, fallback: number, minMs: number, maxMs: number): number {
  if (value === undefined) return fallback;
  const { seconds, nanos } = value;
  if (nanos <= -1e9 || nanos >= 1e9 || (seconds > 0n && nanos < 0) || (seconds < 0n && nanos > 0)) {
    throw invalidArgument(field, 'is not a valid duration');
  }
  if (seconds < 0n || nanos < 0) throw invalidArgument(field, 'must not be negative');
  const ms = durationMs(value);
  if (!Number.isSafeInteger(ms) || ms < minMs || ms > maxMs) {
    throw invalidArgument(field, `must be between ${formatMs(minMs)} and ${formatMs(maxMs)}`);
  }
  return ms;
}

export function formatMs(ms: number): string {
  if (ms >= HOUR && ms % HOUR === 0) return `${ms / HOUR} h`;
  if (ms >= MINUTE && ms % MINUTE === 0) return `${ms / MINUTE} min`;
  if (ms >= SECOND) return `${ms / SECOND} s`;
  return `${ms} ms`;
}
