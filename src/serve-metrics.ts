// GET /metrics wired into the server (composition root): the process and
// Node.js metrics added to the composed gateway's registry, the source a
// scrape reads (this process's registry, or with --workers every worker's
// through the primary), the credential check, the route on the main port and
// the optional GATEWAY_METRICS_PORT listener. See README "Operating".
import type { FastifyInstance } from 'fastify';
import { createClusterMetricsSource } from './cluster/metrics-gather.js';
import type { ClusterPeers } from './cluster/worker-peers.js';
import type { GatewayConfig } from './config/config.js';
import type { AdminTokenVerifier } from './core/auth/admin-token.js';
import { collectProcessMetrics } from './core/metrics/default-metrics.js';
import type { GatewayMetrics } from './core/metrics/gateway-metrics.js';
import { localMetricsSource } from './core/metrics/metrics-source.js';
import { createScrapeAccess } from './core/metrics/scrape-access.js';
import type { MetricsEndpoint } from './server/metrics-answer.js';
import { registerMetricsRoute } from './server/metrics-route.js';
import { createMetricsServer } from './server/metrics-server.js';

export interface MetricsServing {
  /** Listens on GATEWAY_METRICS_PORT when set (after the main port); returns its address. */
  listen(): Promise<string | undefined>;
  close(): Promise<void>;
}

export function serveMetrics(
  fastify: FastifyInstance,
  options: { config: GatewayConfig; metrics: GatewayMetrics; adminToken: AdminTokenVerifier; cluster: ClusterPeers | undefined },
): MetricsServing {
  const { config, metrics } = options;
  collectProcessMetrics(metrics.registry);
  const endpoint: MetricsEndpoint = {
    source: options.cluster ? createClusterMetricsSource(options.cluster.channel, metrics.registry) : localMetricsSource(metrics.registry),
    canScrape: createScrapeAccess({ adminToken: options.adminToken, metricsToken: config.metrics.token }),
    onError: (error) => fastify.log.warn({ err: error }, 'a metrics scrape failed'),
  };
  registerMetricsRoute(fastify, endpoint);
  const port = config.metrics.port;
  const server =
    port === undefined
      ? undefined
      : createMetricsServer({ host: config.host, port, tls: config.tls, headersTimeoutMs: config.headersTimeoutMs }, endpoint);
  return {
    listen: async () => server?.listen(),
    close: async () => server?.close(),
  };
}
