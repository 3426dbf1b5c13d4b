// RouteRecord ⇄ routes row. Targets and settings are JSON documents in TEXT columns.
import type { Insertable, Selectable } from 'kysely';
import type { RouteRecord, RouteSettingsRecord, RouteStrategyName, RouteTargetRecord } from '../domain/route.js';
import {
  booleanToColumn,
  columnToBoolean,
  columnToJson,
  columnToTimestamp,
  isPlainObject,
  jsonToColumn,
  readNumber,
  readString,
  StoredValueError,
  timestampToColumn,
} from './row-values.js';
import { columnToExpert, expertToColumn } from './expert-rows.js';
import type { RoutesTable } from './schema.js';

export type RouteRow = Selectable<RoutesTable>;
export type NewRouteRow = Insertable<RoutesTable>;

const STRATEGIES: ReadonlySet<string> = new Set<RouteStrategyName>([
  'priority',
  'weighted',
  'round-robin',
  'least-latency',
  'affinity',
  'expert',
]);
const AFFINITY_SCOPES: ReadonlySet<string> = new Set<RouteSettingsRecord['affinityScope']>(['session', 'user', 'key']);

export function routeToRow(route: RouteRecord): NewRouteRow {
  return {
    name: route.name,
    description: route.description,
    strategy: route.strategy,
    // Explicit field lists: a record carrying extra properties must not leak them into the column.
    targets: jsonToColumn(
      route.targets.map(({ providerId, upstreamModel, route: nested, weight }) => ({
        providerId,
        upstreamModel,
        route: nested,
        weight,
      })),
    ),
    settings: jsonToColumn(settingsToJson(route.settings)),
    enabled: booleanToColumn(route.enabled),
    created_at: timestampToColumn(route.createdAt, 'createdAt'),
    updated_at: timestampToColumn(route.updatedAt, 'updatedAt'),
    expert: expertToColumn(route.expert),
  };
}

export function rowToRoute(row: RouteRow): RouteRecord {
  const field = (column: string) => `routes.${column} (name ${row.name})`;
  if (!STRATEGIES.has(row.strategy)) throw new StoredValueError(`${field('strategy')} is not a known strategy`);
  const expert = columnToExpert(row.expert, field('expert'));
  return {
    name: row.name,
    description: row.description,
    strategy: row.strategy as RouteStrategyName,
    targets: toTargets(columnToJson(row.targets, field('targets')), field('targets')),
    settings: toSettings(columnToJson(row.settings, field('settings')), field('settings')),
    enabled: columnToBoolean(row.enabled),
    createdAt: columnToTimestamp(row.created_at, field('created_at')),
    updatedAt: columnToTimestamp(row.updated_at, field('updated_at')),
    // Absent rather than undefined-valued: records compare equal to ones built without it.
    ...(expert === undefined ? {} : { expert }),
  };
}

function settingsToJson(settings: RouteSettingsRecord): RouteSettingsRecord {
  return {
    maxRetries: settings.maxRetries,
    backoffBaseMs: settings.backoffBaseMs,
    backoffCapMs: settings.backoffCapMs,
    attemptTimeoutMs: settings.attemptTimeoutMs,
    totalDeadlineMs: settings.totalDeadlineMs,
    failoverStatuses: [...settings.failoverStatuses],
    affinityScope: settings.affinityScope,
    affinityTtlMs: settings.affinityTtlMs,
    maxRetryAfterMs: settings.maxRetryAfterMs,
  };
}

function toTargets(value: unknown, field: string): RouteTargetRecord[] {
  if (!Array.isArray(value)) throw new StoredValueError(`${field} is not a JSON array`);
  return value.map((entry: unknown) => {
    if (!isPlainObject(entry)) throw new StoredValueError(`${field} holds a target that is not an object`);
    return {
      providerId: readString(entry, 'providerId'),
      upstreamModel: readString(entry, 'upstreamModel'),
      route: readString(entry, 'route'),
      weight: readNumber(entry, 'weight'),
    };
  });
}

function toSettings(value: unknown, field: string): RouteSettingsRecord {
  if (!isPlainObject(value)) throw new StoredValueError(`${field} is not a JSON object`);
  const { failoverStatuses, affinityScope } = value;
  if (!Array.isArray(failoverStatuses)) throw new StoredValueError(`${field} has no failoverStatuses array`);
  if (typeof affinityScope !== 'string' || !AFFINITY_SCOPES.has(affinityScope)) {
    throw new StoredValueError(`${field} has an unknown affinityScope`);
  }
  return {
    maxRetries: readNumber(value, 'maxRetries'),
    backoffBaseMs: readNumber(value, 'backoffBaseMs'),
    backoffCapMs: readNumber(value, 'backoffCapMs'),
    attemptTimeoutMs: readNumber(value, 'attemptTimeoutMs'),
    totalDeadlineMs: readNumber(value, 'totalDeadlineMs'),
    failoverStatuses: failoverStatuses.map((status) => Number(status)),
    affinityScope: affinityScope as RouteSettingsRecord['affinityScope'],
    affinityTtlMs: readNumber(value, 'affinityTtlMs'),
    maxRetryAfterMs: readNumber(value, 'maxRetryAfterMs'),
  };
}
