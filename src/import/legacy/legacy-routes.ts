// Old routing configs (with their companion virtual models, whose `name` is
// what clients send) → routes: loadbalance → weighted, fallback → priority,
// hash by key → affinity per key, affinity → affinity per session. Settings
// keep the old retry behaviour: no second try on the same target, and the next
// target on the statuses the old router moved on.
import { create } from '@bufbuild/protobuf';
import { durationFromMs } from '@bufbuild/protobuf/wkt';
import {
  AffinityScope,
  CreateRouteRequestSchema,
  RouteSettingsSchema,
  RouteStrategy,
  RouteTargetSchema,
  type CreateRouteRequest,
  type RouteTarget,
} from '../../../gen/llmgateway/v1/routes_service_pb.js';
import { cutToLength, singleLine } from '../gateway-text.js';
import type { Unmapped } from '../import-draft.js';
import type { LegacyCatalog } from './legacy-catalog.js';
import type { LegacyTables } from './legacy-database.js';
import { providerUnder, type LegacyRouteNames } from './legacy-names.js';
import { asString, flag, isRecord, jsonColumn, text } from './legacy-rows.js';

/**
 * The statuses on which the old router moved to a provider not yet tried (400, 401, 403, 404, 429, 472, 500,
 * 502, 503, 504), but for the client's own 400, 404 and 472: those never fail over here (every target would
 * refuse the request alike), and a route listing them is refused.
 */
export const LEGACY_FAILOVER_STATUSES = [401, 403, 429, 500, 502, 503, 504];

export function legacySettings(extra: { affinityScope?: AffinityScope; affinityTtlMs?: number } = {}) {
  return create(RouteSettingsSchema, {
    maxRetries: 0,
    failoverStatuses: LEGACY_FAILOVER_STATUSES,
    ...(extra.affinityScope ? { affinityScope: extra.affinityScope, affinityTtl: durationFromMs(extra.affinityTtlMs ?? 300_000) } : {}),
  });
}

/**
 * Route name → the providers skipped for an undecryptable key that it leads to. Such a route is "held"
 * (held-objects.ts); one not created at all for them stays what the gateway holds, and keys bound to it are held too.
 */
export type HeldRoutes = Map<string, ReadonlySet<string>>;

/** A route some of whose targets sit on providers skipped for an undecryptable key is "held" (held-objects.ts). */
export function holdRoute(name: string, source: string, skipped: Set<string>, held: HeldRoutes, unmapped: Unmapped[]): void {
  if (skipped.size === 0) return;
  held.set(name, skipped);
  unmapped.push({
    source,
    reason: `leads to providers whose key did not decrypt (${[...skipped].join(', ')}): a route "${name}" the gateway holds with targets on providers not imported this run is left as it is; otherwise it comes without those targets`,
  });
}

export function legacyRoutes(tables: LegacyTables, catalog: LegacyCatalog, routeNames: LegacyRouteNames, held: HeldRoutes, unmapped: Unmapped[]): CreateRouteRequest[] {
  const routes: CreateRouteRequest[] = [];
  for (const row of tables.routing_configs) {
    const id = text(row, 'id');
    const source = `routing_configs[${id}]`;
    const companion = tables.models.find((model) => flag(model, 'is_virtual') && text(model, 'routing_config_id') === id);
    const name = routeNames.ofConfig('routing', id);
    if (!companion) unmapped.push({ source, reason: `has no virtual model; imported as a route named after the config ("${name}")` });
    const config = jsonColumn(row, 'config', source, unmapped);
    if (!isRecord(config)) {
      unmapped.push({ source, reason: 'has no readable config; not imported' });
      continue;
    }
    const strategyJson = isRecord(config.strategy) ? config.strategy : {};
    const mode = text(row, 'type') || asString(strategyJson.mode);
    const skipped = new Set<string>();
    const targets = routeTargets(config.targets, mode, source, catalog, skipped, unmapped);
    if (targets.length === 0) {
      unmapped.push({ source, reason: 'has no target that could be imported; route not created' });
      if (skipped.size > 0) held.set(name, skipped);
      continue;
    }
    const shape = strategyFor(mode, strategyJson, source, unmapped);
    if (!shape) continue;
    holdRoute(name, source, skipped, held, unmapped);
    routes.push(
      create(CreateRouteRequestSchema, {
        name,
        description: cutToLength(singleLine(text(row, 'description')), 1000) || `Imported from the old gateway's routing config "${text(row, 'name')}"`,
        strategy: shape.strategy,
        targets,
        settings: legacySettings(shape),
        enabled: true,
      }),
    );
  }
  // Second names of one upstream model: a one-target route each, unless a route (a virtual model) has the name.
  const taken = new Set(routeNames.taken);
  const providerIds = new Set(catalog.providers.map((provider) => provider.id));
  for (const [name, ref] of catalog.extraNames) {
    const provider = providerUnder(name, providerIds);
    if (taken.has(name.toLowerCase()) || provider !== '') {
      const reason =
        provider !== ''
          ? `is an address of provider "${provider}" here ("${provider}/<model>" names its model directly), which a route may not take over`
          : 'is also the name of a virtual model or routing config, whose route has it here';
      // Keys bound to that model must not reach the route instead.
      for (const [modelId, real] of catalog.realModels) {
        if (!real.names.includes(name)) continue;
        real.names = real.names.filter((other) => other !== name);
        catalog.lostNames.push({ modelId, name, ref, reason });
      }
      continue;
    }
    taken.add(name.toLowerCase());
    routes.push(
      create(CreateRouteRequestSchema, {
        name,
        description: 'Imported from the old gateway: a second name for a model',
        strategy: RouteStrategy.PRIORITY,
        targets: [create(RouteTargetSchema, { ...ref, weight: 1 })],
        settings: legacySettings(),
        enabled: true,
      }),
    );
  }
  return routes;
}

