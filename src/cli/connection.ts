// The admin API of a running gateway, as Connect clients: --url / GATEWAY_URL
// and --admin-token / GATEWAY_ADMIN_TOKEN. Connect JSON over HTTP/1.1 works
// through any proxy in front of any replica. Every call has a deadline
// (--timeout / GATEWAY_CLI_TIMEOUT): a gateway or proxy that accepts the
// connection and never answers must not block a CI job forever.
import { createClient, type Client, type Interceptor } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { HealthChecksService } from '../../gen/llmgateway/v1/health_checks_service_pb.js';
import { KeysService } from '../../gen/llmgateway/v1/keys_service_pb.js';
import { PromptRulesService } from '../../gen/llmgateway/v1/prompt_rules_service_pb.js';
import { ProvidersService } from '../../gen/llmgateway/v1/providers_service_pb.js';
import { RoutesService } from '../../gen/llmgateway/v1/routes_service_pb.js';
import { UsageService } from '../../gen/llmgateway/v1/usage_service_pb.js';
import type { AdminClients } from '../declarative/admin-clients.js';
import { DURATION_FORMS, parseDurationMs } from '../declarative/durations.js';
import { usageError } from './exit-codes.js';

export interface ConnectionOptions {
  url?: string;
  adminToken?: string;
  timeout?: string;
}

export interface GatewayConnection extends AdminClients {
  url: string;
  /** The --timeout in force, as given (for messages). */
  timeout: string;
  usage: Client<typeof UsageService>;
}

const DEFAULT_URL = 'http://127.0.0.1:8080';
/** Above the 30 s the gateway itself gives a provider test's upstream (`providers test`). */
export const DEFAULT_TIMEOUT = '60s';

export function resolveUrl(options: ConnectionOptions, environment: NodeJS.ProcessEnv): string {
  const url = options.url ?? environment.GATEWAY_URL ?? DEFAULT_URL;
  if (!/^https?:\/\/[^/]/.test(url)) throw usageError(`--url must be an http:// or https:// address, got "${url}"`);
  return url.replace(/\/+$/, '');
}

/** How long one call may take before the CLI gives up on it: as given (for messages) and in milliseconds. */
export function resolveTimeout(options: ConnectionOptions, environment: NodeJS.ProcessEnv): { text: string; milliseconds: number } {
  const text = options.timeout ?? environment.GATEWAY_CLI_TIMEOUT ?? DEFAULT_TIMEOUT;
  const milliseconds = parseDurationMs(text);
  const source = options.timeout !== undefined ? '--timeout' : environment.GATEWAY_CLI_TIMEOUT !== undefined ? 'GATEWAY_CLI_TIMEOUT' : 'the default timeout';
  if (milliseconds === undefined || milliseconds < 1) throw usageError(`${source}: expected ${DURATION_FORMS} (more than 0), got "${text}"`);
  return { text, milliseconds };
}

export function connect(options: ConnectionOptions, environment: NodeJS.ProcessEnv = process.env): GatewayConnection {
  const url = resolveUrl(options, environment);
  const timeout = resolveTimeout(options, environment);
  const token = options.adminToken ?? environment.GATEWAY_ADMIN_TOKEN;
  if (!token) throw usageError('no admin token: pass --admin-token or set GATEWAY_ADMIN_TOKEN');
  const bearer: Interceptor = (next) => (request) => {
    request.header.set('authorization', `Bearer ${token}`);
    return next(request);
  };
  const transport = createConnectTransport({ baseUrl: url, httpVersion: '1.1', interceptors: [bearer], defaultTimeoutMs: timeout.milliseconds });
  return {
    url,
    timeout: timeout.text,
    keys: createClient(KeysService, transport),
    providers: createClient(ProvidersService, transport),
    routes: createClient(RoutesService, transport),
    promptRules: createClient(PromptRulesService, transport),
    healthChecks: createClient(HealthChecksService, transport),
    usage: createClient(UsageService, transport),
  };
}
