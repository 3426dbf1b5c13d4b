// How a request appears on Fastify's per-request log lines: Fastify's own
// fields, with the URL's `key` query parameter (the Gemini API's way to send
// a key, accepted on its paths) masked, since a key is never logged.
import type { FastifyRequest } from 'fastify';

const KEY_PARAMETER = /([?&]key=)[^&#]*/gi;

/** The URL with any `key=` query value replaced by `[Redacted]`. */
export const redactKeyParameter = (url: string): string => (url.includes('key=') ? url.replace(KEY_PARAMETER, '$1[Redacted]') : url);

export function serializeRequest(request: FastifyRequest): Record<string, unknown> {
  return {
    method: request.method,
    url: redactKeyParameter(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}
