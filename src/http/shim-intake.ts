// The REST shims' hottest routes served before Fastify: OpenAI's chat completions
// (openai/chat-intake.ts) and Anthropic's messages (anthropic/messages-intake.ts). Fastify's
// routing, its request and reply objects, its hooks and its body parser cost a chat request a
// measured share of its CPU (docs/performance.md, "The OpenAI chat route before Fastify"). So the
// server's request handler offers each request here first, as it does to the RPC fast path's intake
// (rpc/fast-path/fast-rpc-intake.ts); a request this takes is served in the order and with the
// answers of its Fastify route: what Fastify gives a request (server/request-identity.ts), the
// headers the surface sets before the key is checked, the in-flight cap and the virtual key before
// the body is read (shim-auth.ts), the body as Fastify's JSON parser reads it (json-body.ts), the
// answer by the same function the Fastify route calls, and every failure through the surface's
// error mapping in the same JSON shape. What this does not take goes to Fastify unchanged: other
// methods and paths, a query string, HTTP/2, a content type other than plain application/json, a
// request with an Origin when CORS is configured, every request once shutdown has begun; and with
// debug request logging the intake is not created at all (Fastify logs each request).
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { credentialFromHeaders, nodeHeader, type KeyAuthenticator } from '../core/auth/authenticate-key.js';
import type { VirtualKeyRecord } from '../domain/virtual-key.js';
import type { InFlightLimit } from '../server/in-flight-limit.js';
import type { ContextSource } from '../server/request-context-from.js';
import type { IdentifyRequest, NodeRequest, NodeServerResponse } from '../server/request-identity.js';
import { isPlainJsonContentType, readJsonBody } from './json-body.js';
import type { MappedError } from './shim-errors.js';
import type { ShimLog, ShimReply } from './shim-reply.js';
import { lingerOnUnreadBody } from '../server/linger-unread-body.js';

/** The request as a route's answer reads it: its id, address, headers and span (the request context), its reply and logger. */
export interface ShimExchange extends ContextSource {
  reply: ShimReply;
  log: ShimLog;
}

/** A JSON answer, for the caller (Fastify's route or the intake) to send with its headers. */
export interface JsonAnswer<Body> {
  headers: Record<string, string>;
  body: Body;
}

/** One route the intake serves; `State` is what its answer learns that its error mapping needs (Anthropic's system offset). */
export interface ShimIntakeRoute<State> {
  /** The Fastify route's path (the server span's route). */
  route: string;
  /** The paths that reach it (an OpenAI path also answers without `/v1`: server/unprefixed-paths.ts). */
  paths: readonly string[];
  /** Names the surface in the log line of an unexpected failure, as its Fastify error handler does. */
  surface: string;
  /** Headers every answer carries, set before the key is checked (Anthropic's request-id). */
  headersFor?(id: string): Record<string, string>;
  newState(): State;
  /** Undefined once a stream has been written, else the JSON answer to send. */
  answer(key: VirtualKeyRecord, body: unknown, exchange: ShimExchange, state: State): Promise<JsonAnswer<unknown> | undefined>;
  mapError(error: unknown, id: string, state: State): MappedError<unknown>;
  /** Logs a request refused after its key was known, unless the pipeline did (as its Fastify route's refusals). */
  refused?(source: ContextSource, key: VirtualKeyRecord, body: unknown, error: unknown): void;
}

export interface ShimIntakeOptions {
  /** Each route's own state type is hidden here (its methods take it back: method parameters are bivariant). */
  routes: ReadonlyArray<ShimIntakeRoute<unknown>>;
  identify: IdentifyRequest;
  inFlight: InFlightLimit;
  authenticator: KeyAuthenticator;
  /** Fastify's bodyLimit (GATEWAY_BODY_LIMIT_BYTES). */
  bodyLimit: number;
  /** CORS is configured: a request with an Origin goes through Fastify, whose CORS plugin answers it. */
  cors: boolean;
  /** The server's logger; each line gets the request's id as Fastify's request logger has it. */
  log: ShimLog;
}

export interface ShimIntake {
  /** Serves the request when it is one of the routes' and plain JSON over HTTP/1.1; false: Fastify's to serve. */
  take(request: NodeRequest, response: NodeServerResponse): boolean;
  /** From now on every request goes to Fastify (shutdown has begun). */
  stop(): void;
}

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** The reply as the answering code sees it (shim-reply.ts): hijacked once a stream writes its own response. */
class IntakeReply implements ShimReply {
  sent = false;
  /** A body that could not be read whole leaves unread bytes on the connection: they are read and dropped (linger-unread-body.ts), or the connection closes after the answer, as Fastify does. */
  closeConnection = false;

