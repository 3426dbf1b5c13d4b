// The answer to a scrape, shared by GET /metrics on the main port and on the
// optional metrics port: the bearer checked first (the admin token or the
// read-only GATEWAY_METRICS_TOKEN), then the whole gateway's exposition text.
// A scrape that cannot gather every worker fails (503) instead of answering a
// partial sum, which Prometheus would read as counter resets.
import type { MetricsSource } from '../core/metrics/metrics-source.js';
import type { ScrapeAccess } from '../core/metrics/scrape-access.js';

export interface MetricsEndpoint {
  source: MetricsSource;
  canScrape: ScrapeAccess;
  /** A scrape that failed to gather (logged). */
  onError(error: unknown): void;
}

export interface ScrapeAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const PLAIN = 'text/plain; charset=utf-8';

export async function answerScrape(endpoint: MetricsEndpoint, authorization: string | undefined): Promise<ScrapeAnswer> {
  if (!endpoint.canScrape(authorization)) {
    return { status: 401, headers: { 'content-type': PLAIN, 'www-authenticate': 'Bearer realm="metrics"' }, body: 'metrics credential required\n' };
  }
  try {
    const body = await endpoint.source.collect();
    return { status: 200, headers: { 'content-type': endpoint.source.contentType, 'cache-control': 'no-store' }, body };
  } catch (error) {
    endpoint.onError(error);
    return { status: 503, headers: { 'content-type': PLAIN, 'cache-control': 'no-store' }, body: 'metrics could not be gathered; retry\n' };
  }
}
