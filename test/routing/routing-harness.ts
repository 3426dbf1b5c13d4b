// A real gateway with the fault upstream registered as provider `fault`
// (every behaviour the routing tests use as a model), a virtual key, and
// small helpers to create routes and call through the RPC and the OpenAI shim.
import { createClient, type Client } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import OpenAI from 'openai';
import { CompletionService } from '../../gen/llmgateway/v1/completion_service_pb.js';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { Role, type ChatRequestSchema } from '../../gen/llmgateway/v1/chat_pb.js';
import { startFaultUpstream, type FaultUpstream } from '../fixtures/fault-upstream.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';
import { adminCaller } from '../helpers/admin-call.js';

export const FAULT_MODELS = [
  'down-a', 'limited-b', 'ok-c', 'flaky-d', 'bad-e', 'hang-f', 'empty-g', 'reset-h',
  'ok-x', 'ok-y', 'ok-q', 'slow150-s', 'down-r', 'ok-z', 'nousage-e', 'ok-e', 'forbidden-k', 'forbidden-m',
];

export interface RoutingHarness {
  gateway: StartedGateway;
  upstream: FaultUpstream;
  secret: string;
  rpc: Client<typeof CompletionService>;
  openai: OpenAI;
  admin(method: string, body: object): Promise<Record<string, unknown>>;
  /** Another provider on the fault upstream, serving these of its models (a name, or the model with its prices, alias …). */
  addFaultProvider(id: string, upstreamModels: Array<string | ({ upstreamModel: string } & Record<string, unknown>)>): Promise<void>;
  /** A route over `fault/<model>` targets. */
  createRoute(name: string, strategy: string, targets: Array<string | { model: string; weight: number }>, settings?: object): Promise<void>;
  chat(model: string, text?: string): { chat: MessageInitShape<typeof ChatRequestSchema> };
  close(): Promise<void>;
}

/** `environment`: extra gateway variables (e.g. tracing's OTEL_EXPORTER_OTLP_ENDPOINT, the metrics options). */
export async function startRoutingHarness(environment: Record<string, string> = {}): Promise<RoutingHarness> {
  const gateway = await startGateway(environment);
  const upstream = await startFaultUpstream();
  const admin = adminCaller(gateway.url, gateway.adminToken);
  await admin('ProvidersService/CreateProvider', {
    id: 'fault',
    name: 'Fault fixture',
    type: 'PROVIDER_TYPE_OPENAI',
    baseUrl: upstream.baseUrl,
    apiKey: upstream.apiKey,
    models: FAULT_MODELS.map((upstreamModel) => ({ upstreamModel })),
  });
  const secret = String((await admin('KeysService/CreateKey', { name: 'router' }))['secret']);
  const transport = createConnectTransport({ baseUrl: gateway.url, httpVersion: '1.1', interceptors: [
    (next) => (request) => {
      request.header.set('authorization', `Bearer ${secret}`);
      return next(request);
    },
  ] });
  return {
    gateway,
    upstream,
    secret,
    rpc: createClient(CompletionService, transport),
    openai: new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: secret, maxRetries: 0 }),
    admin,
    async addFaultProvider(id, upstreamModels) {
      await admin('ProvidersService/CreateProvider', {
        id,
        name: `Fault fixture (${id})`,
        type: 'PROVIDER_TYPE_OPENAI',
        baseUrl: upstream.baseUrl,
        apiKey: upstream.apiKey,
        models: upstreamModels.map((model) => (typeof model === 'string' ? { upstreamModel: model } : model)),
      });
    },
    async createRoute(name, strategy, targets, settings = {}) {
      await admin('RoutesService/CreateRoute', {
        name,
        strategy: `ROUTE_STRATEGY_${strategy.toUpperCase().replace('-', '_')}`,
        targets: targets.map((target) =>
          typeof target === 'string'
            ? { providerId: 'fault', upstreamModel: target }
            : { providerId: 'fault', upstreamModel: target.model, weight: target.weight },
        ),
        settings: { backoffBase: '0.01s', backoffCap: '0.05s', ...settings },
      });
    },
    chat: (model, text = 'Hello') => ({
      chat: { model, messages: [{ role: Role.USER, content: [{ kind: { case: 'text' as const, value: { text } } }] }] },
    }),
    async close() {
      await upstream.close();
      await gateway.close();
    },
  };
}
