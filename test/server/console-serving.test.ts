// GET /console/…: the built console's files from memory with the right cache headers (hashed assets
// immutable, index.html revalidated), gzip when asked, the strict CSP, the single-page app's own
// routes answered with index.html, nothing outside the build, and GATEWAY_CONSOLE=off.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import Fastify from 'fastify';
import { loadConsoleFiles } from '../../src/server/console-files.js';
import { registerConsoleRoutes } from '../../src/server/console-routes.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';

const INDEX = '<!doctype html><html><head><script type="module" src="/console/assets/app-3f2a1b.js"></script></head><body><div id="app"></div></body></html>\n';
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(4000))});\n`;

function fakeBuild(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gw-console-'));
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'index.html'), INDEX);
  writeFileSync(path.join(dir, 'assets', 'app-3f2a1b.js'), SCRIPT);
  return dir;
}

async function get(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers, redirect: 'manual' });
  return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
}

describe('the console at /console/', () => {
  let dir: string;
  let started: StartedGateway;
  beforeAll(async () => {
    dir = fakeBuild();
    started = await startGateway({ GATEWAY_CONSOLE_DIR: dir });
  });
  afterAll(async () => {
    await started?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html revalidated on every load, with the strict CSP', async () => {
    const answer = await get(`${started.url}/console/`);
    expect(answer.status).toBe(200);
    expect(answer.body.toString()).toBe(INDEX);
    expect(answer.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(answer.headers.get('cache-control')).toBe('no-cache');
    const csp = answer.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe');
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    const etag = answer.headers.get('etag')!;
    const again = await get(`${started.url}/console/`, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it('answers the app’s own routes with index.html and redirects /console', async () => {
    const deepLink = await get(`${started.url}/console/keys`);
    expect(deepLink.status).toBe(200);
    expect(deepLink.body.toString()).toBe(INDEX);
    const bare = await get(`${started.url}/console`);
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe('/console/');
  });

  it('serves hashed assets as immutable, gzipped when the client accepts it', async () => {
    const plain = await get(`${started.url}/console/assets/app-3f2a1b.js`, { 'accept-encoding': 'identity' });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(plain.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(plain.body.toString()).toBe(SCRIPT);
    // node:http, not fetch: fetch would decompress the body itself.
    const { encoding, zipped } = await new Promise<{ encoding: string | undefined; zipped: Buffer }>((resolve, reject) => {
      http.get(`${started.url}/console/assets/app-3f2a1b.js`, { headers: { 'accept-encoding': 'gzip' } }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ encoding: response.headers['content-encoding'], zipped: Buffer.concat(chunks) }));
      }).on('error', reject);
    });
    expect(encoding).toBe('gzip');
    expect(zipped.length).toBeLessThan(SCRIPT.length / 10);
    expect(gunzipSync(zipped).toString()).toBe(SCRIPT);
  });

  it('answers 404 for a missing asset and for paths outside the build', async () => {
    expect((await get(`${started.url}/console/assets/missing-000.js`)).status).toBe(404);
    expect((await get(`${started.url}/console/..%2Fpackage.json`)).status).toBe(404);
    expect((await get(`${started.url}/console/assets/..%2F..%2Findex.html`)).status).toBe(404);
  });
});

describe('GATEWAY_CONSOLE', () => {
  it('off: /console/ is not served', async () => {
    const dir = fakeBuild();
    const started = await startGateway({ GATEWAY_CONSOLE: 'off', GATEWAY_CONSOLE_DIR: dir });
    try {
      const answer = await get(`${started.url}/console/`);
      expect(answer.status).toBe(404);
      expect(answer.headers.get('content-security-policy')).toBeNull();
    } finally {
      await started.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a GATEWAY_CONSOLE_DIR without a build is refused at start, naming the variable', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'gw-console-empty-'));
    try {
      expect(() => loadConfig({ GATEWAY_CONSOLE_DIR: empty })).toThrow(/GATEWAY_CONSOLE_DIR: .* holds no built console/);
      expect(() => loadConfig({ GATEWAY_CONSOLE_DIR: path.join(empty, 'missing') })).toThrow(ConfigError);
      // Off, the directory is not looked at.
      expect(loadConfig({ GATEWAY_CONSOLE: 'off', GATEWAY_CONSOLE_DIR: empty }).console.enabled).toBe(false);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('on without a build of its own: a 404 that says how to build it', async () => {
    const fastify = Fastify();
    registerConsoleRoutes(fastify, undefined);
    const answer = await fastify.inject({ method: 'GET', url: '/console/' });
    expect(answer.statusCode).toBe(404);
    expect(answer.body).toContain('npm run build');
    await fastify.close();
  });

  it('accepts on and off only', () => {
    expect(loadConfig({}).console).toEqual({ enabled: true, dir: undefined });
    expect(loadConfig({ GATEWAY_CONSOLE: 'OFF' }).console.enabled).toBe(false);
    expect(() => loadConfig({ GATEWAY_CONSOLE: 'maybe' })).toThrow(ConfigError);
    expect(() => loadConfig({ GATEWAY_CONSOLE: 'maybe' })).toThrow(/GATEWAY_CONSOLE: must be on or off/);
  });
});

describe('the console files held in memory', () => {
  it('keeps each file and its gzip in buffers of their own size, not views that pin a larger pooled buffer', () => {
    const dir = fakeBuild();
    try {
      const files = loadConsoleFiles(dir);
      expect([...files.keys()].sort()).toEqual(['assets/app-3f2a1b.js', 'index.html']);
      const held = [...files.values()].flatMap((file) => (file.gzipped ? [file.body, file.gzipped] : [file.body]));
      expect(held.length).toBe(3);
      for (const bytes of held) expect(bytes.buffer.byteLength).toBe(bytes.byteLength);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
