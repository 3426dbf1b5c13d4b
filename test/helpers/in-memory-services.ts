// The gateway's parts as the server composes them (src/compose.ts: the governed
// pipeline with limits, budgets, cache, request log, prompt rules and expert
// routes) over an in-memory SQLite database, its RPC services reachable through
// Connect's in-memory router transport (no network). Overridden for tests: the
// clock, and what RoutesService.GetRouteHealth reports.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { createRouterTransport, type Transport } from '@connectrpc/connect';
import type { AdminScope } from '../../src/cluster/messages.js';
import { composeGateway } from '../../src/compose.js';
import { loadConfig } from '../../src/config/config.js';
import { createAdminTokenVerifier } from '../../src/core/auth/admin-token.js';
import type { KeyAuthenticator } from '../../src/core/auth/authenticate-key.js';
import { hashSecret } from '../../src/core/auth/virtual-key-secret.js';
import type { PromptRuleTable } from '../../src/core/prompt-rules/prompt-rule-table.js';
import type { TargetHealthView } from '../../src/core/routing/target-health.js';
import type { RequestLogWriter } from '../../src/core/request-log/request-log-writer.js';
import { createMasterKeyRing, type MasterKeyRing } from '../../src/core/secrets/master-key-ring.js';
import { openStorage, type GatewayStorage as Storage } from '../../src/storage/index.js';

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export interface InMemoryServices {
  transport: Transport;
  storage: Storage;
  keyRing: MasterKeyRing;
  authenticator: KeyAuthenticator;
  /** Moves the services' clock (expiry, grace periods). */
  setNow(ms: number): void;
  /** What the parts reported as errors (the server logs them). */
  reportedErrors: unknown[];
  /** What RoutesService.GetRouteHealth reports per `${providerId}/${upstreamModel}`; unset keys read as healthy. */
  targetHealth: Map<string, TargetHealthView>;
  /** How often the route admin reported a write. */
  routeChanges(): number;
  /** The prompt rules as the pipeline reads them (invalidated by PromptRulesService writes). */
  promptRuleTable: PromptRuleTable;
  /** How often the prompt-rule admin reported a write. */
  promptRuleChanges(): number;
  /** How often the health-check admin reported a write. */
  healthCheckChanges(): number;
  /** The composed gateway's newest health-check results (the metrics' accessor). */
  healthChecks: ReturnType<typeof composeGateway>['healthChecks'];
  /** The request log the pipeline writes behind each call (flush() to read its rows from storage). */
  requestLog: RequestLogWriter;
  close(): Promise<void>;
}

export const HEALTHY_TARGET: TargetHealthView = {
  breaker: 'closed',
  latencyMs: null,
  errorRate: 0,
  consecutiveFailures: 0,
  openUntil: null,
  attempts: 0,
};

export async function createInMemoryServices(): Promise<InMemoryServices> {
  const storage = await openStorage({ databaseUrl: 'sqlite::memory:', dataDir: os.tmpdir() });
  const keyRing = createMasterKeyRing(randomBytes(32));
  let now = Date.now();
  const reportedErrors: unknown[] = [];
  const targetHealthByKey = new Map<string, TargetHealthView>();
  const changes: Record<AdminScope, number> = { keys: 0, providers: 0, routes: 0, 'prompt-rules': 0, 'health-checks': 0 };
  const gateway = composeGateway({
    storage,
    keyRing,
    adminToken: createAdminTokenVerifier(hashSecret(TEST_ADMIN_TOKEN)),
    // The defaults of a gateway started without settings (cache size and TTL, log retention).
    config: loadConfig({}),
    log: { error: (details) => reportedErrors.push(details), warn: () => undefined, info: () => undefined },
    now: () => now,
    targetHealth: { healthOf: (key) => targetHealthByKey.get(key) ?? HEALTHY_TARGET },
    onAdminChange: (scope) => (changes[scope] += 1),
  });
  const transport = createRouterTransport((router) => gateway.registerRpc(router));
  return {
    transport,
    storage,
    keyRing,
    authenticator: gateway.authenticator,
    setNow: (ms) => (now = ms),
    reportedErrors,
    targetHealth: targetHealthByKey,
    routeChanges: () => changes.routes,
    promptRuleTable: gateway.promptRuleTable,
    promptRuleChanges: () => changes['prompt-rules'],
    healthCheckChanges: () => changes['health-checks'],
    healthChecks: gateway.healthChecks,
    requestLog: gateway.requestLog,
    async close() {
      await gateway.close();
      await storage.close();
    },
  };
}

export const adminHeaders = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
