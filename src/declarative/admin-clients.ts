// The admin services a configuration is read from and applied through. The CLI
// passes Connect clients over HTTP; the gateway itself (GATEWAY_CONFIG_FILE)
// passes clients over an in-process transport to the same service code — one
// path for both, with the same validation.
import type { Client } from '@connectrpc/connect';
import type { HealthChecksService } from '../../gen/llmgateway/v1/health_checks_service_pb.js';
import type { KeysService } from '../../gen/llmgateway/v1/keys_service_pb.js';
import type { PromptRulesService } from '../../gen/llmgateway/v1/prompt_rules_service_pb.js';
import type { ProvidersService } from '../../gen/llmgateway/v1/providers_service_pb.js';
import type { RoutesService } from '../../gen/llmgateway/v1/routes_service_pb.js';

export interface AdminClients {
  keys: Client<typeof KeysService>;
  providers: Client<typeof ProvidersService>;
  routes: Client<typeof RoutesService>;
  promptRules: Client<typeof PromptRulesService>;
  healthChecks: Client<typeof HealthChecksService>;
}

/** Every item of a paged List call, page after page. */
export async function listAll<Item>(
  page: (pageToken: string) => Promise<{ items: Item[]; nextPageToken: string }>,
): Promise<Item[]> {
  const items: Item[] = [];
  let token = '';
  do {
    const answer = await page(token);
    items.push(...answer.items);
    token = answer.nextPageToken;
  } while (token !== '');
  return items;
}
