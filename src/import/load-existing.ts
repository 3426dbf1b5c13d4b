// What the gateway holds now, read through the admin API (every page).
import { listAll, type AdminClients } from '../declarative/admin-clients.js';
import type { ExistingObjects } from './import-plan.js';

export async function loadExisting(clients: Pick<AdminClients, 'providers' | 'routes' | 'keys'>): Promise<ExistingObjects> {
  const [providers, routes, keys] = await Promise.all([
    listAll(async (pageToken) => {
      const page = await clients.providers.listProviders({ pageSize: 500, pageToken });
      return { items: page.providers, nextPageToken: page.nextPageToken };
    }),
    listAll(async (pageToken) => {
      const page = await clients.routes.listRoutes({ pageSize: 500, pageToken });
      return { items: page.routes, nextPageToken: page.nextPageToken };
    }),
    listAll(async (pageToken) => {
      const page = await clients.keys.listKeys({ pageSize: 500, pageToken });
      return { items: page.keys, nextPageToken: page.nextPageToken };
    }),
  ]);
  return { providers, routes, keys };
}
