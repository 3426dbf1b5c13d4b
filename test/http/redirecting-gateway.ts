// A gateway whose providers (one per family) all point at the redirecting upstreams' origin
// (test/fixtures/redirecting-upstream.ts), and one key's four surface clients: the setup of the
// upstream-redirect and upstream-error-redaction tests.
import { startRedirectingUpstreams, type RedirectingUpstreams } from '../fixtures/redirecting-upstream.js';
import { adminCaller } from '../helpers/admin-call.js';
import { keyClients, type KeyClients } from '../helpers/key-clients.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';

export interface ProviderOnOrigin {
  id: string;
  type: string;
  /** Appended to the origin for the provider's base URL. */
  path: string;
  apiKey: string;
  azure?: { apiVersion: string };
}

export interface RedirectingGateway {
  gateway: StartedGateway;
  upstreams: RedirectingUpstreams;
  clients: KeyClients;
  close(): Promise<void>;
}

export async function startRedirectingGateway(
  providers: readonly ProviderOnOrigin[],
  shared: { extraHeaders: Record<string, string>; models: Array<{ upstreamModel: string }> },
  keyName: string,
): Promise<RedirectingGateway> {
  const upstreams = await startRedirectingUpstreams();
  const gateway = await startGateway({ GATEWAY_LOG_LEVEL: 'info' });
  const admin = adminCaller(gateway.url, gateway.adminToken);
  for (const { path, ...provider } of providers) {
    await admin('ProvidersService/CreateProvider', { ...provider, ...shared, name: provider.id, baseUrl: `${upstreams.origin}${path}` });
  }
  const secret = String((await admin('KeysService/CreateKey', { name: keyName }))['secret']);
  return {
    gateway,
    upstreams,
    clients: keyClients(gateway.url, secret),
    close: async () => {
      await gateway.close();
      await upstreams.close();
    },
  };
}
