// composeGateway(…): the gateway's parts wired together, without a server —
// the in-memory tables, the admin services, the dispatcher, and the governed
// completion pipeline (limits, budgets, prompt rules, expert routes, response
// cache and request log around the core) that every surface serves: the REST
// shims and the RPC CompletionService alike. build() (app.ts) puts it behind
// Fastify; tests call it too, with overrides (a clock, a target-health view,
// a provider adapter factory) and the RPC services on Connect's in-memory
// router transport, so a test cannot run a different pipeline than the
// server does.
import { composeAuthenticator } from './compose-authenticator.js';
import { createResponseCache } from './core/cache/response-cache.js';
import { createCompletionCore } from './core/completion/completion-core.js';
import { createProviderCatalog } from './core/completion/provider-catalog.js';
import { createExpertRouter } from './core/experts/index.js';
import { createGovernedCompletion } from './core/governance/governed-completion.js';
import { classifierCalls } from './core/governance/classifier-calls.js';
import type { RequestRecorder } from './core/governance/request-facts.js';
import { logRequestLine } from './core/request-log/request-log-line.js';
import { retried, runShutdownSteps } from './shutdown-steps.js';
import { createGatewayMetrics } from './core/metrics/gateway-metrics.js';
import { createInFlightCalls } from './core/governance/in-flight-calls.js';
import { createKeyAdmin } from './core/admin/keys/key-admin.js';
import { createBudgetGuard } from './core/limits/budget-guard.js';
import { createLoggedSpendReader } from './core/limits/logged-spend.js';
import { startSpendFlusher } from './core/limits/spend-flusher.js';
import { createInMemoryRateLimiter } from './core/limits/in-memory-rate-limiter.js';
import { createPromptRuleAdmin } from './core/admin/prompt-rules/prompt-rule-admin.js';
import { createPromptRuleTable } from './core/prompt-rules/prompt-rule-table.js';
import { createProviderAdmin } from './core/admin/providers/provider-admin.js';
import { createProviderProbe } from './core/admin/providers/provider-probe.js';
import { createRouteAdmin } from './core/admin/routes/route-admin.js';
import { createReferenceFinder } from './core/admin/references.js';
import { createDispatcher } from './core/routing/dispatcher.js';
import { createUpstreamQuotas } from './core/quotas/upstream-quotas.js';
import { createUpstreamUsageReport } from './core/admin/providers/upstream-usage.js';
import { DEFAULT_UPSTREAM_QUEUE } from './config/upstream-queue-config.js';
import { createRouteTable } from './core/routing/route-table.js';
import { createRequestLogWriter } from './core/request-log/request-log-writer.js';
import { createReportThrottle } from './core/request-log/report-throttle.js';
import { createRetentionJob } from './core/request-log/retention.js';
import { createUsageAdmin } from './core/admin/usage/usage-admin.js';
import { createProviderAdapter } from './providers/registry.js';
import { registerInProcessAdminServices, registerRpcServices, type RpcDependencies } from './rpc/register-services.js';
import { readinessOf } from './server/readiness.js';
import { batchRowsFor } from './storage/batch-rows.js';
import type { AdminScope } from './cluster/messages.js';
import type { AdminChangedIds } from './core/admin/changed-ids.js';
import { composeHealthChecks } from './compose-health-checks.js';
import { composeResponses } from './compose-responses.js';
import { shareBreakers, shareBudgets, shareCache, watchSharedStore } from './compose-shared-store.js';

import type { ComposedGateway, ComposeOptions } from './compose-contract.js';

export type { ComposedGateway, ComposeOptions, GatewayLog } from './compose-contract.js';

