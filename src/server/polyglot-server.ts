// One port for HTTP/1.1 and HTTP/2 (prior knowledge, i.e. h2c, for gRPC) in
// cleartext, or TLS with ALPN (h2, http/1.1) when a certificate is set.
// @httptoolkit/httpolyglot sniffs each connection and hands it to an inner
// http.Server or http2 server; we keep the timeouts and a clean close ourselves.
import http from 'node:http';
import type http2 from 'node:http2';
import type net from 'node:net';
import { TLSSocket } from 'node:tls';
import { readFileSync } from 'node:fs';
import * as httpolyglot from '@httptoolkit/httpolyglot';
import { boundRequestReceipt } from './http2-request-deadline.js';
import { markArrival } from './request-arrival.js';

export interface PolyglotServerOptions {
  headersTimeoutMs: number;
  /** Time a request (its headers and its whole body) has to arrive, on HTTP/1.1 and HTTP/2 alike. */
  requestTimeoutMs: number;
  idleTimeoutMs: number;
  /** SETTINGS_MAX_CONCURRENT_STREAMS advertised on every HTTP/2 connection. */
  http2MaxConcurrentStreams: number;
  tls: { certFile: string; keyFile: string } | undefined;
}

export interface PolyglotServer {
  server: net.Server;
  /** Stop taking new work: idle HTTP/1 connections close, HTTP/2 sessions get GOAWAY. */
  beginDrain(): void;
  /** Cut every connection still open. */
  destroyAll(): void;
}

// Fastify sees HTTP/1 request types; HTTP/2 compat objects are close enough for it and for Connect.
type RequestHandler = (request: http.IncomingMessage, response: http.ServerResponse) => void;

interface PolyglotInternals {
  _httpServer: http.Server;
  _http2Server: http2.Http2Server;
}

