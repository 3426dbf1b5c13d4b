// Load through autocannon (closed loop: a fixed number of keep-alive
// connections, one request in flight on each). autocannon's own histogram
// keeps whole milliseconds, too coarse for a 0.4 ms bar, so the latency of
// every 2xx response is taken from its 'response' event (sub-millisecond
// hrtime) and the percentiles are computed here.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { percentile } from './stats.js';

export interface LoadOptions {
  url: string;
  body: string;
  headers: Record<string, string>;
  connections: number;
  seconds: number;
  /** Record latencies (off for warm-ups and soaks). */
  record?: boolean;
}

export interface LoadResult {
  /** 2xx responses. */
  requests: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  timeouts: number;
  non2xx: number;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  let ok = 0;
  const startedAt = performance.now();
  const instance = autocannon({
    url: options.url,
    method: 'POST',
    body: options.body,
    headers: { 'content-type': 'application/json', ...options.headers },
    connections: options.connections,
    pipelining: 1,
    duration: options.seconds,
    timeout: 10,
  });
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode < 200 || statusCode > 299) return;
    ok += 1;
    if (options.record !== false) latencies.push(responseTime);
  });
  const result = await instance;
  const seconds = (performance.now() - startedAt) / 1000;
  return {
    requests: ok,
    seconds,
    rps: ok / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
  };
}

/** One request, read whole; for checks before the load starts. */
export function postJson(url: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, agent: false, timeout: 10_000 }, (response) => {
      const parts: Buffer[] = [];
      response.on('data', (part: Buffer) => parts.push(part));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`POST ${url} timed out`)));
    request.on('error', reject);
    request.end(body);
  });
}
