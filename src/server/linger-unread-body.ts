// An answer sent before its request's body was read whole (a body over GATEWAY_BODY_LIMIT_BYTES): Fastify
// (and the shims' intake, as it does) marks it `connection: close`, and Node then closes the connection as
// soon as the answer is written — while the client is still sending. The client's TCP stack answers the
// bytes it sends after that with a reset, and a client that gets the reset before it read the answer
// loses the answer: the SDKs report a connection error (EPIPE) instead of the 413, and retry the whole
// body. So the connection stays open instead: Node reads and throws away the rest of the body, and the
// connection is destroyed only if the body has not ended LINGER_MS after the answer (a lingering close,
// as nginx's: https://nginx.org/en/docs/http/ngx_http_core_module.html#lingering_close).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';

const LINGER_MS = 5_000;

/** True when the body is unread and the connection lingers (the caller must not mark it `connection: close`). */
export function lingerOnUnreadBody(request: IncomingMessage, response: ServerResponse): boolean {
  if (request.complete || request.httpVersionMajor !== 1) return false;
  response.once('finish', () => {
    if (request.complete) return;
    const socket = request.socket;
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    const done = () => clearTimeout(timer);
    request.once('end', done);
    request.once('close', done);
    // Node resumes an unread request once its answer is written; this makes sure it is read.
    request.resume();
  });
  return true;
}

/** For a Fastify scope: a body parser's failure answered before the body was read lingers instead of closing. */
export function lingerOnBodyFailures(fastify: FastifyInstance): void {
  fastify.addHook('onError', (request, reply, _error, done) => {
    if (reply.getHeader('connection') === 'close' && lingerOnUnreadBody(request.raw, reply.raw)) reply.removeHeader('connection');
    done();
  });
}
