// The admin services' Connect clients for a started gateway, as `llm-gateway`
// builds them (src/declarative/admin-clients.ts): what plan, apply and export take.
import { createClient, type Transport } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { HealthChecksService } from '../../gen/llmgateway/v1/health_checks_service_pb.js';
import { KeysService } from '../../gen/llmgateway/v1/keys_service_pb.js';
import { PromptRulesService } from '../../gen/llmgateway/v1/prompt_rules_service_pb.js';
import { ProvidersService } from '../../gen/llmgateway/v1/providers_service_pb.js';
import { RoutesService } from '../../gen/llmgateway/v1/routes_service_pb.js';
import type { AdminClients } from '../../src/declarative/admin-clients.js';

/** Connect over HTTP/1.1 with the admin token on every call. */
export function adminTransport(baseUrl: string, adminToken: string): Transport {
  return createConnectTransport({
    baseUrl,
    httpVersion: '1.1',
    interceptors: [(next) => (request) => {
      request.header.set('authorization', `Bearer ${adminToken}`);
      return next(request);
    }],
  });
}

export function connectAdminClients(baseUrl: string, adminToken: string): AdminClients {
  const transport = adminTransport(baseUrl, adminToken);
  return {
    keys: createClient(KeysService, transport),
    providers: createClient(ProvidersService, transport),
    routes: createClient(RoutesService, transport),
    promptRules: createClient(PromptRulesService, transport),
    healthChecks: createClient(HealthChecksService, transport),
  };
}
