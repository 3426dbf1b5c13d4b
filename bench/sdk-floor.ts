// A second floor: the parts the gateway is required to use and nothing else —
// a Fastify route that parses the JSON body, calls the upstream through the
// official `openai` SDK on the gateway's own upstream fetch (node:http, keep-alive),
// and answers the SDK's result as JSON (a stream: each chunk re-serialised as
// its own SSE event). No auth, routing, canonical model, limits, cache or
// request log. The gap between this and the bare proxy is
// what the mandated stack costs; the gap between this and the gateway is the
// gateway's own logic.
//
// BENCH_UPSTREAM=http://127.0.0.1:<port>; prints `{"ready":true,"port":N}`.
import './child-guard.js';
import Fastify from 'fastify';
import OpenAI from 'openai';
import type { AddressInfo } from 'node:net';
import { createUpstreamFetch } from '../src/providers/shared/upstream-fetch.js';

const upstream = process.env['BENCH_UPSTREAM'] ?? 'http://127.0.0.1:1';
const port = Number(process.env['BENCH_PORT'] ?? '0');

const sdk = new OpenAI({
  apiKey: 'sk-bench-upstream-not-a-real-key',
  baseURL: `${upstream}/v1`,
  maxRetries: 0,
  organization: null,
  project: null,
  webhookSecret: null,
  logLevel: 'off',
  fetch: createUpstreamFetch({ body: 'node', timeouts: 'default' }),
});

const app = Fastify({ logger: false });
app.post('/v1/chat/completions', async (request, reply) => {
  const body = request.body as OpenAI.ChatCompletionCreateParams;
  if (!body.stream) return sdk.chat.completions.create({ ...body, stream: false });
  // Streams: each SDK chunk re-serialised and written as its own SSE event, as a gateway must.
  const stream = await sdk.chat.completions.create({ ...body, stream: true });
  reply.hijack();
  reply.raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  for await (const chunk of stream) reply.raw.write(`data: ${JSON.stringify(chunk)}\n\n`);
  reply.raw.end('data: [DONE]\n\n');
  return reply;
});

const address = await app.listen({ port, host: '127.0.0.1' });
void address;
process.stdout.write(`${JSON.stringify({ ready: true, port: (app.server.address() as AddressInfo).port })}\n`);

process.on('SIGTERM', () => {
  void app.close().finally(() => process.exit(0));
});
