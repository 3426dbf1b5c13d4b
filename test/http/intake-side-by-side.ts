// What the tests of the intakes before Fastify (src/http/shim-intake.ts) share: which requests a
// Fastify route handler ran for, seen through Fastify's own diagnostics channel (a request its
// route handles publishes on `tracing:fastify.request.handler:start`); one request on a keep-alive
// connection of its own; and an answer with what differs per request (ids, timestamps, the Date
// header, latency figures) blanked, so two answers to the same request compare equal.
import diagnostics from 'node:diagnostics_channel';
import http from 'node:http';
import { afterAll, beforeAll } from 'vitest';
import type { ProviderFamily } from '../fixtures/scenarios.js';
import { startShimHarness, type ShimHarness } from './shim-harness.js';

/** The URL of every request a Fastify route handler ran for, while subscribed. */
export const fastifyHandled: string[] = [];
const handlerChannel = diagnostics.tracingChannel('fastify.request.handler');
const onHandlerStart = (message: unknown) => fastifyHandled.push(String((message as { request: { url: string } }).request.url));
const noop = () => undefined;
const subscribers = { start: onHandlerStart, end: noop, asyncStart: noop, asyncEnd: noop, error: noop };

export const watchFastifyHandlers = (): void => handlerChannel.subscribe(subscribers);
export const unwatchFastifyHandlers = (): void => void handlerChannel.unsubscribe(subscribers);

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request on a keep-alive connection of its own (the answer says whether the server keeps it or closes it). */
export function send(url: string, body: string | Buffer | undefined, headers: Record<string, string>): Promise<Answer> {
  const agent = new http.Agent({ keepAlive: true });
  return new Promise<Answer>((resolve, reject) => {
    const request = http.request(url, { method: 'POST', agent, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  }).finally(() => agent.destroy());
}

export function comparable(answer: Answer): object {
  const headers = { ...answer.headers };
  for (const name of ['date', 'x-request-id', 'request-id', 'keep-alive']) delete headers[name];
  if (typeof headers['x-gateway-attempts'] === 'string') headers['x-gateway-attempts'] = headers['x-gateway-attempts'].replace(/\d+ms/g, 'Nms');
  const body = answer.body
    .replace(/"(id|system_fingerprint|request_id)":"[^"]*"/g, '"$1":"…"')
    .replace(/"created":\d+/g, '"created":0');
  return { status: answer.status, headers, body };
}

/** The same request to `path` (the intake) and to `path?via=fastify` (a query string: Fastify's route). */
export async function sideBySide(base: string, path: string, body: string | Buffer | undefined, headers: Record<string, string>): Promise<{ intake: Answer; fastify: Answer; fastifyHandlers: string[] }> {
  const before = fastifyHandled.length;
  const intake = await send(`${base}${path}`, body, headers);
  const fastify = await send(`${base}${path}?via=fastify`, body, headers);
  return { intake, fastify, fastifyHandlers: fastifyHandled.slice(before) };
}

/**
 * The file's gateway (one surface, this body limit, the production log level) with Fastify's route
 * handlers watched, started before its tests and stopped after them; read it through the function.
 */
export function intakeHarness(family: ProviderFamily, bodyLimit: number): () => ShimHarness {
  let harness: ShimHarness | undefined;
  beforeAll(async () => {
    watchFastifyHandlers();
    harness = await startShimHarness([family], { GATEWAY_BODY_LIMIT_BYTES: String(bodyLimit) });
  });
  afterAll(async () => {
    unwatchFastifyHandlers();
    await harness?.close();
  });
  return () => {
    if (!harness) throw new Error('the intake harness is started by beforeAll');
    return harness;
  };
}