  constructor(
    readonly raw: ServerResponse,
    private readonly headers: OutgoingHttpHeaders,
  ) {}

  hijack(): void {
    this.sent = true;
  }

  getHeaders(): OutgoingHttpHeaders {
    return this.headers;
  }

  /** As Fastify's reply.send(object) without a schema: JSON.stringify, its content type and length. */
  sendJson(status: number, headers: Record<string, string>, body: unknown): void {
    this.sent = true;
    const text = JSON.stringify(body);
    const all: OutgoingHttpHeaders = { ...this.headers, ...headers, 'content-type': JSON_CONTENT_TYPE, 'content-length': Buffer.byteLength(text) };
    if (this.closeConnection && !lingerOnUnreadBody(this.raw.req, this.raw)) all['connection'] = 'close';
    this.raw.writeHead(status, all);
    this.raw.end(text);
  }
}

/** Fastify's request logger: each line carries the request's id (an object, not closures made per request). */
class RequestLog implements ShimLog {
  constructor(
    private readonly log: ShimLog,
    private readonly id: string,
  ) {}

  error(details: object, message: string): void {
    this.log.error({ requestId: this.id, ...details }, message);
  }

  info(details: object, message: string): void {
    this.log.info({ requestId: this.id, ...details }, message);
  }
}

export function createShimIntake(options: ShimIntakeOptions): ShimIntake {
  const { identify, inFlight, authenticator, bodyLimit, log } = options;
  const byPath = new Map<string, ShimIntakeRoute<unknown>>();
  for (const route of options.routes) for (const path of route.paths) byPath.set(path, route);
  let stopped = false;

  async function serve(route: ShimIntakeRoute<unknown>, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const { id, ip, replyHeaders, traceSpan } = identify(request, response, route.route);
    if (route.headersFor) Object.assign(replyHeaders, route.headersFor(id));
    const requestLog = new RequestLog(log, id);
    const reply = new IntakeReply(response, replyHeaders);
    const state = route.newState();
    let key: VirtualKeyRecord | undefined;
    let body: unknown;
    try {
      // shim-auth.ts's order: the cap, then the key, both before the body is read.
      inFlight.admit(response);
      key = await authenticator.authenticate(credentialFromHeaders(request.headers, nodeHeader));
      try {
        const read = readJsonBody(request, bodyLimit);
        body = read instanceof Promise ? await read : read;
      } catch (error) {
        reply.closeConnection = true;
        throw error;
      }
      const answer = await route.answer(key, body, { id, ip, headers: request.headers, traceSpan, raw: request, reply, log: requestLog }, state);
      if (answer && !response.destroyed) reply.sendJson(200, answer.headers, answer.body);
    } catch (error) {
      if (reply.sent) {
        // What Fastify does with a handler that fails after its reply was taken over: log it; the response is cut.
        requestLog.error({ err: error }, 'a request failed after its answer began');
        if (!response.destroyed) response.destroy();
        return;
      }
      if (key) route.refused?.({ id, ip, headers: request.headers, traceSpan, raw: request }, key, body, error);
      // The surface's error handler (shim-errors.ts), worded by its map-error.ts.
      const mapped = route.mapError(error, id, state);
      if (mapped.unexpected) requestLog.error({ err: error }, `unexpected error on the ${route.surface} surface`);
      if (response.destroyed) return;
      reply.sendJson(mapped.status, mapped.headers, mapped.body);
    }
  }

  return {
    take(request, response) {
      if (stopped || request.method !== 'POST' || request.httpVersionMajor !== 1) return false;
      const route = byPath.get(request.url ?? '');
      if (route === undefined) return false;
      const headers = request.headers;
      if (options.cors && headers.origin !== undefined) return false;
      if (!isPlainJsonContentType(headers['content-type'])) return false;
      serve(route, request as IncomingMessage, response as ServerResponse).catch((error: unknown) => {
        // Answering itself failed (the connection broke mid-write): nothing left to answer on.
        log.error({ err: error, path: request.url }, 'a request could not be answered');
        if (!response.destroyed) response.destroy();
      });
      return true;
    },
    stop() {
      stopped = true;
    },
  };
}
