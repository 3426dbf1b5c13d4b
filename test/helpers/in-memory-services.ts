// The RPC services wired over an in-memory SQLite database, reachable through
// Connect's in-memory router transport (no network).
import { createRouterTransport, type Transport } from '@connectrpc/connect';
import { createAdminTokenVerifier } from '../../src/core/auth/admin-token.js';
import { createKeyAuthenticator, type KeyAuthenticator } from '../../src/core/auth/authenticate-key.js';
import { hashSecret } from '../../src/core/auth/virtual-key-secret.js';
import { createCompletionCore } from '../../src/core/completion/completion-core.js';
import { composeGovernance } from '../../src/core/governance/governed-completion.js';
import { createDispatcher } from '../../src/core/routing/dispatcher.js';
import { createRouteTable } from '../../src/core/routing/route-table.js';
import { createProviderCatalog } from '../../src/core/completion/provider-catalog.js';
import { createKeyAdmin } from '../../src/core/keys/key-admin.js';
import { createProviderAdapter } from '../../src/providers/registry.js';
import { createProviderAdmin } from '../../src/core/providers/provider-admin.js';
import { createRouteAdmin } from '../../src/core/routes/route-admin.js';
import { createPromptRuleAdmin } from '../../src/core/prompt-rules/prompt-rule-admin.js';
import { createPromptRuleTable, type PromptRuleTable } from '../../src/core/prompt-rules/prompt-rule-table.js';
import { createUsageAdmin } from '../../src/core/usage-log/usage-admin.js';
import type { TargetHealthSource, TargetHealthView } from '../../src/core/routing/target-health.js';
import { createMasterKeyRing, type MasterKeyRing } from '../../src/core/secrets/master-key-ring.js';
import { registerRpcRoutes } from '../../src/rpc/routes.js';
import { openStorage, type GatewayStorage as Storage } from '../../src/storage/index.js';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { createProviderProbe } from '../../src/core/providers/provider-probe.js';

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export interface InMemoryServices {
  transport: Transport;
  storage: Storage;
  keyRing: MasterKeyRing;
  authenticator: KeyAuthenticator;
  /** Moves the services' clock (expiry, grace periods). */
  setNow(ms: number): void;
  reportedErrors: unknown[];
  /** What RoutesService.GetRouteHealth reports per `${providerId}/${upstreamModel}`; unset keys read as healthy. */
  targetHealth: Map<string, TargetHealthView>;
  /** How often the route admin reported a write. */
  routeChanges(): number;
  /** The prompt rules as the pipeline would read them (invalidated by PromptRulesService writes). */
  promptRuleTable: PromptRuleTable;
  /** How often the prompt-rule admin reported a write. */
  promptRuleChanges(): number;
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
  const clock = () => now;
  const authenticator = createKeyAuthenticator({ keys: storage.keys, now: clock });
  const reportedErrors: unknown[] = [];
  const catalog = createProviderCatalog({ providers: storage.providers, keyRing, createAdapter: createProviderAdapter, now: clock });
  const targetHealthByKey = new Map<string, TargetHealthView>();
  const targetHealth: TargetHealthSource = { healthOf: (key) => targetHealthByKey.get(key) ?? HEALTHY_TARGET };
  const routeTable = createRouteTable({ routes: storage.routes, now: clock });
  let routeChanges = 0;
  const onRouteChange = () => {
    routeChanges += 1;
    routeTable.invalidate();
  };
  const promptRuleTable = createPromptRuleTable({ repository: storage.promptRules, now: clock });
  let promptRuleChanges = 0;
  const onPromptRuleChange = () => {
    promptRuleChanges += 1;
    promptRuleTable.invalidate();
  };
  const transport = createRouterTransport((router) =>
    registerRpcRoutes(router, {
      adminToken: createAdminTokenVerifier(hashSecret(TEST_ADMIN_TOKEN)),
      authenticator,
      keyAdmin: createKeyAdmin({ keys: storage.keys, onChange: () => authenticator.invalidateAll(), now: clock }),
      providerAdmin: createProviderAdmin({ providers: storage.providers, keyRing, onChange: () => catalog.invalidate(), now: clock }),
      providerProbe: createProviderProbe(catalog, clock),
      routeAdmin: createRouteAdmin({
        routes: storage.routes,
        providers: storage.providers,
        expertDecisions: storage.expertDecisions,
        onChange: onRouteChange,
        now: clock,
      }),
      promptRuleAdmin: createPromptRuleAdmin({ rules: storage.promptRules, onChange: onPromptRuleChange, now: clock }),
      targetHealth,
      usageAdmin: createUsageAdmin({ requestLogs: storage.requestLogs, keySpend: storage.keySpend, keys: storage.keys, now: clock }),
      // No governance steps: the plain pipeline behind the governed call shapes.
      completion: composeGovernance(createCompletionCore({ catalog, routes: routeTable, dispatcher: createDispatcher(), now: clock }), [], clock),
      reporter: { error: (details) => reportedErrors.push(details) },
    }),
  );
  return {
    transport,
    storage,
    keyRing,
    authenticator,
    setNow: (ms) => (now = ms),
    reportedErrors,
    targetHealth: targetHealthByKey,
    routeChanges: () => routeChanges,
    promptRuleTable,
    promptRuleChanges: () => promptRuleChanges,
    close: () => storage.close(),
  };
}

export const adminHeaders = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
