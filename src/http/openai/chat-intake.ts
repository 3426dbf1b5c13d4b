// POST /v1/chat/completions (and /chat/completions) served before Fastify. Fastify's routing, its
// request and reply objects, its hooks and its body parser cost a chat request a measured share of
// its CPU (docs/performance.md, "The OpenAI chat route before Fastify"), and chat is the gateway's
// most called route. So the server's request handler offers each request here first, as it does to
// the RPC fast path's intake (rpc/fast-path/fast-rpc-intake.ts); a request this takes is served in
// the order and with the answers of the Fastify route in openai-surface.ts: what Fastify gives a
// request (server/request-identity.ts), the in-flight cap and the virtual key before the body is
// read (shim-auth.ts), the body as Fastify's JSON parser reads it (../json-body.ts), the same answer
// (chat-answer.ts), and every failure through the same error mapping (map-error.ts) in the same
// JSON shape. What this does not take goes to Fastify unchanged: other methods and paths, a query
// string, HTTP/2, a content type other than plain application/json, a request with an Origin when
// CORS is configured, every request once shutdown has begun; and with debug request logging the
// intake is not created at all (Fastify logs each request).
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { credentialFromHeaders, nodeHeader, type KeyAuthenticator } from '../../core/auth/authenticate-key.js';
import type { GovernedCompletion } from '../../core/governance/governed-completion.js';
import type { InFlightLimit } from '../../server/in-flight-limit.js';
import type { IdentifyRequest, NodeRequest, NodeServerResponse } from '../../server/request-identity.js';
import { isPlainJsonContentType, readJsonBody } from '../json-body.js';
import type { ShimLog, ShimReply } from '../shim-reply.js';
import { answerChat } from './chat-answer.js';
import { mapError } from './map-error.js';

export interface ChatIntakeOptions {
  identify: IdentifyRequest;
  inFlight: InFlightLimit;
  authenticator: KeyAuthenticator;
  completion: GovernedCompletion;
  /** Fastify's bodyLimit (GATEWAY_BODY_LIMIT_BYTES). */
  bodyLimit: number;
  /** CORS is configured: a request with an Origin goes through Fastify, whose CORS plugin answers it. */
  cors: boolean;
  /** The server's logger; each line gets the request's id as Fastify's request logger has it. */
  log: ShimLog;
}

export interface ChatIntake {
  /** Serves the request when it is a chat completion this serves; false: Fastify's to serve. */
  take(request: NodeRequest, response: NodeServerResponse): boolean;
  /** From now on every request goes to Fastify (shutdown has begun). */
  stop(): void;
}

const ROUTE = '/v1/chat/completions';
// The unprefixed path answers too (server/unprefixed-paths.ts).
const PATHS: ReadonlySet<string> = new Set([ROUTE, '/chat/completions']);
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** The reply as the answering code sees it (shim-reply.ts): hijacked once a stream writes its own response. */
class IntakeReply implements ShimReply {
  sent = false;
  /** A body that could not be read whole leaves unread bytes on the connection: close it after the answer, as Fastify does. */
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
    if (this.closeConnection) all['connection'] = 'close';
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
    this.log.error({ reqId: this.id, ...details }, message);
  }

  info(details: object, message: string): void {
    this.log.info({ reqId: this.id, ...details }, message);
  }
}

export function createChatIntake(options: ChatIntakeOptions): ChatIntake {
  const { identify, inFlight, authenticator, completion, bodyLimit, log } = options;
  let stopped = false;

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const { id, ip, replyHeaders, traceSpan } = identify(request, response, ROUTE);
    const requestLog = new RequestLog(log, id);
    const reply = new IntakeReply(response, replyHeaders);
    try {
      // shim-auth.ts's order: the cap, then the key, both before the body is read.
      inFlight.admit(response);
      const key = await authenticator.authenticate(credentialFromHeaders(request.headers, nodeHeader));
      let body: unknown;
      try {
        body = await readJsonBody(request, bodyLimit);
      } catch (error) {
        reply.closeConnection = true;
        throw error;
      }
      const answer = await answerChat(completion, key, body, { id, ip, headers: request.headers, traceSpan, reply, log: requestLog });
      if (answer && !response.destroyed) reply.sendJson(200, answer.headers, answer.body);
    } catch (error) {
      if (reply.sent) {
        // What Fastify does with a handler that fails after its reply was taken over: log it; the response is cut.
        requestLog.error({ err: error }, 'a chat request failed after its answer began');
        if (!response.destroyed) response.destroy();
        return;
      }
      // The shim's error handler (shim-errors.ts), worded by map-error.ts.
      const mapped = mapError(error, { bodyLimit });
      if (mapped.unexpected) requestLog.error({ err: error }, 'unexpected error on the OpenAI surface');
      if (response.destroyed) return;
      reply.sendJson(mapped.status, mapped.headers, mapped.body);
    }
  }

  return {
    take(request, response) {
      if (stopped || request.method !== 'POST' || request.httpVersionMajor !== 1) return false;
      if (!PATHS.has(request.url ?? '')) return false;
      const headers = request.headers;
      if (options.cors && headers.origin !== undefined) return false;
      if (!isPlainJsonContentType(headers['content-type'])) return false;
      serve(request as IncomingMessage, response as ServerResponse).catch((error: unknown) => {
        // Answering itself failed (the connection broke mid-write): nothing left to answer on.
        log.error({ err: error, path: request.url }, 'a chat request could not be answered');
        if (!response.destroyed) response.destroy();
      });
      return true;
    },
    stop() {
      stopped = true;
    },
  };
}
