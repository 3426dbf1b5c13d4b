// The model names the gateway serves, for pickers: each provider's models (provider/model and
// aliases) and each route's name.
import { providers, routes } from './clients.js';

export async function loadModelCatalog(): Promise<string[]> {
  const names = new Set<string>();
  const [providerList, routeList] = await Promise.all([providers().listProviders({ pageSize: 500 }), routes().listRoutes({ pageSize: 500 })]);
  for (const provider of providerList.providers) {
    for (const model of provider.models) {
      names.add(`${provider.id}/${model.upstreamModel}`);
      if (model.alias) names.add(model.alias);
    }
  }
  for (const route of routeList.routes) names.add(route.name);
  return [...names].sort();
}
