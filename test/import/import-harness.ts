// A started gateway with Connect admin clients and a virtual key, for the
// importer tests that apply a plan and then send real requests.
import { createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import OpenAI from 'openai';
import { KeysService } from '../../gen/llmgateway/v1/keys_service_pb.js';
import { ProvidersService } from '../../gen/llmgateway/v1/providers_service_pb.js';
import { RoutesService } from '../../gen/llmgateway/v1/routes_service_pb.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';

export interface ImportHarness {
  gateway: StartedGateway;
  clients: { providers: ReturnType<typeof createClient<typeof ProvidersService>>; routes: ReturnType<typeof createClient<typeof RoutesService>>; keys: ReturnType<typeof createClient<typeof KeysService>> };
  /** A key allowed every model. */
  openai(): Promise<OpenAI>;
  close(): Promise<void>;
}

export async function startImportHarness(): Promise<ImportHarness> {
  const gateway = await startGateway({ GATEWAY_LOG_LEVEL: 'warn' });
  const transport = createConnectTransport({
    baseUrl: gateway.url,
    httpVersion: '1.1',
    interceptors: [(next) => (request) => {
      request.header.set('authorization', `Bearer ${gateway.adminToken}`);
      return next(request);
    }],
  });
  const clients = { providers: createClient(ProvidersService, transport), routes: createClient(RoutesService, transport), keys: createClient(KeysService, transport) };
  let secret: string | undefined;
  return {
    gateway,
    clients,
    async openai() {
      secret ??= (await clients.keys.createKey({ name: 'import tests' })).secret;
      return new OpenAI({ apiKey: secret, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    },
    close: () => gateway.close(),
  };
}
