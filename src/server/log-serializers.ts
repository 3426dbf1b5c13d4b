// How a request appears on Fastify's per-request log lines (debug, server/request-logging.ts): its
// method, host and URL, with every query value masked but those of ALLOWED_QUERY_VALUES — a query
// value may be a credential (the Gemini API's `?key=`, or any token a client puts there) and a key is
// never logged. Not the client's address or port: the logs never carry them (README "Logs").
import type { FastifyRequest } from 'fastify';

/** Query parameters whose values are the API's own switches, kept because they change the answer (Gemini's `alt=sse`). */
const ALLOWED_QUERY_VALUES = new Set(['alt']);
const REDACTED = '[Redacted]';

/** The URL with every query value but an allowed parameter's replaced by `[Redacted]` (a part without `=` is a value). */
export function redactQueryValues(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart < 0 || queryStart === url.length - 1) return url;
  const parameters = url
    .slice(queryStart + 1)
    .split('&')
    .map((part) => {
      const equals = part.indexOf('=');
      if (equals < 0) return part.length > 0 ? REDACTED : part;
      const name = part.slice(0, equals);
      return ALLOWED_QUERY_VALUES.has(name) ? part : `${name}=${REDACTED}`;
    });
  return `${url.slice(0, queryStart)}?${parameters.join('&')}`;
}

export function serializeRequest(request: FastifyRequest): Record<string, unknown> {
  return { method: request.method, url: redactQueryValues(request.url), host: request.host };
}
