// build(config): the whole gateway wired together, ready to listen. It never
// listens itself (tests and main decide where).
import type { Writable } from 'node:stream';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import cors from '@fastify/cors';
import { fastifyConnectPlugin } from '@connectrpc/connect-fastify';
import type { GatewayConfig } from './config/config.js';
import { createKeyAuthenticator } from './core/auth/authenticate-key.js';
import { createResponseCache } from './core/cache/response-cache.js';
import { createCompletionCore } from './core/completion/completion-core.js';
import { createExpertRouter } from './core/experts/index.js';
import { createGovernedCompletion } from './core/governance/governed-completion.js';
import { createBudgetGuard } from './core/limits/budget-guard.js';
import { createInMemoryRateLimiter } from './core/limits/in-memory-rate-limiter.js';
import { createProviderCatalog } from './core/completion/provider-catalog.js';
import { createKeyAdmin } from './core/admin/keys/key-admin.js';
import { createProviderAdmin } from './core/admin/providers/provider-admin.js';
import { createPromptRuleAdmin } from './core/admin/prompt-rules/prompt-rule-admin.js';
import { createPromptRuleTable, type PromptRuleTable } from './core/prompt-rules/prompt-rule-table.js';
import { createRouteAdmin } from './core/admin/routes/route-admin.js';
import { createDispatcher } from './core/routing/dispatcher.js';
import { createRouteTable } from './core/routing/route-table.js';
import { createRequestLogWriter, type RequestLogWriter } from './core/usage-log/request-log-writer.js';
import { createRetentionJob } from './core/usage-log/retention.js';
import { createUsageAdmin } from './core/admin/usage/usage-admin.js';
import { createProviderAdapter } from './providers/registry.js';
import { openaiRoutes } from './http/openai/openai-routes.js';
import { anthropicRoutes } from './http/anthropic/anthropic-routes.js';
import { rpcContextValues } from './rpc/request-meta-key.js';
import { registerRpcRoutes } from './rpc/routes.js';
import { createPolyglotServer, type PolyglotServer } from './server/polyglot-server.js';
import { corsOptions } from './server/cors-options.js';
import { registerHealthRoutes } from './server/health-routes.js';
import { createRequestIdGenerator } from './server/request-ids.js';
import type { GatewayStorage as Storage } from './storage/index.js';
import { prepareStorage, printAdminToken } from './prepare-storage.js';
import type { AdminScope } from './cluster/messages.js';
import type { ClusterPeers } from './cluster/worker-peers.js';
import { createProviderProbe } from './core/admin/providers/provider-probe.js';

export interface BuildOptions {
  /** Where log lines go (default: stdout). */
  logStream?: Writable;
  /** Receives a generated admin token once; default prints it to stdout. */
  onAdminTokenGenerated?: (token: string) => void;
  /** Set in a --workers worker: what it shares with the others through the primary (see src/cluster). */
  cluster?: ClusterPeers;
}

export interface Gateway {
  fastify: FastifyInstance;
  storage: Storage;
  /** The batching request-log writer: `write(record)` never throws nor waits; flushed on close. */
  requestLog: RequestLogWriter;
  /** Enabled prompt rules per key and route (not yet applied by the pipeline: see core/prompt-rules). */
  promptRuleTable: PromptRuleTable;
  /** Listens on the configured host and port; returns the bound address, e.g. http://127.0.0.1:8080. */
  listen(): Promise<string>;
  /** Graceful: stops accepting, lets in-flight requests finish within the grace period, flushes, closes storage. */
  close(): Promise<void>;
}

/**
 * No route declares a Fastify schema (the shims and Connect parse bodies
 * themselves), so Fastify's default compilers — ajv and fast-json-stringify,
 * about 1.5 MB of heap for the process's life — are never loaded. A schema
 * added later fails loudly at start instead of silently going unchecked.
 */
const noSchemaCompilers = {
  buildValidator: () => () => {
    throw new Error('Fastify route schemas are not enabled (see noSchemaCompilers in src/app.ts)');
  },
  buildSerializer: () => () => {
    throw new Error('Fastify response schemas are not enabled (see noSchemaCompilers in src/app.ts)');
  },
};

