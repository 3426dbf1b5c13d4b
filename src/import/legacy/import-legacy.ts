// The old gateway's database → an import draft. Providers first (their keys
// decrypted with the old JWT_SECRET; one that fails is reported and the rest
// go on), then routes (routing configs before the expert routes that may name
// them), then keys.
import type { ImportDraft } from '../import-draft.js';
import { buildLegacyCatalog } from './legacy-catalog.js';
import type { LegacyTables } from './legacy-database.js';
import { legacyExpertRoutes } from './legacy-experts.js';
import { legacyKeys } from './legacy-keys.js';
import { legacyLeftovers } from './legacy-leftovers.js';
import { legacyRoutes } from './legacy-routes.js';

export function draftFromLegacy(tables: LegacyTables, jwtSecret: string): ImportDraft {
  const unmapped: ImportDraft['unmapped'] = [];
  const catalog = buildLegacyCatalog(tables, jwtSecret, unmapped);
  const routes = [...legacyRoutes(tables, catalog, unmapped), ...legacyExpertRoutes(tables, catalog, unmapped)];
  const keys = legacyKeys(tables, catalog, unmapped);
  legacyLeftovers(tables, unmapped);
  reportAmbiguousNames(catalog.providers, new Set(routes.map((route) => route.name)), unmapped);
  return { providers: catalog.providers, routes, keys, unmapped };
}

/** A bare name several providers serve needs `provider/name` here (the old gateway resolved it per key). */
function reportAmbiguousNames(providers: ImportDraft['providers'], routeNames: Set<string>, unmapped: ImportDraft['unmapped']): void {
  const servedBy = new Map<string, string[]>();
  for (const provider of providers) {
    for (const model of provider.models) {
      for (const name of new Set([model.upstreamModel, model.alias].filter(Boolean))) servedBy.set(name, [...(servedBy.get(name) ?? []), provider.id]);
    }
  }
  for (const [name, ids] of servedBy) {
    if (ids.length > 1 && !routeNames.has(name)) {
      unmapped.push({ source: `model name "${name}"`, reason: `is served by providers ${ids.join(', ')}; clients must send "<provider>/${name}" here` });
    }
  }
}
