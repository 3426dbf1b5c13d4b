// The old gateway's names were free text (a model's `name` was a display name;
// a virtual model's `name` what clients sent); the gateway's admin API accepts
// only some shapes. The rules are mirrored from its validators
// (src/core/admin/providers/provider-validation.ts, routes/route-validation.ts
// and validate.ts), which src/import may not import (docs/architecture.md).
// A name that breaks them must cost a name, never the whole provider, route or key.
import type { Unmapped } from '../import-draft.js';
import type { LegacyTables } from './legacy-database.js';
import { flag, text } from './legacy-rows.js';

const MODEL_NAME = /^[^\s/][^\s]{0,199}$/;
const ROUTE_NAME = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}$/;
/** An allowed-model entry naming exactly one model: the key pattern's characters without its wildcards `*` and `?`. */
const EXACT_ALLOWED_MODEL = /^[A-Za-z0-9._:@/+-]{1,200}$/;

export const isModelName = (name: string): boolean => MODEL_NAME.test(name);
export const isRouteName = (name: string): boolean => ROUTE_NAME.test(name);
export const isExactAllowedModel = (name: string): boolean => EXACT_ALLOWED_MODEL.test(name);

/** A valid route name close to `name`: every run of other characters becomes one '-'. */
export function routeNameLike(name: string, fallback: string): string {
  const normalised = name.replace(/[^A-Za-z0-9._:/-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 200).replace(/-+$/, '');
  return normalised === '' ? fallback : normalised;
}

/** The provider among `providerIds` whose model addresses ("<id>/…") `name` has the shape of; '' for none. */
export function providerUnder(name: string, providerIds: ReadonlySet<string>): string {
  const slash = name.indexOf('/');
  const prefix = slash > 0 ? name.slice(0, slash) : '';
  return providerIds.has(prefix) ? prefix : '';
}

export interface LegacyRouteNames {
  /** Old virtual model id → the route name clients send here. */
  byVirtualModel: Map<string, string>;
  /** Old virtual models whose routing or expert config does not exist (reported): id → their name. No route has it. */
  unrouted: Map<string, string>;
  /** The route name of a routing or expert config: its virtual model's, else (none) its own. */
  ofConfig(kind: 'routing' | 'expert', configId: string): string;
  /** Every one of those names, lower-cased. */
  taken: ReadonlySet<string>;
}

/**
 * Every route name once, in row order: virtual models first, then configs
 * without one. A name the gateway refuses, or one an earlier route already
 * has (route names are compared without case, as a MySQL store does), gets a
 * valid, free name, and a line telling the operator what clients must send now.
 */
export function legacyRouteNames(tables: LegacyTables, unmapped: Unmapped[], providerIds: ReadonlySet<string>): LegacyRouteNames {
  const taken = new Set<string>();
  const claim = (wanted: string, fallback: string, source: string): string => {
    let base = isRouteName(wanted) ? wanted : routeNameLike(wanted, fallback);
    const provider = providerUnder(base, providerIds);
    // The gateway refuses a route named like a provider's model address ("<provider-id>/…").
    while (providerUnder(base, providerIds) !== '') base = base.replace('/', '-');
    let name = base;
    for (let suffix = 2; taken.has(name.toLowerCase()); suffix += 1) name = `${base.slice(0, 190)}-${suffix}`;
    taken.add(name.toLowerCase());
    if (name !== wanted) {
      const why =
        provider !== ''
          ? `is an address of provider "${provider}" here ("${provider}/<model>" names its model directly)`
          : base === wanted
            ? 'is also the name of an earlier virtual model or config'
            : 'is not a valid route name here (letters, digits, ".", "_", ":", "/" or "-", starting with a letter or digit)';
      unmapped.push({ source, reason: `"${wanted}" ${why}; the route is "${name}" — clients must send "${name}" now (keys bound to it are allowed that name)` });
    }
    return name;
  };

  const byVirtualModel = new Map<string, string>();
  const byConfig = new Map<string, string>();
  const unrouted = new Map<string, string>();
  const configIds = {
    routing: new Set(tables.routing_configs.map((row) => text(row, 'id'))),
    expert: new Set(tables.expert_routing_configs.map((row) => text(row, 'id'))),
  };
  for (const row of tables.models.filter((model) => flag(model, 'is_virtual'))) {
    const id = text(row, 'id');
    const routingConfig = text(row, 'routing_config_id');
    const expertConfig = text(row, 'expert_routing_id');
    // As the old resolver: the expert config first, else the routing config.
    const kind = configIds.expert.has(expertConfig) ? 'expert' : configIds.routing.has(routingConfig) ? 'routing' : undefined;
    const wanted = text(row, 'name').trim();
    if (kind === undefined) {
      // Its config was deleted (ids in other rows dangle, there are no foreign keys): nothing to route to.
      unrouted.set(id, wanted);
      const missing = [
        ...(expertConfig !== '' ? [`expert routing config "${expertConfig}"`] : []),
        ...(routingConfig !== '' ? [`routing config "${routingConfig}"`] : []),
      ];
      unmapped.push({
        source: `models[${id}]`,
        reason: `the virtual model "${wanted}" ${missing.length > 0 ? `names ${missing.join(' and ')}, which does not exist` : 'names no routing or expert config'}, so it has no route here; not imported`,
      });
      continue;
    }
    const config = `${kind}\n${kind === 'expert' ? expertConfig : routingConfig}`;
    const routeOfConfig = byConfig.get(config);
    if (routeOfConfig !== undefined) {
      // One route per config: a second virtual model of it answers to the first one's name.
      byVirtualModel.set(id, routeOfConfig);
      unmapped.push({ source: `models[${id}].name`, reason: `"${wanted}" is another virtual model of the config the route "${routeOfConfig}" is made from; clients must send "${routeOfConfig}" now (keys bound to it are allowed that name)` });
      continue;
    }
    const name = claim(wanted, `virtual-${id}`, `models[${id}].name`);
    byVirtualModel.set(id, name);
    byConfig.set(config, name);
  }
  const configs: Array<['routing' | 'expert', LegacyTables['routing_configs']]> = [
    ['routing', tables.routing_configs],
    ['expert', tables.expert_routing_configs],
  ];
  for (const [kind, rows] of configs) {
    for (const row of rows) {
      const id = text(row, 'id');
      const table = kind === 'routing' ? 'routing_configs' : 'expert_routing_configs';
      if (!byConfig.has(`${kind}\n${id}`)) byConfig.set(`${kind}\n${id}`, claim(text(row, 'name').trim(), `${kind}-${id}`, `${table}[${id}].name`));
    }
  }
  return { byVirtualModel, unrouted, ofConfig: (kind, configId) => byConfig.get(`${kind}\n${configId}`) ?? '', taken };
}
