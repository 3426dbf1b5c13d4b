// What both REST shims share in answering a failure: the mapped answer's
// shape, the error handler that sends it, the headers a GatewayError carries
// (retry-after, x-should-retry, x-ratelimit-*), and the recognition of
// Fastify's own failures before a handler runs (body parsing, size, media
// type). Each shim's map-error.ts words the answer in its API's error body.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { GatewayError } from '../domain/gateway-error.js';
import { isBudgetRefusal, isRateLimitRefusal } from '../core/limits/limit-errors.js';
import { rateLimitHeaders } from '../core/limits/rate-limit-headers.js';
import { attemptsBehind } from '../core/routing/failed-attempts.js';
import { attemptsHeader } from '../server/attempts-header.js';

export interface MappedError<Body> {
  status: number;
  headers: Record<string, string>;
  body: Body;
  /** True for failures the gateway should log as its own errors. */
  unexpected: boolean;
}

/**
 * Everything that fails on the plugin's routes — body parsing, size, auth,
 * the core — is answered with `map`'s status, headers and body; never a bare 500.
 */
export function setShimErrorHandler<Body>(
  fastify: FastifyInstance,
  surface: string,
  map: (error: unknown, request: FastifyRequest) => MappedError<Body>,
): void {
  fastify.setErrorHandler(async (error, request, reply) => {
    const mapped = map(error, request);
    if (mapped.unexpected) request.log.error({ err: error }, `unexpected error on the ${surface} surface`);
    if (reply.raw.destroyed) {
      // The client is gone (a cancellation, usually): nobody to answer.
      reply.hijack();
      return;
    }
    return reply.code(mapped.status).headers(mapped.headers).send(mapped.body);
  });
}

/** The failure came from a provider (it names one, or the upstream's status), not from the gateway or the client. */
export const fromUpstream = (error: GatewayError): boolean => error.provider !== undefined || error.upstreamStatus !== undefined;

/**
 * retry-after (whole seconds); x-should-retry (read by the openai and Anthropic SDKs): for the key's budget
 * refusal its own retryable flag (true only when requests in flight hold what is missing), for its rate-limit
 * refusal too (true after retry-after, false for a request larger than the whole limit), else false when
 * retrying cannot help, and for an upstream failure the taxonomy's retryable flag (docs/errors.md); a
 * rate-limit refusal's x-ratelimit-*; and x-gateway-attempts when upstream calls were made before it.
 */
export function gatewayErrorHeaders(error: GatewayError, retryCannotHelp: boolean): Record<string, string> {
  const headers: Record<string, string> = {};
  const attempts = attemptsBehind(error);
  if (attempts.length > 0) headers['x-gateway-attempts'] = attemptsHeader(attempts);
  if (error.retryAfterSeconds !== undefined) headers['retry-after'] = String(Math.max(0, Math.ceil(error.retryAfterSeconds)));
  if (isBudgetRefusal(error) || isRateLimitRefusal(error)) headers['x-should-retry'] = String(error.retryable);
  else if (retryCannotHelp) headers['x-should-retry'] = 'false';
  else if (fromUpstream(error)) headers['x-should-retry'] = String(error.retryable);
  if (isRateLimitRefusal(error)) Object.assign(headers, rateLimitHeaders(error.state));
  return headers;
}

export type FrameworkReason = 'invalid_json' | 'empty_body' | 'body_too_large' | 'media_type' | 'content_length';

export type FrameworkFailure =
  | { reason: FrameworkReason; status: number }
  /** Any other client error Fastify raised (its messages carry no secrets). */
  | { reason: 'client_error'; status: number; message: string };

const BY_FASTIFY_CODE: Record<string, { reason: FrameworkReason; status: number }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { reason: 'invalid_json', status: 400 },
  FST_ERR_CTP_EMPTY_JSON_BODY: { reason: 'empty_body', status: 400 },
  FST_ERR_CTP_BODY_TOO_LARGE: { reason: 'body_too_large', status: 413 },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { reason: 'media_type', status: 415 },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { reason: 'content_length', status: 400 },
};

/** Fastify's own failures before the handler runs, or undefined for anything else. */
export function frameworkFailure(error: unknown): FrameworkFailure | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  if (typeof code === 'string' && Object.hasOwn(BY_FASTIFY_CODE, code)) return BY_FASTIFY_CODE[code];
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    return { reason: 'client_error', status: statusCode, message: error instanceof Error ? error.message : 'Invalid request.' };
  }
  return undefined;
}
