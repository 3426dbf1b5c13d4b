// The `fetch` the provider SDKs are given: `node:http` on a shared keep-alive
// agent per scheme, answered with a small Response-shaped object whose body is
// the response stream itself. Measured on the benchmark (bench/README.md): the
// global fetch — WHATWG Request/Response, web streams, AbortSignal plumbing —
// cost more CPU per upstream call than everything else the gateway does, and
// undici (whose request() this used before) costs ~6 MB more resident memory
// than node:http — its HTTP parser is a WebAssembly module — for no less CPU.
// The SDKs only need status, headers, json()/text() and a body they can iterate.
//
// Same behaviour as the global fetch where a provider call can tell:
// - a failure before the response rejects with TypeError("fetch failed") and
//   the socket error as its cause; an abort rejects with the signal's reason;
// - a compressed body (content-encoding gzip, deflate or br) is decoded (no
//   accept-encoding is sent, so upstreams normally answer uncompressed);
// - the caller's AbortSignal aborts the request and a body being read — the
//   SDK's (`init.signal`) and the gateway's own, passed beside it
//   (caller-signal.ts);
// - anything the fast path does not handle (a Request object, a stream or
//   form body) goes to the global fetch.
// Unlike the global fetch, a redirect (any 3xx) is never followed, here nor
// through the global fetch: it rejects with an UpstreamRedirect naming the
// location's origin (upstream-redirect.ts says why).
// Timeouts: `default` fails a call whose upstream sends nothing for 300 s (the
// global fetch's headers and body timeouts); `none` has none (what
// @google/genai asks of the global dispatcher); the gateway's own deadlines
// abort through the signal.
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { pipeline, type Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { agentFor } from './upstream-agents.js';
import { callerSignalOf } from './caller-signal.js';
import { UpstreamResponse, type UpstreamBodyKind } from './upstream-response.js';
import { UpstreamResponseHeaders } from './upstream-response-headers.js';
import { isRedirectStatus, upstreamRedirect } from './upstream-redirect.js';

export { closeUpstreamAgents } from './upstream-agents.js';

export type UpstreamFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface UpstreamFetchOptions {
  /**
   * `node`: `body` is the Node Readable (async-iterable: the openai and
   * Anthropic SDKs read it so); `web`: `body` is a WHATWG ReadableStream made
   * on first access (@google/genai calls getReader()).
   */
  body: UpstreamBodyKind;
  timeouts: 'default' | 'none';
  /** With `default` timeouts: the idle time that fails a call (tests shorten it). */
  idleTimeoutMs?: number;
}

/** As the global fetch's default headers and body timeouts. */
const DEFAULT_IDLE_TIMEOUT_MS = 300_000;

/** Where a request goes, parsed once per URL string (the SDKs call a handful of distinct URLs). */
interface RequestTarget {
  href: string;
  protocol: string;
  hostname: string;
  port: string;
  path: string;
  host: string;
}

const targets = new Map<string, RequestTarget>();
const TARGETS_MAX = 256;

function targetOf(input: string | URL): RequestTarget {
  const key = typeof input === 'string' ? input : input.href;
  let target = targets.get(key);
  if (!target) {
    const url = typeof input === 'string' ? new URL(input) : input;
    // An IPv6 literal is bracketed in a URL, not in a socket address.
    const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    target = { href: url.href, protocol: url.protocol, hostname, port: url.port, path: `${url.pathname}${url.search}`, host: url.host };
    if (targets.size >= TARGETS_MAX) targets.clear();
    targets.set(key, target);
  }
  return target;
}

const BODILESS_METHODS = new Set(['GET', 'HEAD']);

/**
 * A pooled socket the upstream closed while it sat idle fails the next request written on it
 * (ECONNRESET, EPIPE) before any byte of an answer. Whether the upstream read and acted on that
 * request cannot be known (an upstream that takes a request and drops the connection looks the
 * same), so only an idempotent request (RFC 9110 §9.2.2: the model listing's GET) is sent once more,
 * on the pool's next socket or a new one — never after answer bytes arrived, never on a socket opened
 * for this request, never twice. A completion's POST fails as a broken connection: the dispatcher
 * then retries it or not by the route's settings, and counts it as an attempt (README: "Routes: one name, several targets, failover").
 */
const STALE_SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE']);
const IDEMPOTENT_METHODS = BODILESS_METHODS;

function send(target: RequestTarget, init: RequestInit, body: string | Uint8Array | null, options: UpstreamFetchOptions, retried = false): Promise<IncomingMessage> {
  // Not a promise executor: a function made per call loses its optimized code at every full
  // garbage collection (docs/performance.md, "Closures made per request").
  const settle = Promise.withResolvers<IncomingMessage>();
  try {
    new UpstreamExchange(settle, target, init, body, options, retried).start();
  } catch (error) {
    settle.reject(error);
  }
  return settle.promise;
}

/**
 * One upstream request and its answer. Either signal — the SDK's (`init.signal`) or the gateway's
 * (caller-signal.ts) — aborts the request and a body being read, until the exchange is over. Not
 * node:http's own `signal` option: that one stays armed after the response has ended, and the openai
 * SDK aborts its controller when it stops reading a stream early (an error event, no [DONE]); by then
 * the socket may be back in the keep-alive pool, where node:http destroys it with an 'error' that
 * nothing listens to — an uncaught exception in the gateway. Methods of a class rather than closures
 * made per call (docs/performance.md, "Closures made per request"); the signals call the exchange
 * itself, an EventTarget listener object (handleEvent), so one listener serves both.
 */
class UpstreamExchange {
  private readonly signal: AbortSignal | undefined;
  private readonly callerSignal: AbortSignal | undefined;
  private answer: IncomingMessage | undefined = undefined;
  private outgoing: http.ClientRequest | undefined = undefined;

  constructor(
    private readonly settle: PromiseWithResolvers<IncomingMessage>,
    private readonly target: RequestTarget,
    private readonly init: RequestInit,
    private readonly body: string | Uint8Array | null,
    private readonly options: UpstreamFetchOptions,
    private readonly retried: boolean,
  ) {
    this.signal = init.signal ?? undefined;
    this.callerSignal = callerSignalOf(init);
  }

  start(): void {
    const { target, init, body, options, signal, callerSignal } = this;
    const aborted = signal?.aborted ? signal : callerSignal?.aborted ? callerSignal : undefined;
    if (aborted) {
      this.settle.reject(aborted.reason);
      return;
    }
    const method = (init.method ?? 'GET').toUpperCase();
    const transport = target.protocol === 'https:' ? https : http;
    const outgoing = transport.request(
      {
        protocol: target.protocol,
        hostname: target.hostname,
        ...(target.port ? { port: target.port } : {}),
        path: target.path,
        method,
        headers: requestHeaders(init.headers, target, method, body),
        agent: agentFor(target.protocol),
      },
      this.onResponse.bind(this),
    );
    this.outgoing = outgoing;
    outgoing.once('error', this.onError.bind(this));
    if (signal || callerSignal) {
      signal?.addEventListener('abort', this);
      callerSignal?.addEventListener('abort', this);
      // 'close' on the request comes once the response has ended or either side failed.
      outgoing.once('close', this.disarm.bind(this));
    }
    // Socket inactivity, before and after the headers: fails the request, or the body being read.
    if (options.timeouts === 'default') outgoing.setTimeout(options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS, this.onIdle.bind(this));
    outgoing.end(body ?? undefined);
  }

  private onResponse(incoming: IncomingMessage): void {
    this.answer = incoming;
    this.settle.resolve(incoming);
  }

  private onError(error: NodeJS.ErrnoException): void {
    const { signal, callerSignal, settle } = this;
    if (signal?.aborted) settle.reject(signal.reason);
    else if (callerSignal?.aborted) settle.reject(callerSignal.reason);
    else if (this.mayResend(error)) {
      settle.resolve(send(this.target, this.init, this.body, this.options, true));
    } else settle.reject(new TypeError('fetch failed', { cause: error }));
  }

  /** A stale pooled socket, an idempotent request, no answer byte yet, not re-sent before (STALE_SOCKET_CODES). */
  private mayResend(error: NodeJS.ErrnoException): boolean {
    if (this.retried || this.answer !== undefined || !this.outgoing?.reusedSocket || !STALE_SOCKET_CODES.has(error.code ?? '')) return false;
    return IDEMPOTENT_METHODS.has(this.outgoing.method);
  }

  /** Either signal's `abort`. */
  handleEvent(): void {
    const reason = new DOMException('This operation was aborted', 'AbortError');
    const response = this.answer;
    // (An IncomingMessage emits the error only to listeners: nobody reading is no crash.)
    response?.destroy(reason);
    // A response received whole leaves the socket to the pool: only a request still under way is cut.
    if (!response?.complete) this.outgoing?.destroy(reason);
  }

  private disarm(): void {
    this.signal?.removeEventListener('abort', this);
    this.callerSignal?.removeEventListener('abort', this);
  }

  private onIdle(): void {
    const idleMs = this.options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    const timedOut = Object.assign(new Error(`upstream timed out: nothing received for ${idleMs} ms`), { code: 'ETIMEDOUT' });
    this.answer?.destroy(timedOut);
    this.outgoing?.destroy(timedOut);
  }
}

/**
 * The SDKs pass a WHATWG Headers, whose names and values it has already validated: handed to
 * node:http as raw [name, value, …] pairs, written as they are instead of set and re-validated
 * one by one — then Host and Content-Length are ours to add, as fetch adds them. Any other shape
 * goes through node:http's own checks.
 */
function requestHeaders(source: HeadersInit | undefined, target: RequestTarget, method: string, body: string | Uint8Array | null): string[] | Record<string, string> {
  if (!(source instanceof Headers)) return headerRecord(source);
  const collected: CollectedHeaders = { raw: ['host', target.host], hasLength: false };
  source.forEach(collectHeader, collected);
  const { raw } = collected;
  if (!collected.hasLength) {
    const length = body === null ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
    if (body !== null || !BODILESS_METHODS.has(method)) raw.push('content-length', String(length));
  }
  return raw;
}

interface CollectedHeaders {
  raw: string[];
  hasLength: boolean;
}

/** Headers.forEach's callback, `this` the list being built (one function for the process, not one per call). */
function collectHeader(this: CollectedHeaders, value: string, name: string): void {
  if (name === 'host') return;
  if (name === 'content-length') this.hasLength = true;
  this.raw.push(name, value);
}

export function createUpstreamFetch(options: UpstreamFetchOptions): UpstreamFetch {
  return async (input, init = {}) => {
    const body = init.body;
    const simpleBody = body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array;
    if ((typeof input !== 'string' && !(input instanceof URL)) || !simpleBody) return globalFetch(input, init);
    const target = targetOf(input);
    const answer = await send(target, init, body ?? null, options);
    const status = answer.statusCode ?? 0;
    if (isRedirectStatus(status)) {
      answer.resume();
      throw upstreamRedirect(status, answer.headers['location'], target.href);
    }
    const headers = new UpstreamResponseHeaders(answer.headers);
    const stream = decoded(answer, headers.get('content-encoding')?.trim().toLowerCase() ?? null);
    return new UpstreamResponse(target.href, status, headers, stream, options.body) as unknown as Response;
  };
}

/**
 * The global fetch (rare: streamed and form bodies, a Request object), aborted by the caller's signal
 * too, its redirects not followed either.
 */
async function globalFetch(input: string | URL | Request, init: RequestInit): Promise<Response> {
  const callerSignal = callerSignalOf(init);
  const signal = !callerSignal ? init.signal : init.signal ? AbortSignal.any([init.signal, callerSignal]) : callerSignal;
  const response = await fetch(input, { ...init, redirect: 'manual', ...(signal ? { signal } : {}) });
  if (isRedirectStatus(response.status)) {
    await response.body?.cancel();
    throw upstreamRedirect(response.status, response.headers.get('location'), typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
  }
  return response;
}

/** Header pairs or a plain object (a Headers goes the raw way, see requestHeaders). */
function headerRecord(source: Exclude<HeadersInit, Headers> | undefined): Record<string, string> {
  const record: Record<string, string> = {};
  if (!source) return record;
  if (Array.isArray(source)) {
    for (const [name, value] of source) if (name !== undefined && value !== undefined) record[name.toLowerCase()] = value;
  } else {
    for (const [name, value] of Object.entries(source)) if (value !== undefined && value !== null) record[name.toLowerCase()] = String(value);
  }
  return record;
}

function decoded(body: Readable, encoding: string | null): Readable {
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip' ? createGunzip() : encoding === 'deflate' ? createInflate() : encoding === 'br' ? createBrotliDecompress() : undefined;
  if (!decoder) return body;
  return pipeline(body, decoder, () => {});
}
