// build(config): the whole gateway, ready to listen: storage prepared, the
// parts composed (compose.ts, which tests use too) and served by Fastify —
// the REST shims, the Connect services and the health routes on one port. It
// never listens itself (tests and main decide where).
import type { Writable } from 'node:stream';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import cors from '@fastify/cors';
import { fastifyConnectPlugin } from '@connectrpc/connect-fastify';
import type { GatewayConfig } from './config/config.js';
import type { RequestLogWriter } from './core/request-log/request-log-writer.js';
import type { PromptRuleTable } from './core/prompt-rules/prompt-rule-table.js';
import { openaiSurface } from './http/openai/openai-surface.js';
import { anthropicSurface } from './http/anthropic/anthropic-surface.js';
import { geminiSurface } from './http/gemini/gemini-surface.js';
import { responsesSurface } from './http/responses/responses-surface.js';
import { answerUnknownPath } from './http/unknown-paths.js';
import { rpcContextValues } from './rpc/request-context-key.js';
import { fastRpcRoutes, fastServing } from './rpc/fast-path/fast-rpc-routes.js';
import { createFastRpcIntake, type FastRpcIntake } from './rpc/fast-path/fast-rpc-intake.js';
import { createShimIntake, type ShimIntake } from './http/shim-intake.js';
import { openaiChatRoute } from './http/openai/chat-intake.js';
import { anthropicMessagesRoute } from './http/anthropic/messages-intake.js';
import { createRequestIdentifier } from './server/request-identity.js';
import { takeFastMethodHandlers } from './rpc/fast-path/fast-method-handlers.js';
import { createPolyglotServer, type PolyglotServer } from './server/polyglot-server.js';
import { corsOptions } from './server/cors-options.js';
import { registerHealthRoutes } from './server/health-routes.js';
import { serializeRequest } from './server/log-serializers.js';
import { serializeError } from './server/error-serializer.js';
import { logsEachRequest, requestLogController } from './server/request-logging.js';
import { createUnprefixedPaths } from './server/unprefixed-paths.js';
import { noSchemaCompilers } from './server/no-schema-compilers.js';
import { registerConsoleRoutes } from './server/console-routes.js';
import { findConsoleDir, loadConsoleFiles } from './server/console-files.js';
import { countRequests, InFlightLimit } from './server/in-flight-limit.js';
import { createRequestIdReader } from './server/client-request-id.js';
import { registerRequestTracing } from './server/request-tracing.js';
import type { RequestTracer } from './domain/trace-span.js';
import type { GatewayStorage as Storage } from './storage/index.js';
import { prepareStorage, printAdminToken } from './prepare-storage.js';
import type { ClusterPeers } from './cluster/worker-peers.js';
import { ADMIN_SCOPES, type AdminScope } from './cluster/messages.js';
import type { SharedState } from './redis/shared-state.js';
import { composeGateway, type ComposedGateway } from './compose.js';
import { CompletionService } from '../gen/llmgateway/v1/completion_service_pb.js';
import { serveMetrics } from './serve-metrics.js';

export interface BuildOptions {
  logStream?: Writable; // where log lines go (default: stdout)
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
  /** Enabled prompt rules per key and route, as the pipeline applies them. */
  promptRuleTable: PromptRuleTable;
  /** Each scheduled health check with its newest run (for a gauge: every process can answer, not only the runner). */
  healthChecks: ComposedGateway['healthChecks'];
  /** GATEWAY_CONFIG_FILE applied again (SIGHUP); set only in the process that applies it. Throws when it cannot. */
  reloadConfigFile?: () => Promise<void>;
  /** Listens on the configured host and port; returns the bound address, e.g. http://127.0.0.1:8080. */
  listen(): Promise<string>;
  /** Graceful: stops accepting, lets in-flight requests finish within the grace period, flushes, closes storage. */
  close(): Promise<void>;
}

