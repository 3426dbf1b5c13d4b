// Helpers for the browser tier: bundle the page client with esbuild, serve it
// from a tiny static server (its own origin on 127.0.0.1), and drive Debian's
// Chromium headless through playwright-core. Nothing here reaches beyond
// loopback: Chromium resolves every host but 127.0.0.1/localhost to NOTFOUND.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost',
];

export type BrowserAvailability = { available: true } | { available: false; reason: string };

export function browserAvailability(): BrowserAvailability {
  if (existsSync(CHROMIUM_PATH)) return { available: true };
  return { available: false, reason: `${CHROMIUM_PATH} not found (install Debian's chromium: apt-get install -y chromium)` };
}

export function warnLoudly(message: string): void {
  const bar = '#'.repeat(Math.min(100, message.length + 4));
  console.warn(`\n${bar}\n# ${message}\n${bar}\n`);
}

export interface PageBundle {
  /** A temp folder holding index.html and client.js. */
  dir: string;
  remove(): Promise<void>;
}

/** Bundles page-client.ts for the browser into a fresh temp folder, next to a page that loads it. */
export async function bundlePageClient(): Promise<PageBundle> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gw-browser-bundle-'));
  try {
    await build({
      entryPoints: [fileURLToPath(new URL('./page-client.ts', import.meta.url))],
      outfile: path.join(dir, 'client.js'),
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'chrome120',
      sourcemap: 'inline',
      logLevel: 'silent',
    });
    await writeFile(
      path.join(dir, 'index.html'),
      '<!doctype html>\n<html><head><meta charset="utf-8"><title>gateway browser test</title>' +
        '<link rel="icon" href="data:,"></head>\n<body><script src="/client.js"></script></body></html>\n',
    );
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export interface StaticServer {
  /** e.g. http://127.0.0.1:40123 */
  origin: string;
  close(): Promise<void>;
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
};

/** Serves the files of `dir` (flat, GET only) on a free port of 127.0.0.1. */
export async function startStaticServer(dir: string): Promise<StaticServer> {
  const server = http.createServer((request, response) => {
    const pathname = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const name = pathname === '/' ? 'index.html' : pathname.slice(1);
    const type = contentTypes[path.extname(name)];
    if (request.method !== 'GET' || name.includes('/') || type === undefined) {
      response.writeHead(404).end();
      return;
    }
    readFile(path.join(dir, name)).then(
      (body) => response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body),
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Headless Chromium with a fresh profile folder, removed again on close. */
export async function launchBrowser(): Promise<Browser> {
  const profileDir = await mkdtemp(path.join(os.tmpdir(), 'gw-browser-profile-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: 60_000,
    });
  } catch (error) {
    await rm(profileDir, { recursive: true, force: true });
    throw error;
  }
  return {
    context,
    async close() {
      try {
        await context.close();
      } finally {
        await rm(profileDir, { recursive: true, force: true });
      }
    },
  };
}

/** Opens the page of `origin` and waits until the bundled client is ready. */
export async function openClientPage(context: BrowserContext, origin: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${origin}/`, { waitUntil: 'load', timeout: 30_000 });
  await page.waitForFunction(() => typeof window.gatewayClient?.call === 'function', undefined, { timeout: 30_000 });
  return page;
}

export interface ObservedPreflight {
  url: string;
  status: number;
  /** Response headers with lower-case names. */
  headers: Record<string, string>;
}

export interface CorsFailure {
  url: string;
  corsError: string | null;
  errorText: string;
}

export interface NetworkObserver {
  preflights: ObservedPreflight[];
  corsFailures: CorsFailure[];
}

interface CdpRequestWillBeSent {
  requestId: string;
  request: { url: string; method: string };
}
interface CdpResponseReceived {
  requestId: string;
  type: string;
  response: { url: string; status: number; headers: Record<string, string> };
}
interface CdpLoadingFailed {
  requestId: string;
  errorText: string;
  corsErrorStatus?: { corsError: string; failedParameter: string };
}

/**
 * Watches the page's network through the DevTools protocol, which (unlike
 * Playwright's request events) reports CORS preflights and why the browser
 * blocked a request.
 */
export async function observeNetwork(page: Page): Promise<NetworkObserver> {
  const session = await page.context().newCDPSession(page);
  const observer: NetworkObserver = { preflights: [], corsFailures: [] };
  const urls = new Map<string, string>();
  session.on('Network.requestWillBeSent', (event: CdpRequestWillBeSent) => urls.set(event.requestId, event.request.url));
  session.on('Network.responseReceived', (event: CdpResponseReceived) => {
    if (event.type !== 'Preflight') return;
    const headers = Object.fromEntries(
      Object.entries(event.response.headers).map(([name, value]) => [name.toLowerCase(), value]),
    );
    observer.preflights.push({ url: event.response.url, status: event.response.status, headers });
  });
  session.on('Network.loadingFailed', (event: CdpLoadingFailed) => {
    observer.corsFailures.push({
      url: urls.get(event.requestId) ?? '',
      corsError: event.corsErrorStatus?.corsError ?? null,
      errorText: event.errorText,
    });
  });
  await session.send('Network.enable');
  // Bypass the caches (the CORS preflight cache too), so every cross-origin call is preflighted afresh.
  await session.send('Network.setCacheDisabled', { cacheDisabled: true });
  return observer;
}