function strategyFor(mode: string, strategy: Record<string, unknown>, source: string, unmapped: Unmapped[]) {
  switch (mode) {
    case 'loadbalance':
      return { strategy: RouteStrategy.WEIGHTED };
    case 'fallback':
      if (strategy.on_status_codes !== undefined) {
        unmapped.push({ source: `${source}.strategy.on_status_codes`, reason: 'was stored but ignored by the old router; the statuses it really failed over on are used' });
      }
      return { strategy: RouteStrategy.PRIORITY };
    case 'hash':
      if (strategy.hashSource === 'request') {
        unmapped.push({ source: `${source}.strategy.hashSource`, reason: 'hashing the request body has no counterpart; imported as priority (the old router picked the first target with fractional weights anyway)' });
        return { strategy: RouteStrategy.PRIORITY };
      }
      return { strategy: RouteStrategy.AFFINITY, affinityScope: AffinityScope.KEY, affinityTtlMs: 24 * 3600 * 1000 };
    case 'affinity': {
      const ttl = Number(strategy.affinityTTL);
      return { strategy: RouteStrategy.AFFINITY, affinityScope: AffinityScope.SESSION, affinityTtlMs: Number.isFinite(ttl) && ttl >= 1000 ? Math.min(ttl, 24 * 3600 * 1000) : 300_000 };
    }
    default:
      unmapped.push({ source, reason: `has the unknown routing type "${mode}"; not imported` });
      return undefined;
  }
}

function routeTargets(value: unknown, mode: string, source: string, catalog: LegacyCatalog, skipped: Set<string>, unmapped: Unmapped[]): RouteTarget[] {
  const listed = Array.isArray(value) ? value : [];
  const weights = listed.map((target) => (isRecord(target) ? Number(target.weight ?? 1) : 0));
  // The UI wrote fractions that sum to 1; weights here are whole numbers.
  const scale = weights.some((weight) => Number.isFinite(weight) && weight > 0 && !Number.isInteger(weight)) ? 100 : 1;
  const targets: RouteTarget[] = [];
  listed.forEach((target, index) => {
    const field = `${source}.targets[${index}]`;
    if (!isRecord(target)) return unmapped.push({ source: field, reason: 'is not an object; skipped' });
    const provider = asString(target.provider);
    const model = isRecord(target.override_params) ? asString(target.override_params.model) : '';
    if (model === '') return unmapped.push({ source: field, reason: 'has no override_params.model (the old router passed the client’s model through); skipped' });
    const weight = weights[index]!;
    if (mode === 'loadbalance' && !(weight > 0)) return unmapped.push({ source: field, reason: 'has weight 0, so the old router never chose it; skipped' });
    const ref = catalog.modelFor(provider, model);
    if (!ref) {
      if (catalog.undecryptable.has(provider)) skipped.add(provider);
      return unmapped.push({ source: field, reason: `targets provider "${provider}", which was not imported; skipped` });
    }
    if (targets.some((existing) => existing.providerId === ref.providerId && existing.upstreamModel === ref.upstreamModel)) {
      return unmapped.push({ source: field, reason: 'repeats an earlier target; skipped' });
    }
    targets.push(create(RouteTargetSchema, { ...ref, weight: Math.min(1000, Math.max(1, Math.round(weight * scale))) }));
  });
  return targets;
}
