// The transports' floor for a stream: one process serving the same streamed answer two ways, doing
// nothing else — on a `node:http` port as SSE (the upstream's bytes written as they arrive, as the
// bare proxy does) and on an h2c `node:http2` port as gRPC (each upstream read in one gRPC message
// frame, then the `grpc-status` trailers). Both ask the upstream for the same stream with a
// keep-alive agent and ignore the request's body. What a gRPC stream costs here over an SSE stream
// is Node's HTTP/2 against its HTTP/1.1, not the gateway's: the bench shows it beside the bar that
// holds the gateway's gRPC stream to its SSE stream (bench/README.md).
//
// BENCH_UPSTREAM=http://127.0.0.1:<port>; prints `{"ready":true,"port":N,"http2Port":M}`.
import './child-guard.js';
import http from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';

const upstream = new URL(process.env['BENCH_UPSTREAM'] ?? 'http://127.0.0.1:1');
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 1024 });
const BODY = JSON.stringify({ model: 'bench-model', stream: true, messages: [{ role: 'user', content: 'Say hello in one short sentence.' }] });

/** The upstream's stream, each read handed to `onPart`; `onEnd` after the last (or on a failure, with it). */
function streamFromUpstream(onPart: (part: Buffer) => void, onEnd: (error?: Error) => void): void {
  const request = http.request(
    { host: upstream.hostname, port: upstream.port, method: 'POST', path: '/v1/chat/completions', headers: { 'content-type': 'application/json' }, agent },
    (answer) => {
      answer.on('data', onPart);
      answer.on('end', () => onEnd());
      answer.on('error', onEnd);
    },
  );
  request.on('error', onEnd);
  request.end(BODY);
}

const sse = http.createServer((request, response) => {
  request.resume();
  request.on('end', () =>
    streamFromUpstream(
      (part) => {
        if (!response.headersSent) response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        response.write(part);
      },
      (error) => (error ? response.destroy(error) : response.end()),
    ),
  );
});
sse.keepAliveTimeout = 65_000;

const grpc = http2.createServer((request, response) => {
  request.resume();
  request.on('end', () =>
    streamFromUpstream(
      (part) => {
        if (!response.headersSent) response.writeHead(200, { 'content-type': 'application/grpc+proto' });
        // A gRPC message frame: flags (0, uncompressed), the length (4 bytes, big-endian), the bytes.
        const frame = Buffer.allocUnsafe(5 + part.byteLength);
        frame[0] = 0;
        frame.writeUInt32BE(part.byteLength, 1);
        part.copy(frame, 5);
        response.write(frame);
      },
      (error) => {
        response.addTrailers(error ? { 'grpc-status': '14', 'grpc-message': 'upstream failed' } : { 'grpc-status': '0' });
        response.end();
      },
    ),
  );
});

sse.listen(0, '127.0.0.1', () => {
  grpc.listen(0, '127.0.0.1', () => {
    const ports = { port: (sse.address() as AddressInfo).port, http2Port: (grpc.address() as AddressInfo).port };
    process.stdout.write(`${JSON.stringify({ ready: true, ...ports })}\n`);
  });
});

process.on('SIGTERM', () => {
  sse.closeAllConnections();
  grpc.close();
  agent.destroy();
  process.exit(0);
});
