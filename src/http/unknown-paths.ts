// A path no route serves, answered in the error shape of the API its client speaks, so that the
// official SDKs raise their not-found error with a message saying what was asked: a Gemini path
// (`/v1beta/…`, `/v1alpha/…`) in Google's shape, a request carrying `anthropic-version` in Anthropic's,
// any other `/v1/…` path in OpenAI's (its own answer to an unknown URL is a 404 invalid_request_error
// "Invalid URL (METHOD /path)"). Anything else gets Fastify's own not-found body, as before.
import type { FastifyReply, FastifyRequest } from 'fastify';

export function answerUnknownPath(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const path = request.url.split('?')[0] ?? '';
  const what = `${request.method} ${path}`;
  if (/^\/v1(alpha|beta)\//.test(path)) {
    return reply.code(404).send({ error: { code: 404, message: `${what} is not served by this gateway.`, status: 'NOT_FOUND' } });
  }
  if (request.headers['anthropic-version'] !== undefined) {
    return reply.code(404).send({ type: 'error', error: { type: 'not_found_error', message: `${what} is not served by this gateway.` } });
  }
  if (path.startsWith('/v1/')) {
    return reply.code(404).send({ error: { message: `Invalid URL (${what}): not served by this gateway.`, type: 'invalid_request_error', param: null, code: null } });
  }
  return reply.code(404).send({ message: `Route ${request.method}:${request.url} not found`, error: 'Not Found', statusCode: 404 });
}
