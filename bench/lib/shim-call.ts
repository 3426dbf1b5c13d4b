// One chat call through the gateway's OpenAI shim with a `node:http` client (no client library, as
// the raw RPC clients and autocannon): the answer read whole; a stream's first chunk is the
// upstream's first text ("FIRST"), as the bench's stream client and the raw gRPC client take it.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { CallTiming } from './rpc-load.js';

export function shimCall(agent: http.Agent, url: string, headers: Record<string, string>, body: string): Promise<CallTiming> {
  return new Promise((resolve, reject) => {
    const startedAt = performance.now();
    const streamed = body.includes('"stream":true');
    const request = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', ...headers } }, (response) => {
      let firstMs = Number.NaN;
      response.on('data', (part: Buffer) => {
        if (Number.isNaN(firstMs) && (!streamed || part.includes('FIRST'))) firstMs = performance.now() - startedAt;
      });
      response.on('end', () => (response.statusCode === 200 ? resolve({ firstMs, totalMs: performance.now() - startedAt }) : reject(new Error(`status ${response.statusCode}`))));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}
