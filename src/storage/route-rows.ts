// RouteRecord ⇄ routes row. Targets and settings are JSON documents in TEXT columns.
import type { Insertable, Selectable } from 'kysely';
import type { RouteRecord, RouteSettingsRecord, RouteStrategyName, RouteTargetRecord } from '../domain/route.js';
import { asArray, asObject, jsonToColumn, mapObjects, readJsonColumn, readNumber, readString } from './json-columns.js';
import { booleanToColumn, columnsToRecordTimes, columnToBoolean, knownName, recordTimesToColumns, StoredValueError } from './row-values.js';
import { columnToExpert, expertToColumn } from './expert-rows.js';
import type { RoutesTable } from './schema.js';

export type RouteRow = Selectable<RoutesTable>;
export type NewRouteRow = Insertable<RoutesTable>;

const STRATEGIES: ReadonlySet<RouteStrategyName> = new Set<RouteStrategyName>([
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
      route.targets.map(({ providerId, upstreamModel, route: nested, weight, drained }) => ({
        providerId,
        upstreamModel,
        route: nested,
        weight,
        ...(drained === true ? { drained } : {}),
      })),
    ),
    settings: jsonToColumn(settingsToJson(route.settings)),
    enabled: booleanToColumn(route.enabled),
    ...recordTimesToColumns(route),
    expert: expertToColumn(route.expert),
  };
}

export function rowToRoute(row: RouteRow): RouteRecord {
  const field = (column: string) => `routes.${column} (name ${row.name})`;
  const strategy = knownName(STRATEGIES, row.strategy, field('strategy'), 'strategy');
  const expert = columnToExpert(row.expert, field('expert'));
  return {
    name: row.name,
    description: row.description,
    strategy,
    targets: readJsonColumn(row.targets, field('targets'), toTargets),
    settings: readJsonColumn(row.settings, field('settings'), toSettings),
    enabled: columnToBoolean(row.enabled),
    ...columnsToRecordTimes(row, field),
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
  return mapObjects(asArray(value, field), field, 'a target', (entry) => ({
    providerId: readString(entry, 'providerId'),
    upstreamModel: readString(entry, 'upstreamModel'),
    route: readString(entry, 'route'),
    weight: readNumber(entry, 'weight'),
    // Absent in rows written before targets could be drained.
    ...(entry['drained'] === true ? { drained: true } : {}),
  }));
}

function toSettings(json: unknown, field: string): RouteSettingsRecord {
  const value = asObject(json, field);
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
