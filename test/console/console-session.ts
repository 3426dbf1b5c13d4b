// What the console's editor tests in real Chromium share: a gateway with an OpenAI fixture provider
// (`fixture/plain-text`), its admin caller, a browser, tabs signed in with the admin token, and
// screenshots in test-output/console/ (GATEWAY_TEST_OUTPUT_DIR overrides).
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { startOpenAIFixture, type OpenAIFixture } from '../fixtures/openai-upstream.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';
import { adminCaller, type AdminCall } from '../helpers/admin-call.js';
import { browserAvailability, launchBrowser, warnLoudly, type Browser } from '../browser/browser-harness.js';

const availability = browserAvailability();
const requiredHere = process.env['CI'] === 'true';
if (!availability.available && !requiredHere) warnLoudly(`CONSOLE BROWSER TEST NOT RUN: ${availability.reason}`);
/** Whether the browser tests run here (in CI they must: a missing browser fails them there). */
export const consoleTestsRun = availability.available || requiredHere;

const outputDir = process.env['GATEWAY_TEST_OUTPUT_DIR'] ?? path.resolve(import.meta.dirname, '../../test-output/console');

/** Waits for what the page shows (the machine may be busy: vitest's 1 s default is too short for a browser). */
export const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 15_000, interval: 100 });

export interface ConsoleSession {
  started: StartedGateway;
  admin: AdminCall;
  upstream: OpenAIFixture;
  /** Errors the pages threw. */
  pageErrors: string[];
  /** A new tab signed in (each tab keeps its own session), on `where`. */
  signedInTab(where: string): Promise<Page>;
  /** A new tab, not signed in. */
  newPage(): Promise<Page>;
  shot(page: Page, name: string): Promise<Buffer>;
  close(): Promise<void>;
}

export async function openConsoleSession(adminToken: string): Promise<ConsoleSession> {
  if (!existsSync(path.resolve(import.meta.dirname, '../../dist/console/index.html'))) {
    throw new Error('dist/console/index.html is missing: run `npm run build` (it builds the console) before this test');
  }
  mkdirSync(outputDir, { recursive: true });
  const upstream = await startOpenAIFixture({ family: 'openai' });
  const started = await startGateway({ GATEWAY_ADMIN_TOKEN: adminToken });
  const admin = adminCaller(started.url, adminToken);
  await admin('ProvidersService/CreateProvider', {
    id: 'fixture', name: 'Fixture', type: 'PROVIDER_TYPE_OPENAI', baseUrl: upstream.baseUrl, apiKey: upstream.apiKey, models: [{ upstreamModel: 'plain-text' }],
  });
  const browser: Browser = await launchBrowser();
  const pageErrors: string[] = [];
  return {
    started,
    admin,
    upstream,
    pageErrors,
    async signedInTab(where) {
      const page = await browser.context.newPage();
      await page.setViewportSize({ width: 1280, height: 900 });
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(`${started.url}/console/sign-in?next=${encodeURIComponent(where)}`);
      await page.fill('[data-test=token]', adminToken);
      await page.click('[data-test=sign-in]');
      await page.waitForURL((url) => url.pathname === `/console${where}`);
      return page;
    },
    newPage: () => browser.context.newPage(),
    shot: (page, name) => page.screenshot({ path: path.join(outputDir, `${name}.png`), fullPage: true }),
    async close() {
      await browser.close();
      await started.close();
      await upstream.close();
    },
  };
}
