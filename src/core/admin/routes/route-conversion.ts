// Route records ⇄ the proto's messages: enums ⇄ names, milliseconds ⇄ Durations.
import { create } from '@bufbuild/protobuf';
import { durationFromMs, timestampFromMs } from '@bufbuild/protobuf/wkt';
import {
  AffinityScope,
  BreakerState,
  RouteSchema,
  RouteSettingsSchema,
  RouteStrategy,
  RouteTargetSchema,
  TargetHealthSchema,
  type Route,
  type RouteSettings,
  type TargetHealth,
} from '../../../../gen/llmgateway/v1/routes_service_pb.js';
import type { RouteRecord, RouteSettingsRecord, RouteStrategyName } from '../../../domain/route.js';
import { enumNames } from '../enum-names.js';
import type { TargetHealthView } from '../../routing/target-health.js';
import { expertRoutingToProto } from './expert-conversion.js';

type AffinityScopeName = RouteSettingsRecord['affinityScope'];

const STRATEGIES = enumNames<RouteStrategy, RouteStrategyName>(RouteStrategy.UNSPECIFIED, {
  [RouteStrategy.PRIORITY]: 'priority',
  [RouteStrategy.WEIGHTED]: 'weighted',
  [RouteStrategy.ROUND_ROBIN]: 'round-robin',
  [RouteStrategy.LEAST_LATENCY]: 'least-latency',
  [RouteStrategy.AFFINITY]: 'affinity',
  [RouteStrategy.EXPERT]: 'expert',
});

const SCOPES = enumNames<AffinityScope, AffinityScopeName>(AffinityScope.UNSPECIFIED, {
  [AffinityScope.SESSION]: 'session',
  [AffinityScope.USER]: 'user',
  [AffinityScope.KEY]: 'key',
});

const BREAKER_STATES: Record<TargetHealthView['breaker'], BreakerState> = {
  closed: BreakerState.CLOSED,
  open: BreakerState.OPEN,
  'half-open': BreakerState.HALF_OPEN,
};

/** undefined for UNSPECIFIED and for numbers the enum does not know. */
export const routeStrategyName = STRATEGIES.nameOf;
export const routeStrategyValue = STRATEGIES.valueOf;
export const affinityScopeName = SCOPES.nameOf;
export const affinityScopeValue = SCOPES.valueOf;

export function routeSettingsToProto(settings: RouteSettingsRecord): RouteSettings {
  return create(RouteSettingsSchema, {
    maxRetries: settings.maxRetries,
    backoffBase: durationFromMs(settings.backoffBaseMs),
    backoffCap: durationFromMs(settings.backoffCapMs),
    attemptTimeout: durationFromMs(settings.attemptTimeoutMs),
    totalDeadline: durationFromMs(settings.totalDeadlineMs),
    failoverStatuses: [...settings.failoverStatuses],
    affinityScope: affinityScopeValue(settings.affinityScope),
    affinityTtl: durationFromMs(settings.affinityTtlMs),
    maxRetryAfter: durationFromMs(settings.maxRetryAfterMs),
  });
}

export function routeRecordToProto(record: RouteRecord): Route {
  return create(RouteSchema, {
    name: record.name,
    description: record.description,
    strategy: routeStrategyValue(record.strategy),
    targets: record.targets.map((target) =>
      create(RouteTargetSchema, {
        providerId: target.providerId,
        upstreamModel: target.upstreamModel,
        route: target.route,
        weight: target.weight,
        drained: target.drained === true,
      }),
    ),
    settings: routeSettingsToProto(record.settings),
    enabled: record.enabled,
    createdAt: timestampFromMs(record.createdAt),
    updatedAt: timestampFromMs(record.updatedAt),
    expert: record.expert === undefined ? undefined : expertRoutingToProto(record.expert),
  });
}

const whole = (value: number) => (Number.isFinite(value) ? Math.max(0, Math.round(value)) : 0);

export function targetHealthToProto(
  target: { providerId: string; upstreamModel: string },
  view: TargetHealthView,
): TargetHealth {
  return create(TargetHealthSchema, {
    providerId: target.providerId,
    upstreamModel: target.upstreamModel,
    breaker: BREAKER_STATES[view.breaker] ?? BreakerState.UNSPECIFIED,
    // Whole milliseconds: a fractional EWMA would make fractional (unencodable) nanos.
    latency: view.latencyMs === null ? undefined : durationFromMs(whole(view.latencyMs)),
    errorRate: Number.isFinite(view.errorRate) ? Math.min(1, Math.max(0, view.errorRate)) : 0,
    consecutiveFailures: Math.min(whole(view.consecutiveFailures), 0xffff_ffff),
    opensUntil: view.openUntil === null ? undefined : timestampFromMs(whole(view.openUntil)),
    attempts: Math.min(whole(view.attempts), 0xffff_ffff),
  });
}
