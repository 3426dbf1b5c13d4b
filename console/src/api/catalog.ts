// The model names the gateway serves, for pickers: each provider's models (provider/model), their
// aliases, and each route's name.
import { providers, routes } from './clients.js';

export interface ModelCatalog {
  /** `provider-id/upstream-model`, sorted. */
  models: string[];
  /** Model aliases, sorted. */
  aliases: string[];
  /** Route names, sorted. */
  routes: string[];
}

export const EMPTY_CATALOG: ModelCatalog = { models: [], aliases: [], routes: [] };

export async function loadModelCatalog(): Promise<ModelCatalog> {
  const [providerList, routeList] = await Promise.all([providers().listProviders({ pageSize: 500 }), routes().listRoutes({ pageSize: 500 })]);
  const models = new Set<string>();
  const aliases = new Set<string>();
  for (const provider of providerList.providers) {
    for (const model of provider.models) {
      models.add(`${provider.id}/${model.upstreamModel}`);
      if (model.alias) aliases.add(model.alias);
    }
  }
  return { models: [...models].sort(), aliases: [...aliases].sort(), routes: routeList.routes.map((route) => route.name).sort() };
}

/** What a route target (or an expert's) can name: a provider's model or a route; an alias it cannot (it would be read as a route). */
export function targetNames(catalog: ModelCatalog): string[] {
  return [...new Set([...catalog.models, ...catalog.routes])].sort();
}

/** Every name a client can ask for (a judge model, a key's allowed models). */
export function allNames(catalog: ModelCatalog): string[] {
  return [...new Set([...catalog.models, ...catalog.aliases, ...catalog.routes])].sort();
}
