// A real gateway started with the limits a test sets (environment), one
// OpenAI-wire upstream registered as provider `up` with the given models, and a
// virtual key — what the hardening tests of the connection and in-flight limits share.
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';
import { adminCaller } from '../helpers/admin-call.js';

export interface UpstreamProvider {
  baseUrl: string;
  apiKey: string;
  models: string[];
}

export interface LimitsHarness {
  gateway: StartedGateway;
  /** A virtual key's secret. */
  secret: string;
  admin(method: string, body: object): Promise<Record<string, unknown>>;
}

export async function startLimitsHarness(environment: Record<string, string>, upstream: UpstreamProvider): Promise<LimitsHarness> {
  const gateway = await startGateway(environment);
  const admin = adminCaller(gateway.url, gateway.adminToken);
  await admin('ProvidersService/CreateProvider', {
    id: 'up',
    name: 'Upstream fixture',
    type: 'PROVIDER_TYPE_OPENAI',
    baseUrl: upstream.baseUrl,
    apiKey: upstream.apiKey,
    models: upstream.models.map((upstreamModel) => ({ upstreamModel })),
  });
  const secret = String((await admin('KeysService/CreateKey', { name: 'limits' }))['secret']);
  return { gateway, secret, admin };
}

/** An OpenAI chat request body for `model`. */
export const chatBody = (model: string, stream = false): string =>
  JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'Hello' }] });
