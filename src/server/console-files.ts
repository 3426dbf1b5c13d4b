// The built admin console (console/, built by `npm run build` into dist/console/), read once into
// memory — a few small files — on the first /console request (console-routes.ts: a gateway whose
// console is never opened keeps none of it), with each file's headers decided here: Vite's hashed
// files under assets/ never change (cached for a year, immutable); index.html is revalidated on
// every load (no-cache + ETag), so a new release is picked up at once. Serving only files found then
// (never a path built from the URL) leaves no room for path traversal.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export interface ConsoleFile {
  body: Buffer;
  /** Present when smaller than the body (text files of some size). */
  gzipped: Buffer | undefined;
  contentType: string;
  cacheControl: string;
  etag: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

/**
 * The console's Content-Security-Policy: only its own scripts and styles (Vite emits no inline
 * script; Vue and uPlot set styles through the CSSOM, which CSP allows), calls to this origin only,
 * never framed.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** dist/console/ above the running code: found from src/server (tests), dist/src/server or dist/gateway (bundle). */
export function findConsoleDir(configured: string | undefined): string | undefined {
  if (configured !== undefined) return existsSync(path.join(configured, 'index.html')) ? configured : undefined;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 5; depth += 1) {
    const candidate = path.join(dir, 'dist', 'console');
    if (existsSync(path.join(candidate, 'index.html'))) return candidate;
    dir = path.dirname(dir);
  }
  return undefined;
}

function* walk(dir: string, prefix = ''): Generator<string> {
  for (const name of readdirSync(dir)) {
    const relative = prefix ? `${prefix}/${name}` : name;
    if (statSync(path.join(dir, name)).isDirectory()) yield* walk(path.join(dir, name), relative);
    else yield relative;
  }
}

/** Every file of the built console by its path under /console/ (e.g. `assets/index-abc123.js`). */
export function loadConsoleFiles(dir: string): Map<string, ConsoleFile> {
  const files = new Map<string, ConsoleFile>();
  for (const relative of walk(dir)) {
    const body = exact(readFileSync(path.join(dir, relative)));
    const contentType = CONTENT_TYPES[path.extname(relative)] ?? 'application/octet-stream';
    const compressible = /^(text\/|application\/json|image\/svg)/.test(contentType) && body.length > 1024;
    const gzipped = compressible ? exact(gzipSync(body, { level: 9 })) : undefined;
    files.set(relative, {
      body,
      gzipped: gzipped && gzipped.length < body.length ? gzipped : undefined,
      contentType,
      cacheControl: relative.startsWith('assets/') ? IMMUTABLE : REVALIDATE,
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
    });
  }
  return files;
}

/**
 * The bytes in a buffer of their own. readFileSync and gzipSync hand back small results as views of a larger
 * one (Buffer's shared pool, zlib's 64 KiB output chunk): kept for the process's life, each would hold all of
 * it. Node's docs advise an unpooled allocation and a copy for such bytes (Buffer.allocUnsafeSlow).
 */
function exact(buffer: Buffer): Buffer {
  if (buffer.byteLength === buffer.buffer.byteLength) return buffer;
  const own = Buffer.allocUnsafeSlow(buffer.byteLength);
  buffer.copy(own);
  return own;
}
