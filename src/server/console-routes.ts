// GET /console/…: the admin console's files from memory (console-files.ts), read on the first
// request. A path without a file extension is one of the single-page app's own routes (e.g.
// /console/keys) and gets index.html; a missing asset is a 404. Every answer carries the console's
// strict CSP.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CONSOLE_CSP, type ConsoleFile } from './console-files.js';

const SECURITY_HEADERS = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

export function registerConsoleRoutes(fastify: FastifyInstance, load: (() => ReadonlyMap<string, ConsoleFile>) | undefined): void {
  let files: ReadonlyMap<string, ConsoleFile> | undefined;
  fastify.get('/console', (_request, reply) => {
    void reply.redirect('/console/', 301);
  });
  fastify.get('/console/*', (request: FastifyRequest<{ Params: { '*': string } }>, reply) => {
    void reply.headers(SECURITY_HEADERS);
    if (!load) {
      void reply.code(404).type('text/plain; charset=utf-8').send('The console is not built: run `npm run build` (or set GATEWAY_CONSOLE=off).\n');
      return;
    }
    files ??= load();
    const wanted = request.params['*'];
    const file = files.get(wanted) ?? (/\.[a-z0-9]+$/i.test(wanted) ? undefined : files.get('index.html'));
    if (!file) {
      void reply.code(404).header('cache-control', 'no-cache').type('text/plain; charset=utf-8').send('Not found\n');
      return;
    }
    send(request, reply, file);
  });
}

function send(request: FastifyRequest, reply: FastifyReply, file: ConsoleFile): void {
  void reply.header('cache-control', file.cacheControl).header('etag', file.etag).header('vary', 'accept-encoding').type(file.contentType);
  if (request.headers['if-none-match'] === file.etag) {
    void reply.code(304).send();
    return;
  }
  const gzipOk = file.gzipped !== undefined && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
  if (gzipOk) void reply.header('content-encoding', 'gzip');
  void reply.send(gzipOk ? file.gzipped : file.body);
}
