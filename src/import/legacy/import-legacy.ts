// The old gateway's database → an import draft. Providers first (their keys
// decrypted with the old JWT_SECRET; one that fails is reported and the rest
// go on, but a secret that opens none stops the import), then routes (routing
// configs before the expert routes that may name them), then keys, then what
// old clients must now send differently, per key.
import type { ImportDraft } from '../import-draft.js';
import { buildLegacyCatalog } from './legacy-catalog.js';
import type { LegacyTables } from './legacy-database.js';
import { legacyExpertRoutes } from './legacy-experts.js';
import { legacyKeyBindings } from './legacy-key-bindings.js';
import { reportKeyNotes } from './legacy-key-notes.js';
import { legacyKeys } from './legacy-keys.js';
import { legacyLeftovers } from './legacy-leftovers.js';
import { legacyRouteNames } from './legacy-names.js';
import { legacyRoutes, type HeldRoutes } from './legacy-routes.js';

/** Throws LegacySourceError when the JWT secret decrypts none of the stored provider keys. */
export function draftFromLegacy(tables: LegacyTables, jwtSecret: string): ImportDraft {
  const unmapped: ImportDraft['unmapped'] = [];
  const catalog = buildLegacyCatalog(tables, jwtSecret, unmapped);
  const routeNames = legacyRouteNames(tables, unmapped, new Set(catalog.providers.map((provider) => provider.id)));
  const heldRoutes: HeldRoutes = new Map();
  const routes = [...legacyRoutes(tables, catalog, routeNames, heldRoutes, unmapped), ...legacyExpertRoutes(tables, catalog, routeNames, heldRoutes, unmapped)];
  const bindings = legacyKeyBindings(tables, unmapped);
  const { keys, held } = legacyKeys(bindings, catalog, routeNames, { names: new Set(routes.map((route) => route.name)), held: heldRoutes }, unmapped);
  reportKeyNotes({ catalog, bindings, routes, keys }, unmapped);
  legacyLeftovers(tables, unmapped);
  reportAmbiguousNames(catalog.providers, new Set(routes.map((route) => route.name)), unmapped);
  return { providers: catalog.providers, routes, keys, heldKeys: held, heldRoutes: [...heldRoutes.keys()], unmapped };
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
