// The floor: a bare `node:http` pass-through proxy to the upstream, with a
// keep-alive agent, no parsing, no logging. Whatever the gateway costs above
// this is its own. Bodies are piped both ways, so a streamed response is
// forwarded chunk by chunk as it arrives.
//
// BENCH_UPSTREAM=http://127.0.0.1:<port>; prints `{"ready":true,"port":N}`.
import './child-guard.js';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const upstream = new URL(process.env['BENCH_UPSTREAM'] ?? 'http://127.0.0.1:1');
const port = Number(process.env['BENCH_PORT'] ?? '0');
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 1024 });

/** Connection-level headers are not forwarded (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host']);

function forwardable(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  return out;
}

const server = http.createServer((request, response) => {
  const outgoing = http.request(
    {
      host: upstream.hostname,
      port: upstream.port,
      method: request.method,
      path: request.url,
      headers: { ...forwardable(request.headers), host: upstream.host },
      agent,
    },
    (answer) => {
      response.writeHead(answer.statusCode ?? 502, forwardable(answer.headers));
      answer.pipe(response);
    },
  );
  outgoing.on('error', () => {
    if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' });
    response.end('bad gateway');
  });
  request.pipe(outgoing);
});

server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ ready: true, port: (server.address() as AddressInfo).port })}\n`);
});

process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  agent.destroy();
  process.exit(0);
});
