// What composeGateway (compose.ts) takes and gives: the composition's contract,
// apart from its wiring.
import type { ConnectRouter } from '@connectrpc/connect';
import type { GatewayConfig } from './config/config.js';
import type { AdminTokenVerifier } from './core/auth/admin-token.js';
import type { KeyAuthenticator } from './core/auth/authenticate-key.js';
import type { GovernedCompletion } from './core/governance/governed-completion.js';
import type { InFlightCalls } from './core/governance/in-flight-calls.js';
import type { LatestResults } from './core/health-checks/latest-results.js';
import type { GatewayMetrics } from './core/metrics/gateway-metrics.js';
import type { PromptRuleTable } from './core/prompt-rules/prompt-rule-table.js';
import type { RequestLogWriter } from './core/request-log/request-log-writer.js';
import type { TargetHealthSource } from './core/routing/target-health.js';
import type { MasterKeyRing } from './core/secrets/master-key-ring.js';
import type { AdminScope } from './cluster/messages.js';
import type { ClusterPeers } from './cluster/worker-peers.js';
import type { HealthCheckTiming } from './compose-health-checks.js';
import type { ProviderAdapterFactory } from './domain/provider-adapter.js';
import type { GatewayStorage } from './storage/index.js';
import type { SharedStoreParts } from './core/shared-store/shared-store-parts.js';

/** Where the parts report (the server passes its pino logger). */
import type { ResponseStore } from './core/responses/response-store.js';

export interface GatewayLog {
  error(details: object, message: string): void;
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
  /** pino's: lines below the level are not even built. */
  isLevelEnabled?(level: string): boolean;
}

export interface ComposeOptions {
  /** Open and migrated; its owner closes it (after close() below). */
  storage: GatewayStorage;
  /** Decrypts provider keys. */
  keyRing: MasterKeyRing;
  /** Guards the admin services. */
  adminToken: AdminTokenVerifier;
  config: Pick<GatewayConfig, 'cacheMaxBytes' | 'cacheTtlMs' | 'logRetentionDays' | 'budgetOutputReserveTokens'> &
    Partial<Pick<GatewayConfig, 'keyCacheTtlMs' | 'keyStaleMaxMs' | 'requestLogBufferMax' | 'healthCheckRetentionDays' | 'metrics' | 'responses' | 'upstreamQueue' | 'breaker' | 'streamIdleTimeoutMs'>>;
  log: GatewayLog;
  /** Set in a --workers worker: what it shares with the others through the primary (see src/cluster). */
  cluster?: ClusterPeers;
  /** Set with GATEWAY_REDIS_URL: what every replica shares through Redis (src/redis); its limiter wins over the cluster's. */
  shared?: Pick<ClusterPeers, 'limiter' | 'announce' | 'onAnnounced'> & { store?: SharedStoreParts };
  /**
   * The clock of keys, admin records, the tables' TTL and governance (tests move it).
   * The dispatcher keeps real time: its timeouts, breakers and latencies measure real calls.
   */
  now?: () => number;
  /** Builds a provider's adapter (default: the provider families in src/providers). */
  createAdapter?: ProviderAdapterFactory;
  /** What RoutesService.GetRouteHealth reports (default: the dispatcher's live breakers and latencies). */
  targetHealth?: TargetHealthSource;
  /** Told after each admin write in this process, once its tables were invalidated. */
  onAdminChange?: (scope: AdminScope) => void;
  /** grpc.health.v1.Health.Watch's re-check interval (default 5 s; tests shorten it). */
  healthWatchIntervalMs?: number;
  /** The health-check runner's tick and lease (tests shorten them). */
  healthCheckTiming?: HealthCheckTiming;
}

export interface ComposedGateway {
  authenticator: KeyAuthenticator;
  /** The governed pipeline: what the REST shims and CompletionService serve. */
  completion: GovernedCompletion;
  /** Enabled prompt rules per key and route, as the pipeline applies them. */
  promptRuleTable: PromptRuleTable;
  /** The batching request-log writer: `write(record)` never throws nor waits; flushed on close. */
  requestLog: RequestLogWriter;
  /** Ready to serve: the database answers (GET /readyz and grpc.health.v1.Health). */
  isReady: () => Promise<boolean>;
  /** The governed calls running: shutdown cuts them, then waits for them to record what they consumed. */
  inFlight: InFlightCalls;
  /** What GET /metrics reads (core/metrics); its own registry, fed by the parts below. */
  metrics: GatewayMetrics;
  /** Registers every Connect service (fastifyConnectPlugin's `routes`, or createRouterTransport's). */
  registerRpc(router: ConnectRouter): void;
  /** The admin services without the admin credential: for an in-process transport only (GATEWAY_CONFIG_FILE). */
  registerInProcessAdmin(router: ConnectRouter): void;
  /** Each scheduled health check with its newest run, read from the database (for a gauge; any process can answer). */
  healthChecks: Pick<LatestResults, 'latest'>;
  /** Stored Responses API answers, scoped to their key (POST /v1/responses with store). */
  responses: ResponseStore;
  /** Starts the request-log retention job and the health-check runner (with --workers, in one worker only). */
  startBackgroundJobs(): void;
  /** Stops the jobs and writes what is buffered (budget spend, log rows); storage stays open. */
  close(): Promise<void>;
}