export function composeGateway(options: ComposeOptions): ComposedGateway {
  const { storage, keyRing, config, log, now } = options;
  // Metrics observe the parts below (requests, attempts, breakers, experts, database errors); see core/metrics.
  const metrics = createGatewayMetrics({
    keyLabels: config.metrics?.keyLabels ?? false,
    estimate: { sampleRate: config.metrics?.estimateSampleRate ?? 0 },
  });
  storage.database.onError((kind) => metrics.databaseFailed(kind));
  // While the database is away the same failure repeats on every request: one line per kind every 10 s, with the count.
  const outageReports = createReportThrottle<'key-read-failed' | 'key-served-stale' | 'spend-failed'>(10_000, (report) =>
    log[report.kind === 'key-served-stale' ? 'warn' : 'error']({ err: report.error, count: report.count, kind: report.kind }, report.message),
  );
  const authenticator = composeAuthenticator(options, outageReports);
  // After an admin write the database could not be read: the last loaded set answers (once per outage and table).
  const servedLastLoaded = (table: string) => (error: unknown) =>
    log.warn({ err: error, table }, `database unavailable: serving the last loaded ${table}, without the admin write(s) made since; reloaded once it answers`);
  const isReady = readinessOf(storage.database, (error) => log.warn({ err: error }, 'readiness check: database unreachable'));
  const catalog = createProviderCatalog({
    providers: storage.providers,
    keyRing,
    createAdapter: options.createAdapter ?? createProviderAdapter,
    now,
    onError: (error) => log.error({ err: error }, 'reloading providers failed; serving the last known set'),
    onStaleServed: servedLastLoaded('providers'),
    // A fixed provider (its key, its base URL) must not wait out a breaker opened by its old configuration.
    onTargetsChanged: (changed) => dispatcher.breakers.resetTargets(changed),
  });
  const routeTable = createRouteTable({
    routes: storage.routes,
    now,
    onError: (error) => log.error({ err: error }, 'reloading routes failed; serving the last known set'),
    onStaleServed: servedLastLoaded('routes'),
  });
  const promptRuleTable = createPromptRuleTable({
    repository: storage.promptRules,
    now,
    onError: (error) => log.error({ err: error }, 'reloading prompt rules failed; serving the last known set'),
    onStaleServed: servedLastLoaded('prompt rules'),
    onRuleSkipped: (rule, reason) =>
      log.warn(
        { promptRule: rule.id, name: rule.name, reason },
        'prompt rule skipped: its pattern does not compile on the linear-time regex engine (RE2 syntax); fix its pattern or delete it',
      ),
  });
  // An admin write marks this process's cached table stale at once (the next use reloads it; the database
  // unavailable, the last loaded set answers); with --workers every other worker's too, with Redis every
  // replica's (else other replicas see it within the tables' TTL). A key write drops only the keys it
  // names: a revoked or rotated key never answers from its state before the write, the others keep theirs.
  const invalidate: Record<AdminScope, (ids: AdminChangedIds) => void> = {
    // A budget set or changed may have had its period's spend seeded (core/limits/logged-spend.ts): read again.
    keys: (ids) => {
      if (ids) authenticator.invalidateKeys(ids);
      else authenticator.invalidateAll();
      for (const id of ids ?? [undefined]) localBudgets.invalidate(id);
    },
    // Its reload starts afresh the breakers of the targets whose configuration changed (onTargetsChanged).
    providers: () => catalog.invalidate(),
    routes: () => routeTable.invalidate(),
    'prompt-rules': () => promptRuleTable.invalidate(),
    'health-checks': () => healthChecks.runner.invalidate(),
  };
  const peers = options.cluster;
  const shared = options.shared;
  peers?.onAnnounced((scope, ids) => invalidate[scope](ids));
  shared?.onAnnounced((scope, ids) => invalidate[scope](ids));
  const adminChanged = (scope: AdminScope) => (id?: string) => {
    const ids = id === undefined ? undefined : [id];
    invalidate[scope](ids);
    peers?.announce(scope, ids);
    shared?.announce(scope, ids);
    options.onAdminChange?.(scope);
  };
  const references = createReferenceFinder({ routes: storage.routes, healthChecks: storage.healthChecks, promptRules: storage.promptRules });
  const providerAdmin = createProviderAdmin({ providers: storage.providers, keyRing, references, onChange: adminChanged('providers'), now });
  const routeAdmin = createRouteAdmin({
    routes: storage.routes,
    references,
    expertDecisions: storage.expertDecisions,
    onChange: adminChanged('routes'),
    now,
  });
  const promptRuleAdmin = createPromptRuleAdmin({
    rules: storage.promptRules,
    onChange: adminChanged('prompt-rules'),
    scopeExists: async (scope, scopeId) => (scope === 'route' ? storage.routes.get(scopeId) : storage.keys.get(scopeId)).then((found) => found !== null),
    now,
  });
  // One limit per key across processes: Redis across replicas (and their workers), else the --workers primary.
  // The upstream quotas count through the same limiter (core/quotas).
  const limiter = shared?.limiter ?? peers?.limiter ?? createInMemoryRateLimiter({ now });
  const quotas = createUpstreamQuotas({ limiter, defaultQueue: config.upstreamQueue ?? DEFAULT_UPSTREAM_QUEUE, observer: metrics.quotas.observer });
  metrics.quotas.watch(quotas.stats);
  // Latency and affinity live in this process; with Redis, breakers open and close on every replica together.
  const announceBreaker = shareBreakers(() => dispatcher.breakers, shared?.store);
  const dispatcher = createDispatcher({
    quotas,
    ...(config.breaker ? { breaker: config.breaker } : {}),
    ...(config.streamIdleTimeoutMs !== undefined ? { streamIdleTimeoutMs: config.streamIdleTimeoutMs } : {}),
    onBreakerTransition: (target, from, to, reason, remote) => {
      log.warn({ target, from, to, reason }, 'circuit breaker changed state');
      metrics.breakerChanged(target, to);
      announceBreaker(target, to, reason, remote);
    },
    onAttempt: (attempt, kind) => metrics.attemptEnded(attempt, kind),
  });
  const batchRows = batchRowsFor(storage.database.dialect);
  // Request-log rows are written behind the request, in batches (see core/request-log).
  const requestLog = createRequestLogWriter({
    repository: storage.requestLogs,
    // On SQLite a batch holds the event loop while it is inserted: kept small (storage/batch-rows.ts).
    maxBatchSize: batchRows.requestLogInsert,
    ...(config.requestLogBufferMax === undefined ? {} : { maxBuffered: config.requestLogBufferMax }),
    onError: (event) =>
      log[event.kind === 'flush-failed' ? 'error' : 'warn']({ err: event.error, count: event.count, kind: event.kind }, event.message),
  });
  const retention = createRetentionJob({
    repository: storage.requestLogs,
    retentionDays: config.logRetentionDays,
    batchSize: batchRows.retentionDelete,
    now,
    onDeleted: (count, cutoff) => log.info({ count, cutoff: new Date(cutoff).toISOString() }, 'deleted expired request-log rows'),
    onError: (error) => log.error({ err: error }, 'deleting expired request-log rows failed; retrying at the next interval'),
  });
  // A key's spend the key_spend rows do not hold (no budget then), read from the request log: a key without a
  // budget reports its month's, a budget set or changed starts from what its period already spent.
  const loggedSpend = createLoggedSpendReader({ requestLogs: storage.requestLogs, keySpend: storage.keySpend, flushRequestLog: (wait) => requestLog.flush(wait), now });
  const keyAdmin = createKeyAdmin({ keys: storage.keys, references, onChange: adminChanged('keys'), seedBudget: loggedSpend.seedBudget, now });
  const usageAdmin = createUsageAdmin({ requestLogs: storage.requestLogs, keySpend: storage.keySpend, loggedSpend, keys: storage.keys, now });
  // Limits, budgets and the cache wrap the pipeline; spend is in the database; with Redis all three are shared.
  const spendFailed = (error: unknown) =>
    outageReports.add('spend-failed', 1, (total) => `recording budget spend failed ${total} time(s); it stays counted and is retried`, error);
  const localBudgets = createBudgetGuard({ spend: storage.keySpend, now, onError: spendFailed });
  // With Redis, reservations in flight are shared by every replica (core/shared-store).
  const budgets = shareBudgets(localBudgets, shared?.store);
  // Spend a failed add left queued is retried on its own, not only with the key's next request.
  const spendFlusher = startSpendFlusher({ budgets, onError: spendFailed });
  const unpriced = { warn: (fields: object, message: string) => log.warn(fields, message), count: (provider: string, model: string) => metrics.unpricedServed(provider, model) };
  const pipeline = createCompletionCore({ catalog, routes: routeTable, dispatcher, now, unpriced });
  const inFlight = createInFlightCalls();
  // Every governed request's row goes to the request log, the console line and the metrics.
  const requestRecorder: RequestRecorder = {
    write: (record, facts) => (requestLog.write(record), logRequestLine(log, record, facts), metrics.requestFinished(record, facts)),
  };
  const completion = createGovernedCompletion({
    core: pipeline,
    rules: promptRuleTable,
    experts: {
      routes: routeTable,
      router: createExpertRouter(),
      // The judge's and the embedding classifier's calls: rows and budget charges of their own.
      pipeline: classifierCalls({ core: pipeline, log: requestRecorder, budgets, budgetOutputReserveTokens: config.budgetOutputReserveTokens, now }),
      decisions: storage.expertDecisions,
      onDecisionError: (error) => log.error({ err: error }, 'recording an expert decision failed'),
      onDecision: (decision) => {
        metrics.expertDecided(decision);
        // A classifier that failed falls back without the client noticing: said here (its call's row has the error).
        const { route, expert, fallbackReason: reason } = decision;
        if (reason !== '') log.warn({ route, expert, reason }, 'expert classifier gave no decision; the fallback expert was chosen');
      },
      now,
    },
    limiter,
    budgets,
    cache: shareCache(
      config.cacheMaxBytes > 0 ? createResponseCache({ maxBytes: config.cacheMaxBytes, ttlMs: config.cacheTtlMs, now }) : undefined,
      shared?.store,
      config.cacheTtlMs,
    ),
    log: requestRecorder,
    inFlight,
    budgetOutputReserveTokens: config.budgetOutputReserveTokens,
    now,
  });
  const responses = composeResponses({ storage, retentionDays: config.responses?.retentionDays ?? 30, log, now, onNotStored: () => metrics.responseNotStored() });
  const providerProbe = createProviderProbe(catalog, now);
  const healthChecks = composeHealthChecks({
    storage,
    catalog,
    routeTable,
    retentionDays: config.healthCheckRetentionDays ?? 30,
    log,
    onChange: adminChanged('health-checks'),
    now,
    ...(options.healthCheckTiming === undefined ? {} : { timing: options.healthCheckTiming }),
  });
  metrics.watch({
    inFlight: () => inFlight.size,
    breakers: dispatcher.breakers,
    requestLog: () => requestLog.stats(),
    healthChecks: () => healthChecks.results.latest(),
  });
  watchSharedStore(metrics, shared?.store);
  const targetHealth = options.targetHealth ?? dispatcher;

  const rpcDependencies: RpcDependencies = {
    adminToken: options.adminToken,
    authenticator,
    keyAdmin,
    providerAdmin,
    providerProbe,
    upstreamUsage: createUpstreamUsageReport(storage.providers, quotas),
    routeAdmin,
    promptRuleAdmin,
    targetHealth,
    usageAdmin,
    healthCheckAdmin: healthChecks.admin,
    healthCheckHistory: healthChecks.history,
    scheduledChecks: healthChecks.results,
    completion,
    reporter: log,
    isReady,
    ...(options.healthWatchIntervalMs === undefined ? {} : { healthWatchIntervalMs: options.healthWatchIntervalMs }),
  };
  return {
    authenticator,
    completion,
    promptRuleTable,
    requestLog,
    isReady,
    inFlight,
    healthChecks: healthChecks.results,
    responses: responses.store,
    metrics,
    registerRpc: (router) => registerRpcServices(router, rpcDependencies),
    registerInProcessAdmin: (router) => registerInProcessAdminServices(router, rpcDependencies),
    startBackgroundJobs: () => {
      retention.start();
      healthChecks.start();
      responses.retention.start();
    },
    async close() {
      // In-flight requests are done: stop deleting, then write every buffered spend and log row.
      await runShutdownSteps(log, [
        ['stopping the retention job', () => retention.stop()],
        ['stopping the health checks', () => healthChecks.stop()],
        ['stopping the stored-responses retention job', () => responses.retention.stop()],
        ['stopping the spend flusher', () => spendFlusher.stop()],
        ['writing the budget spend', () => retried(() => budgets.flush())],
        ['writing the request log', () => requestLog.close()],
      ]).finally(() => outageReports.flushPending());
    },
  };
}

