// A second floor: the parts the gateway is required to use and nothing else —
// a Fastify route that parses the JSON body, calls the upstream through the
// official `openai` SDK on the gateway's own upstream fetch (undici, keep-alive),
// and answers the SDK's result as JSON. No auth, routing, canonical model,
// limits, cache or request log. The gap between this and the bare proxy is
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
  if (body.stream) {
    // Streams are measured against the gateway only through the bare proxy; keep this floor to JSON.
    return reply.code(400).send({ error: { message: 'the SDK floor answers non-streaming requests only' } });
  }
  return sdk.chat.completions.create({ ...body, stream: false });
});

const address = await app.listen({ port, host: '127.0.0.1' });
void address;
process.stdout.write(`${JSON.stringify({ ready: true, port: (app.server.address() as AddressInfo).port })}\n`);

process.on('SIGTERM', () => {
  void app.close().finally(() => process.exit(0));
});