/** After the connections close, how long shutdown waits for cut requests to record themselves. */
const CUT_SETTLE_MS = 5_000;
/** How long the cut requests have to answer their clients before their connections are destroyed. */
const CUT_ANSWER_MS = 1_000;
/** And then for the answers' last bytes (an HTTP/2 frame goes out on the next turn) to leave. */
const CUT_WRITE_MS = 50;

export async function build(config: GatewayConfig, options: BuildOptions = {}): Promise<Gateway> {
  const { masterKey, storage, adminToken, resealed } = await prepareStorage(config);
  let polyglot: PolyglotServer | undefined;
  let composed: ComposedGateway | undefined;
  let tracer: RequestTracer | undefined;
  let shared: SharedState<AdminScope> | undefined;
  try {
    const unprefixed = createUnprefixedPaths();
    const requestIdOf = createRequestIdReader(() => fastify.log);
    const requestLogging = logsEachRequest(config.logLevel);
    // Set once the routes are registered: the requests these take never reach Fastify (see each file).
    let fastRpcIntake: FastRpcIntake | undefined;
    let shimIntake: ShimIntake | undefined;
    const fastify = Fastify({
      logger: {
        level: config.logLevel,
        redact: [
          'req.headers.authorization',
          'req.headers["x-api-key"]',
          'req.headers["api-key"]',
          'req.headers["x-goog-api-key"]',
          'req.headers["x-google-api-key"]',
        ],
        // Query values may be credentials (the Gemini API's `?key=`); errors drop a driver's statement and values.
        serializers: { req: serializeRequest, err: serializeError },
        ...(options.logStream ? { stream: options.logStream } : {}),
      },
      bodyLimit: config.bodyLimitBytes,
      // The request log records every request behind it; Fastify's per-request lines only at debug.
      logController: requestLogController(config.logLevel),
      // X-Forwarded-For is believed only from these proxies (none by default).
      trustProxy: config.trustedProxies.length > 0 ? config.trustedProxies : false,
      // The client's x-request-id when it looks like an id, else a new one (server/client-request-id.ts).
      genReqId: requestIdOf,
      forceCloseConnections: false,
      schemaController: { compilersFactory: noSchemaCompilers },
      // OpenAI paths answer without `/v1` too (server/unprefixed-paths.ts).
      rewriteUrl: (request) => unprefixed.rewriteUrl(request),
      serverFactory: (handler) => {
        polyglot = createPolyglotServer(config, (request, response) => {
          if (shimIntake?.take(request, response) || fastRpcIntake?.take(request, response)) return;
          (handler as (request: unknown, response: unknown) => void)(request, response);
        });
        return polyglot.server as never;
      },
    });
    fastify.addHook('onRoute', (route) => unprefixed.onRoute(route));
    if (masterKey.generatedFile) {
      fastify.log.warn({ file: masterKey.generatedFile }, 'no GATEWAY_MASTER_KEY set: generated one in the data folder (mode 0600); back it up');
    }
    if (resealed > 0) fastify.log.info({ resealed }, 're-encrypted provider keys under the current master key');
    if (adminToken.generatedToken) (options.onAdminTokenGenerated ?? printAdminToken)(adminToken.generatedToken);
    // Tracing: the OpenTelemetry SDK is imported only when an OTLP endpoint is configured (free when off).
    if (config.tracing) {
      const { startOtelTracer } = await import('./tracing/otel-tracer.js');
      tracer = startOtelTracer(config.tracing, fastify.log);
      registerRequestTracing(fastify, tracer);
    }

    // With GATEWAY_REDIS_URL replicas share limits and invalidation; ioredis is loaded only then.
    if (config.redis) {
      const { connectSharedState } = await import('./redis/shared-state.js');
      shared = await connectSharedState(config.redis, ADMIN_SCOPES, fastify.log, options.cluster?.limiter);
    }
    const parts = composeGateway({
      storage,
      keyRing: masterKey.ring,
      adminToken: adminToken.verifier,
      config,
      log: fastify.log,
      cluster: options.cluster,
      ...(shared ? { shared: { limiter: shared.limiter, announce: shared.admin.announce, onAnnounced: shared.admin.onAnnounced, store: shared.store } } : {}),
    });
    composed = parts; // closed by the catch below when the server cannot start
    const { authenticator, completion, requestLog, promptRuleTable } = parts;

    // No origins configured: nothing to grant, and the plugin's per-request work (options merged,
    // Vary set, the origin resolved) is a measured few µs on every call — so it is not registered.
    if (config.corsOrigins.length > 0) await fastify.register(cors, corsOptions(config.corsOrigins));
    // onRequest, not onSend: Connect writes its responses itself but copies reply headers.
    // Callback style: an async hook costs a promise and its handling on every request.
    fastify.addHook('onRequest', (request, reply, done) => {
      reply.header('x-request-id', request.id);
      done();
    });
    // Health routes sit outside the in-flight cap: a probe must see a saturated process as alive.
    registerHealthRoutes(fastify, parts.isReady, shared?.readiness);
    if (config.console.enabled) {
      const consoleDir = findConsoleDir(config.console.dir);
      if (!consoleDir) fastify.log.warn({ dir: config.console.dir }, 'the admin console is not built (npm run build): /console/ answers 404');
      registerConsoleRoutes(fastify, consoleDir ? () => loadConsoleFiles(consoleDir) : undefined);
    }
    const inFlight = new InFlightLimit(config.maxInFlightRequests, fastify.log, () => parts.metrics.inFlightLimitRefused());
    const metricsServing = serveMetrics(fastify, { config, metrics: parts.metrics, adminToken: adminToken.verifier, cluster: options.cluster });
    // The OpenAI REST shim: a sibling of the Connect plugin, so it keeps Fastify's JSON parsing.
    await fastify.register(openaiSurface, { authenticator, completion, inFlight });
    await fastify.register(anthropicSurface, { authenticator, completion, inFlight });
    await fastify.register(geminiSurface, { authenticator, completion, inFlight });
    await fastify.register(responsesSurface, { authenticator, completion, store: parts.responses, inFlight });
    fastify.setNotFoundHandler(answerUnknownPath);
    // What Fastify gives a request, given alike to the requests served before it.
    const identify = createRequestIdentifier({ requestIdOf, trustedProxies: config.trustedProxies, tracer, tls: config.tls !== undefined });
    // OpenAI chat and Anthropic messages before Fastify (http/shim-intake.ts); Fastify's per-request
    // log lines (debug) need Fastify to see the request.
    if (!requestLogging) {
      shimIntake = createShimIntake({
        routes: [openaiChatRoute(completion, config.bodyLimitBytes), anthropicMessagesRoute(completion, config.bodyLimitBytes)],
        identify,
        inFlight,
        authenticator,
        bodyLimit: config.bodyLimitBytes,
        cors: config.corsOrigins.length > 0,
        log: fastify.log,
      });
    }
    // In a scope of its own, so the counting hook sees the RPCs only; of those, the data plane counts.
    await fastify.register(async (rpc) => {
      const dataPlane = `/${CompletionService.typeName}/`;
      const refused = countRequests(rpc, inFlight, (path) => path.startsWith(dataPlane));
      const contextValues = (request: FastifyRequest) => rpcContextValues(request, refused(request));
      let fastMethods: ReturnType<typeof takeFastMethodHandlers> | undefined;
      await rpc.register(fastifyConnectPlugin, {
        routes: (router) => {
          parts.registerRpc(router);
          // Complete and StreamComplete get routes of their own (rpc/fast-path), which hand to these what they do not serve.
          if (config.rpcFastPath) fastMethods = takeFastMethodHandlers(router);
        },
        shutdownTimeoutMs: config.shutdownGraceMs,
        readMaxBytes: config.bodyLimitBytes,
        contextValues,
      });
      if (fastMethods) {
        const serving = fastServing({ completion, authenticator, reporter: fastify.log, readMaxBytes: config.bodyLimitBytes });
        await rpc.register(fastRpcRoutes, { serving, handlers: fastMethods, contextValues, refused });
        // Fastify's per-request log lines (debug) need Fastify to see the request.
        if (!requestLogging) {
          fastRpcIntake = createFastRpcIntake({
            serving,
            paths: new Map([...fastMethods].map(([method, handler]) => [handler.requestPath, method])),
            identify,
            inFlight,
            cors: config.corsOrigins.length > 0,
            log: fastify.log,
          });
        }
      }
    });

    let graceTimer: NodeJS.Timeout | undefined;
    fastify.addHook('preClose', async () => {
      // Fastify answers what arrives from now on (503 while closing).
      fastRpcIntake?.stop();
      shimIntake?.stop();
      polyglot?.beginDrain();
      graceTimer = setTimeout(() => {
        // Past the grace period: what still runs is cut (canceled by shutdown); its client is told so in its own
        // protocol (error event, 503, gRPC status) before the connections still open are destroyed.
        fastify.log.warn({ inFlight: parts.inFlight.size, graceMs: config.shutdownGraceMs }, 'shutdown grace period over: cutting the requests still running');
        parts.inFlight.cut();
        void parts.inFlight.settled(CUT_ANSWER_MS).then(() => setTimeout(() => polyglot?.destroyAll(), CUT_WRITE_MS).unref());
      }, config.shutdownGraceMs);
      graceTimer.unref();
    });
    fastify.addHook('onClose', async () => {
      clearTimeout(graceTimer);
      await metricsServing.close();
      // The connections are closed, but a cut request's steps (its row, its spend) may still be
      // running: wait for them, so the final flush below carries what they record.
      const settled = await parts.inFlight.settled(CUT_SETTLE_MS);
      const cut = parts.inFlight.cutCount;
      if (!settled) fastify.log.error({ cut, stillRunning: parts.inFlight.size }, 'shutdown: requests still running after the connections closed; their rows may be missing');
      fastify.log.info({ cut }, cut > 0 ? `shutdown: ${cut} requests cut (logged as canceled)` : 'shutdown: every request finished');
      // Stop deleting, write every buffered spend and log row, then close the database.
      await parts.close();
      await shared?.close();
      await storage.close();
      // Last: the spans of the requests that just finished are exported before the process exits.
      await tracer?.shutdown();
    });
    await fastify.ready();
    // With --workers one worker deletes expired rows (the others would only repeat its deletes) and runs
    // the scheduled health checks — while it holds their lease, which one replica of a deployment does.
    // The same worker applies GATEWAY_CONFIG_FILE before it listens (a failure stops the start) — not a replacement: SIGHUP only.
    const leads = options.cluster?.runsRetention ?? true;
    // Loaded only when a file is configured (the YAML library and the planner stay out of other processes).
    const configFile =
      config.configFile && leads
        ? (await import('./apply-config-file.js')).createConfigFileApplier({
            file: config.configFile,
            registerAdmin: parts.registerInProcessAdmin,
            log: fastify.log,
            onApplied: (reason, ok) => parts.metrics.configFileApplied(reason, ok),
          })
        : undefined;
    if (!options.cluster?.replacement) await configFile?.apply('start');
    if (leads) parts.startBackgroundJobs();

    return {
      fastify,
      storage,
      requestLog,
      promptRuleTable,
      healthChecks: parts.healthChecks,
      ...(configFile ? { reloadConfigFile: () => configFile.apply('SIGHUP') } : {}),
      listen: async () => {
        const address = await fastify.listen({ host: config.host, port: config.port });
        const metricsAddress = await metricsServing.listen();
        if (metricsAddress) fastify.log.info({ address: metricsAddress }, 'metrics listening');
        // Fastify cannot tell that the polyglot server speaks TLS.
        return config.tls ? address.replace(/^http:/, 'https:') : address;
      },
      close: () => fastify.close(),
    };
  } catch (error) {
    await composed?.close();
    await shared?.close();
    await storage.close();
    await tracer?.shutdown();
    throw error;
  }
}