export function createPolyglotServer(options: PolyglotServerOptions, handler: RequestHandler): PolyglotServer {
  const tls = options.tls
    ? {
        cert: readFileSync(options.tls.certFile),
        key: readFileSync(options.tls.keyFile),
        ALPNProtocols: ['h2', 'http/1.1'],
      }
    : undefined;
  // Node refuses a headers timeout longer than the request timeout.
  const requestTimeoutMs = Math.max(options.headersTimeoutMs, options.requestTimeoutMs);
  const server = httpolyglot.createServer(
    {
      ...(tls ? { tls } : {}),
      http: {
        headersTimeout: options.headersTimeoutMs,
        keepAliveTimeout: options.idleTimeoutMs,
        // Covers receiving the request only: a long streamed answer is not bounded by it.
        requestTimeout: requestTimeoutMs,
        // Node checks those timeouts on this interval (default 30 s): check
        // often enough that a slow client is cut close to the limit.
        connectionsCheckingInterval: Math.min(1_000, Math.max(100, Math.floor(options.headersTimeoutMs / 4))),
      },
      http2: {
        // Node's default is unlimited: one connection could open thousands of streams, each holding
        // an upstream call and its buffers (a client that never reads pins them all). nghttp2
        // refuses a stream over this limit (REFUSED_STREAM, safe to retry) before it reaches us.
        settings: { maxConcurrentStreams: options.http2MaxConcurrentStreams },
      },
    },
    // Every request's arrival is taken here, first: its latency counts the key check and the body read too.
    ((request: http.IncomingMessage, response: http.ServerResponse) => {
      markArrival(request);
      handler(request, response);
    }) as unknown as http.RequestListener,
  );
  const { _httpServer: http1Server, _http2Server: http2Server } = server as unknown as PolyglotInternals;
  // Idle HTTP/2 sessions are closed after the idle timeout (Node: GOAWAY then destroy).
  http2Server.setTimeout(options.idleTimeoutMs);
  // That timeout never fires while a client trickles bytes: each request's body is bounded as on HTTP/1.1.
  http2Server.on('stream', (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => boundRequestReceipt(stream, headers, requestTimeoutMs));

  // The inner HTTP/1 server never listens itself, so Node never starts its
  // connection tracking (which enforces headersTimeout/requestTimeout and makes
  // closeIdleConnections work). Start it directly: emitting 'listening' would
  // also re-fire listeners that httpolyglot copied from the outer server.
  const startTracking = http1Server.listeners('listening').find((listener) => listener.name === 'setupConnectionsTracking');
  if (!startTracking) throw new Error('this Node version does not track HTTP/1 connections as expected');
  startTracking.call(http1Server);

  const sockets = new Set<net.Socket>();
  const sessions = new Set<http2.ServerHttp2Session>();
  let draining = false;

  // httpolyglot forwards listeners to its inner servers, so this runs on
  // accept (emitter: the outer server) and again on hand-off (an inner server).
  server.on('connection', function onConnection(this: unknown, socket: net.Socket) {
    if (this === server) {
      // httpolyglot is a plain net.Server: without this, Nagle holds back small writes (stream chunks) ~40 ms.
      socket.setNoDelay(true);
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      // Before hand-off no inner timeout applies: a silent connection must not linger.
      const sniffTimer = setTimeout(() => {
        if (socket.bytesRead === 0) socket.destroy();
      }, options.headersTimeoutMs);
      sniffTimer.unref();
      socket.once('close', () => clearTimeout(sniffTimer));
      if (draining) socket.destroy();
      return;
    }
    // With TLS configured, cleartext is refused. (httpolyglot's TLS server
    // also gets this listener and receives raw TCP sockets by design.)
    if (tls && (this === http1Server || this === http2Server) && !(socket instanceof TLSSocket)) socket.destroy();
  });
  // Responses written directly by Connect skip Fastify's hooks, so the
  // HTTP/1 `connection: close` on drain is set here, for every response.
  const openResponses = new Set<http.ServerResponse>();
  http1Server.on('request', (_request: http.IncomingMessage, response: http.ServerResponse) => {
    if (draining) response.setHeader('connection', 'close');
    openResponses.add(response);
    response.once('close', () => openResponses.delete(response));
  });
  // httpolyglot marks a sniffed cleartext socket's handle as not a StreamBase (a workaround for
  // HTTP/2 tunnelled inside HTTP/2), which makes Node wrap every h2c connection in a JS stream
  // socket: each frame then crosses JavaScript twice. A real TCP handle needs no wrapper — Node
  // 20's session reads the peeked, unshifted preface from the socket buffer itself — so it is
  // restored before the session is made (prepended: Node's own listener makes the session).
  http2Server.prependListener('connection', (socket: net.Socket) => {
    const handle = (socket as unknown as { _handle?: { isStreamBase?: boolean; constructor?: { name?: string } } })._handle;
    if (handle && handle.isStreamBase === false && handle.constructor?.name === 'TCP') handle.isStreamBase = true;
  });
  http2Server.on('session', (session: http2.ServerHttp2Session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
    if (draining) session.close();
  });

  return {
    server,
    beginDrain() {
      draining = true;
      for (const response of openResponses) {
        if (!response.headersSent) {
          response.setHeader('connection', 'close');
          continue;
        }
        // Too late for `connection: close`: end the connection once this response is out. Its
        // socket is taken now, as Node detaches it from the response before 'finish' is emitted.
        const socket = response.socket;
        response.once('finish', () => socket?.end());
      }
      // Not listening, so this only stops its timers and closes idle connections.
      http1Server.close(() => {});
      // Connections still being sniffed (a client that connected but sent nothing) have no server to close them.
      for (const socket of sockets) if (socket.bytesRead === 0) socket.destroy();
      for (const session of sessions) session.close();
    },
    destroyAll() {
      for (const session of sessions) session.destroy();
      for (const socket of sockets) socket.destroy();
    },
  };
}
