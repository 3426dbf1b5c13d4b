// Connect-Web clients for the admin services, generated from the gateway's own protos. Every call
// carries the admin token; an `unauthenticated` answer ends the session and goes to sign-in.
import { Code, ConnectError, createClient, type Client, type Interceptor } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-web';
import type { DescService } from '@bufbuild/protobuf';
import { KeysService } from '../../../gen/llmgateway/v1/keys_service_pb.js';
import { ProvidersService } from '../../../gen/llmgateway/v1/providers_service_pb.js';
import { RoutesService } from '../../../gen/llmgateway/v1/routes_service_pb.js';
import { UsageService } from '../../../gen/llmgateway/v1/usage_service_pb.js';
import { PromptRulesService } from '../../../gen/llmgateway/v1/prompt_rules_service_pb.js';
import { HealthChecksService } from '../../../gen/llmgateway/v1/health_checks_service_pb.js';
import { gatewayBaseUrl, session, signOut } from './session.js';

let onUnauthenticated: () => void = () => {};

/** Called (by the router setup) to send the user to sign-in when the gateway refuses the token. */
export function whenUnauthenticated(handler: () => void): void {
  onUnauthenticated = handler;
}

const authenticate: Interceptor = (next) => async (request) => {
  request.header.set('authorization', `Bearer ${session.token}`);
  try {
    return await next(request);
  } catch (error) {
    if (ConnectError.from(error).code === Code.Unauthenticated) {
      signOut();
      onUnauthenticated();
    }
    throw error;
  }
};

const cache = new Map<string, Client<DescService>>();

function client<T extends DescService>(service: T): Client<T> {
  const baseUrl = gatewayBaseUrl();
  const cacheKey = `${service.typeName} ${baseUrl}`;
  let found = cache.get(cacheKey);
  if (!found) {
    found = createClient(service, createConnectTransport({ baseUrl, interceptors: [authenticate] })) as Client<DescService>;
    cache.set(cacheKey, found);
  }
  return found as unknown as Client<T>;
}

export const keys = () => client(KeysService);
export const providers = () => client(ProvidersService);
export const routes = () => client(RoutesService);
export const usage = () => client(UsageService);
export const promptRules = () => client(PromptRulesService);
export const healthChecks = () => client(HealthChecksService);

/** Checks a token without keeping it: the cheapest admin read. */
export async function verifyToken(token: string, gatewayUrl: string): Promise<void> {
  const transport = createConnectTransport({ baseUrl: gatewayUrl || globalThis.location.origin });
  await createClient(KeysService, transport).listKeys({ pageSize: 1 }, { headers: { authorization: `Bearer ${token}` } });
}