export async function build(config: GatewayConfig, options: BuildOptions = {}): Promise<Gateway> {
  const { masterKey, storage, adminToken, resealed } = await prepareStorage(config);
  let polyglot: PolyglotServer | undefined;
  let requestLog: RequestLogWriter | undefined;
  try {
    const fastify = Fastify({
      logger: {
        level: config.logLevel,
        redact: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers["api-key"]'],
        ...(options.logStream ? { stream: options.logStream } : {}),
      },
      bodyLimit: config.bodyLimitBytes,
      // The request log records every request behind it; per-request log lines only when debugging.
      logController: new LogController({ disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace' }),
      // X-Forwarded-For is believed only from these proxies (none by default).
      trustProxy: config.trustedProxies.length > 0 ? config.trustedProxies : false,
      requestIdHeader: 'x-request-id',
      genReqId: createRequestIdGenerator(),
      forceCloseConnections: false,
      schemaController: { compilersFactory: noSchemaCompilers },
      serverFactory: (handler) => {
        polyglot = createPolyglotServer(config, handler as never);
        return polyglot.server as never;
      },
    });
    if (masterKey.generatedFile) {
      fastify.log.warn({ file: masterKey.generatedFile }, 'no GATEWAY_MASTER_KEY set: generated one in the data folder (mode 0600); back it up');
    }
    if (resealed > 0) fastify.log.info({ resealed }, 're-encrypted provider keys under the current master key');
    if (adminToken.generatedToken) (options.onAdminTokenGenerated ?? printAdminToken)(adminToken.generatedToken);

    const authenticator = createKeyAuthenticator({ keys: storage.keys });
    const catalog = createProviderCatalog({
      providers: storage.providers,
      keyRing: masterKey.ring,
      createAdapter: createProviderAdapter,
      onError: (error) => fastify.log.error({ err: error }, 'reloading providers failed; serving the last known set'),
    });
    const routeTable = createRouteTable({
      routes: storage.routes,
      onError: (error) => fastify.log.error({ err: error }, 'reloading routes failed; serving the last known set'),
    });
    const promptRuleTable = createPromptRuleTable({
      repository: storage.promptRules,
      onError: (error) => fastify.log.error({ err: error }, 'reloading prompt rules failed; serving the last known set'),
    });
    // An admin write drops this process's cached table at once; with --workers, every other
    // worker's too (other replicas sharing the database see it within the tables' TTL).
    const invalidate: Record<AdminScope, () => void> = {
      keys: () => authenticator.invalidateAll(),
      providers: () => catalog.invalidate(),
      routes: () => routeTable.invalidate(),
      'prompt-rules': () => promptRuleTable.invalidate(),
    };
    const peers = options.cluster;
    peers?.onAnnounced((scope) => invalidate[scope]());
    const adminChanged = (scope: AdminScope) => () => {
      invalidate[scope]();
      peers?.announce(scope);
    };
    const keyAdmin = createKeyAdmin({ keys: storage.keys, onChange: adminChanged('keys') });
    const providerAdmin = createProviderAdmin({ providers: storage.providers, keyRing: masterKey.ring, onChange: adminChanged('providers') });
    const routeAdmin = createRouteAdmin({
      routes: storage.routes,
      providers: storage.providers,
      expertDecisions: storage.expertDecisions,
      onChange: adminChanged('routes'),
    });
    const promptRuleAdmin = createPromptRuleAdmin({ rules: storage.promptRules, onChange: adminChanged('prompt-rules') });
    // Breakers, latency and affinity live in this process (per replica, not shared).
    const dispatcher = createDispatcher({
      onBreakerTransition: (target, from, to, reason) => fastify.log.warn({ target, from, to, reason }, 'circuit breaker changed state'),
    });
    // Request-log rows are written behind the request, in batches (see core/usage-log).
    requestLog = createRequestLogWriter({
      repository: storage.requestLogs,
      onError: (event) =>
        (event.kind === 'flush-failed' ? fastify.log.error : fastify.log.warn).call(
          fastify.log,
          { err: event.error, count: event.count, kind: event.kind },
          event.message,
        ),
    });
    const writer = requestLog;
    const retention = createRetentionJob({
      repository: storage.requestLogs,
      retentionDays: config.logRetentionDays,
      onDeleted: (count, cutoff) => fastify.log.info({ count, cutoff: new Date(cutoff).toISOString() }, 'deleted expired request-log rows'),
      onError: (error) => fastify.log.error({ err: error }, 'deleting expired request-log rows failed; retrying at the next interval'),
    });
    const usageAdmin = createUsageAdmin({ requestLogs: storage.requestLogs, keySpend: storage.keySpend, keys: storage.keys });
    // Limits, budgets and the cache wrap the pipeline; limits and cache are per process, spend is in the database.
    const budgets = createBudgetGuard({
      spend: storage.keySpend,
      onError: (error) => fastify.log.error({ err: error }, 'recording budget spend failed; it stays counted and is retried'),
    });
    const pipeline = createCompletionCore({ catalog, routes: routeTable, dispatcher });
    const completion = createGovernedCompletion({
      core: pipeline,
      rules: promptRuleTable,
      experts: {
        routes: routeTable,
        router: createExpertRouter(),
        pipeline,
        decisions: storage.expertDecisions,
        onDecisionError: (error) => fastify.log.error({ err: error }, 'recording an expert decision failed'),
      },
      // With --workers the primary holds the limits, so a key's limit is one limit across workers.
      limiter: peers?.limiter ?? createInMemoryRateLimiter(),
      budgets,
      cache: config.cacheMaxBytes > 0 ? createResponseCache({ maxBytes: config.cacheMaxBytes, ttlMs: config.cacheTtlMs }) : undefined,
      log: writer,
    });

    // No origins configured: nothing to grant, and the plugin's per-request work (options merged,
    // Vary set, the origin resolved) is a measured few µs on every call — so it is not registered.
    if (config.corsOrigins.length > 0) await fastify.register(cors, corsOptions(config.corsOrigins));
    // onRequest, not onSend: Connect writes its responses itself but copies reply headers.
    // Callback style: an async hook costs a promise and its handling on every request.
    fastify.addHook('onRequest', (request, reply, done) => {
      reply.header('x-request-id', request.id);
      done();
    });
    registerHealthRoutes(fastify, storage.database);
    // The OpenAI REST shim: a sibling of the Connect plugin, so it keeps Fastify's JSON parsing.
    await fastify.register(openaiRoutes, { authenticator, completion });
    await fastify.register(anthropicRoutes, { authenticator, completion });
    await fastify.register(fastifyConnectPlugin, {
      routes: (router) =>
        registerRpcRoutes(router, {
          adminToken: adminToken.verifier,
          authenticator,
          keyAdmin,
          providerAdmin,
          providerProbe: createProviderProbe(catalog),
          routeAdmin,
          promptRuleAdmin,
          targetHealth: dispatcher,
          usageAdmin,
          completion,
          reporter: fastify.log,
        }),
      shutdownTimeoutMs: config.shutdownGraceMs,
      contextValues: rpcContextValues,
    });

    let graceTimer: NodeJS.Timeout | undefined;
    fastify.addHook('preClose', async () => {
      polyglot?.beginDrain();
      graceTimer = setTimeout(() => polyglot?.destroyAll(), config.shutdownGraceMs);
      graceTimer.unref();
    });
    fastify.addHook('onClose', async () => {
      clearTimeout(graceTimer);
      // In-flight requests are done: stop deleting, write every buffered log row, then close the database.
      await retention.stop();
      await budgets.flush();
      await writer.close();
      await storage.close();
    });
    await fastify.ready();
    // With --workers one worker deletes expired rows; the others would only repeat its deletes.
    if (peers?.runsRetention ?? true) retention.start();

    return {
      fastify,
      storage,
      requestLog: writer,
      promptRuleTable,
      listen: async () => {
        const address = await fastify.listen({ host: config.host, port: config.port });
        // Fastify cannot tell that the polyglot server speaks TLS.
        return config.tls ? address.replace(/^http:/, 'https:') : address;
      },
      close: () => fastify.close(),
    };
  } catch (error) {
    await requestLog?.close();
    await storage.close();
    throw error;
  }
}
