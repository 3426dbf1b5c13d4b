// The virtual-key check the REST shims run first on every request, before
// the body is read: the key from `Authorization: Bearer`, `x-api-key`,
// `api-key`, `x-goog-api-key` or `x-google-api-key` (core/auth
// credentialFromHeaders) — or, where the surface allows it (Gemini's), the
// `?key=` query parameter — authenticated once and kept
// for the request's handlers. Before it, the in-flight cap
// (server/in-flight-limit.ts) refuses a request over it, so no work is spent
// on one. A failure reaches the shim's error handler, which answers in the
// shim's own error shape; a request whose key was known gets its request-log
// row there too, when the pipeline did not write one (refused-requests.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { credentialFromHeaders, nodeHeader, type KeyAuthenticator } from '../core/auth/authenticate-key.js';
import type { VirtualKeyRecord } from '../domain/virtual-key.js';
import type { InFlightLimit } from '../server/in-flight-limit.js';
import type { ShapeOfRequest, ShimRefusals } from './refused-requests.js';
import { lingerOnBodyFailures } from '../server/linger-unread-body.js';

export interface ShimAuthOptions {
  authenticator: KeyAuthenticator;
  /** Names the shim in the error for a handler reached without a key (a wiring bug). */
  surface: string;
  /** Runs before the key is checked, so what it sets is on the error answer too. */
  beforeAuth?: (request: FastifyRequest, reply: FastifyReply) => void;
  /** The process's cap on requests in flight; a request over it is refused (thrown) before its key is checked. */
  inFlight?: InFlightLimit;
  /** Also take the key from the `?key=` query parameter when no header carries one (the Gemini API's convention). */
  keyFromQuery?: boolean;
  /** Logs a request refused after its key was known; `shapeOf` says what the route's request would have been. */
  refusals?: { refusals: ShimRefusals; shapeOf: ShapeOfRequest };
}

const queryKey = (request: FastifyRequest): string | undefined => {
  const value = (request.query as Record<string, unknown> | undefined)?.['key'];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
};

/** Adds the onRequest hook to this plugin; returns the request's authenticated key, for its handlers. */
export function authenticateShimRequests(fastify: FastifyInstance, options: ShimAuthOptions): (request: FastifyRequest) => VirtualKeyRecord {
  const keys = new WeakMap<FastifyRequest, VirtualKeyRecord>();
  fastify.addHook('onRequest', async (request, reply) => {
    options.beforeAuth?.(request, reply);
    options.inFlight?.admit(reply.raw);
    const secret = credentialFromHeaders(request.headers, nodeHeader) ?? (options.keyFromQuery ? queryKey(request) : undefined);
    keys.set(request, await options.authenticator.authenticate(secret));
  });
  lingerOnBodyFailures(fastify);
  const { refusals } = options;
  if (refusals) {
    // Before the error handler answers: every failure of a route's handler, body parser or hooks after the key.
    fastify.addHook('onError', async (request, _reply, error) => {
      const key = keys.get(request);
      if (key) refusals.refusals.record(request, key, refusals.shapeOf(request), error);
    });
  }
  return (request) => {
    const key = keys.get(request);
    if (!key) throw new Error(`${options.surface} route reached without an authenticated key`);
    return key;
  };
}
