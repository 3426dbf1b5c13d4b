// GATEWAY_METRICS_PORT: a second listener serving only GET /metrics (same
// credential), for a scrape network kept apart from client traffic. A plain
// node:http server — TLS with the main port's certificate when one is set —
// with no Fastify, routes or request log of its own. Under --workers each
// worker listens on it (node:cluster shares the port) and any worker answers
// for the whole gateway.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { answerScrape, type MetricsEndpoint } from './metrics-answer.js';

export interface MetricsServerOptions {
  host: string;
  port: number;
  tls: { certFile: string; keyFile: string } | undefined;
  headersTimeoutMs: number;
}

export interface MetricsServer {
  /** Returns the bound address, e.g. http://127.0.0.1:9464. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export function createMetricsServer(options: MetricsServerOptions, endpoint: MetricsEndpoint): MetricsServer {
  const handler: http.RequestListener = (request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found: GET /metrics\n');
      return;
    }
    void answerScrape(endpoint, request.headers.authorization).then((answer) => {
      response.writeHead(answer.status, answer.headers).end(request.method === 'HEAD' ? undefined : answer.body);
    });
  };
  const server = options.tls
    ? https.createServer({ cert: readFileSync(options.tls.certFile), key: readFileSync(options.tls.keyFile) }, handler)
    : http.createServer(handler);
  server.headersTimeout = options.headersTimeoutMs;
  return {
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port, options.host, () => {
          server.off('error', reject);
          const { port } = server.address() as AddressInfo;
          resolve(`${options.tls ? 'https' : 'http'}://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`);
        });
      }),
    close: () =>
      new Promise((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
