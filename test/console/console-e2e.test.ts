// The admin console end to end in real Chromium (playwright-core, Debian's /usr/bin/chromium), against
// the real gateway serving the built console at /console/ and a fixture upstream speaking OpenAI's
// wire format: sign-in (a wrong token refused), a provider created and tested (a credential-like extra
// header shown only as its marker and kept through an edit), a key created and its
// secret read once, a call with that key through the official openai SDK, the request in the log
// (tokens, cost) and on the overview, a priority route and its health, a tripped breaker on the overview,
// Chinese, sign-out.
// Screenshots of each page go to test-output/console/ (GATEWAY_TEST_OUTPUT_DIR overrides).
import { existsSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import OpenAI from 'openai';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAIFixture, type OpenAIFixture } from '../fixtures/openai-upstream.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';
import { adminCaller } from '../helpers/admin-call.js';
import { browserAvailability, launchBrowser, warnLoudly, type Browser } from '../browser/browser-harness.js';

const availability = browserAvailability();
const requiredHere = process.env['CI'] === 'true';
if (!availability.available && !requiredHere) warnLoudly(`CONSOLE BROWSER TEST NOT RUN: ${availability.reason}`);
const consoleBuilt = existsSync(path.resolve(import.meta.dirname, '../../dist/console/index.html'));
const outputDir = process.env['GATEWAY_TEST_OUTPUT_DIR'] ?? path.resolve(import.meta.dirname, '../../test-output/console');
const ADMIN_TOKEN = 'console-e2e-admin-token-0123456789';
/** Waits for what the page shows (the machine may be busy: vitest's 1 s default is too short for a browser). */
const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 15_000, interval: 100 });
const CONSOLE_DIR = path.resolve(import.meta.dirname, '../../dist/console');

/** The built console on a static server of its own origin (as a team hosting it elsewhere would). */
async function serveConsoleElsewhere(): Promise<{ origin: string; close(): Promise<void> }> {
  const server = http.createServer((request, response) => {
    const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
    // An asset by its file name only (nothing outside assets/); every other path is the app's index.html.
    const relative = pathname.startsWith('/console/assets/') ? path.join('assets', path.basename(pathname)) : 'index.html';
    const type = relative.endsWith('.js') ? 'text/javascript' : relative.endsWith('.css') ? 'text/css' : 'text/html';
    readFile(path.join(CONSOLE_DIR, relative)).then(
      (body) => response.writeHead(200, { 'content-type': type }).end(body),
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

describe.runIf(availability.available || requiredHere)('the admin console in Chromium', () => {
  let upstream: OpenAIFixture;
  let started: StartedGateway;
  let browser: Browser;
  let page: Page;
  let staticSite: { origin: string; close(): Promise<void> };
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!consoleBuilt) throw new Error('dist/console/index.html is missing: run `npm run build` (it builds the console) before this test');
    mkdirSync(outputDir, { recursive: true });
    upstream = await startOpenAIFixture({ family: 'openai' });
    staticSite = await serveConsoleElsewhere();
    started = await startGateway({ GATEWAY_ADMIN_TOKEN: ADMIN_TOKEN, GATEWAY_CORS_ORIGINS: staticSite.origin });
    browser = await launchBrowser();
    page = await browser.context.newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await started?.close();
    await upstream?.close();
    await staticSite?.close();
  });

  const shot = (name: string) => page.screenshot({ path: path.join(outputDir, `${name}.png`), fullPage: true });
  const text = (selector: string) => page.locator(selector).innerText();

  it('refuses a wrong token, then signs in with the admin token', async () => {
    const response = await page.goto(`${started.url}/console/`);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.fill('[data-test=token]', 'not-the-admin-token-at-all-000000');
    await page.click('[data-test=sign-in]');
    await eventually(() => text('[data-test=sign-in-error]')).toBe('The gateway refused this token.');
    await shot('01-sign-in-refused');
    await page.fill('[data-test=token]', ADMIN_TOKEN);
    await page.click('[data-test=sign-in]');
    await page.waitForURL(/\/console\/overview$/);
    expect(await page.evaluate(() => window.localStorage.getItem('llmgw.console.token'))).toBeNull();
    await eventually(() => text('main h1')).toBe('Overview');
  });

  it('creates a provider pointed at the fixture upstream, with prices, and tests it', async () => {
    await page.click('[data-test=nav-providers]');
    await page.click('[data-test=new-provider]');
    await page.fill('[data-test=provider-name]', 'Fixture OpenAI');
    await page.fill('[data-test=provider-id]', 'fixture');
    await page.fill('[data-test=provider-api-key]', upstream.apiKey);
    // The gateway refuses credentials in the URL (invalid_argument naming base_url): shown on that field.
    await page.fill('[data-test=provider-base-url]', upstream.baseUrl.replace('http://', 'http://user:pass@'));
    await page.click('[data-test=provider-save]');
    await eventually(() => text('[data-error-for=base_url]')).toBe('must not contain credentials (use api_key)');
    await page.fill('[data-test=provider-base-url]', upstream.baseUrl);
    await page.click('[data-test=add-model]');
    await page.fill('[data-test=model-upstream]', 'plain-text');
    await page.fill('[data-test=model-input-price]', '10');
    await page.fill('[data-test=model-output-price]', '20');
    await shot('02-provider-form');
    await page.click('[data-test=provider-save]');
    const row = page.locator('[data-provider=fixture]');
    await eventually(() => row.innerText()).toContain(`…${upstream.apiKey.slice(-4)}`);
    expect(await page.content()).not.toContain(upstream.apiKey);
    await row.locator('[data-test=test-provider]').click();
    await eventually(() => row.locator('[data-test=test-result]').innerText()).toMatch(/^Reachable: plain-text answered in \d/);
    await shot('03-providers');
    // Discover models: the upstream's list, the configured one marked, the others one click away.
    await row.locator('[data-test=edit-provider]').click();
    await page.click('[data-test=discover]');
    const discovered = page.locator('[data-test=discovered]');
    await eventually(() => discovered.innerText()).toContain('tool-result-round-trip');
    expect(await discovered.locator('li', { hasText: 'plain-text' }).first().innerText()).toContain('configured');
    await page.click('[data-test=add-discovered]');
    expect(await page.locator('[data-test=model-upstream]').count()).toBeGreaterThan(5);
    await shot('03b-provider-discover');
    await page.keyboard.press('Escape');
  });

  it('shows a credential-like extra header only as its marker, and keeps it when the provider is saved without touching it', async () => {
    const headerSecret = 'hdr-SECRET-value-0123WXYZ';
    const row = page.locator('[data-provider=fixture]');
    const headers = page.locator('#field-extra-headers');
    await row.locator('[data-test=edit-provider]').click();
    await headers.fill(`x-secret-header: ${headerSecret}`);
    await page.click('[data-test=provider-save]');
    await eventually(() => headers.count()).toBe(0);
    await row.locator('[data-test=edit-provider]').click();
    await eventually(() => headers.inputValue()).toBe('x-secret-header: [redacted \u2026WXYZ]');
    expect(await page.content()).not.toContain(headerSecret);
    await shot('03c-provider-hidden-header');
    // Only the name changes: the textarea goes back as it was shown, and the gateway keeps the value.
    await page.fill('[data-test=provider-name]', 'Fixture OpenAI (renamed)');
    await page.click('[data-test=provider-save]');
    await eventually(() => headers.count()).toBe(0);
    upstream.received.length = 0;
    await row.locator('[data-test=test-provider]').click();
    await eventually(() => row.locator('[data-test=test-result]').innerText()).toMatch(/^Reachable/);
    expect(upstream.received.at(-1)?.headers['x-secret-header']).toBe(headerSecret);
  });

  let secret = '';
  it('creates a key and shows its secret exactly once', async () => {
    await page.click('[data-test=nav-keys]');
    await page.click('[data-test=new-key]');
    await page.fill('[data-test=key-name]', 'console-e2e');
    await page.fill('[data-test=key-budget]', '0');
    await page.click('[data-test=key-save]');
    // The form's own check lands on the budget field; the API is not called.
    await eventually(() => text('[data-error-for=budget]')).toContain('must be a number greater than 0');
    await page.fill('[data-test=key-budget]', '5');
    await page.click('[data-test=key-save]');
    secret = (await page.locator('[data-test=secret]').innerText()).trim();
    expect(secret).toMatch(/^\S{20,}$/);
    await shot('04-key-secret');
    await page.click('[data-test=secret-done]');
    const row = page.locator('[data-key=console-e2e]');
    await eventually(() => row.innerText()).toContain('$5.00');
    expect(await page.content()).not.toContain(secret);
    await shot('05-keys');
  });

  it('shows a request made with that key through the OpenAI SDK in the log, with its tokens and cost', async () => {
    // The SDK's own retries, as an application would have them (a reused upstream connection the
    // fixture just closed can fail one attempt); the log is filtered to the answered request below.
    const client = new OpenAI({ apiKey: secret, baseURL: `${started.url}/v1`, maxRetries: 2 });
    const completion = await client.chat.completions.create({ model: 'fixture/plain-text', messages: [{ role: 'user', content: 'Say hello' }] });
    expect(completion.choices[0]?.message.content).toBe('Hello, world!');
    await started.gateway.requestLog.flush();
    await page.click('[data-test=nav-requests]');
    await page.fill('[data-test=filter-model]', 'plain-text');
    await page.selectOption('[data-test=filter-status]', { label: 'ok' });
    await page.click('[data-test=request-filter] button[type=submit]');
    const row = page.locator('[data-test=requests-table] tbody tr').first();
    await eventually(() => page.locator('[data-test=requests-table] tbody tr').count()).toBe(1);
    await eventually(() => row.innerText()).toContain('fixture/plain-text');
    // 9 input and 4 output tokens at $10 and $20 per million: $0.00017.
    expect(await row.locator('[data-test=row-tokens]').innerText()).toBe('9 / 4');
    expect(await row.locator('[data-test=row-cost]').innerText()).toBe('$0.00017');
    await row.click();
    await eventually(() => text('[data-test=detail-cost]')).toBe('$0.00017');
    expect(await text('[data-test=detail-input-tokens]')).toBe('9');
    // The one attempt, as x-gateway-attempts told the client: provider/model, outcome, upstream status, duration.
    expect(await text('[data-test=detail-attempts]')).toMatch(/^1 — fixture\/plain-text ok 200 \S/);
    await shot('06-request-detail');
    await page.keyboard.press('Escape');
  });

  it('shows the request on the overview chart and totals', async () => {
    await page.click('[data-test=nav-overview]');
    await eventually(() => text('[data-test=total-tokens]')).toBe('13');
    expect(Number(await text('[data-test=total-requests]'))).toBeGreaterThanOrEqual(1);
    expect(await text('[data-test=total-cost]')).toBe('$0.00017');
    expect(await page.locator('.chart canvas').count()).toBeGreaterThanOrEqual(3);
    expect(await text('[data-test=top-models]')).toContain('plain-text');
    await eventually(() => text('[data-test=breakers-closed]')).toBe('All breakers closed.');
    await shot('07-overview');
  });

  it('creates a priority route and shows its health', async () => {
    await page.click('[data-test=nav-routes]');
    await page.click('[data-test=new-route]');
    await page.fill('[data-test=route-name]', 'smart');
    await page.fill('[data-test=route-target]', 'fixture/plain-text');
    await page.click('[data-test=route-save]');
    const row = page.locator('[data-route=smart]');
    await eventually(() => row.innerText()).toContain('fixture/plain-text');
    await row.locator('[data-test=route-health]').click();
    await eventually(() => text('[data-test=route-health-table]')).toContain('fixture/plain-text');
    expect(await text('[data-test=breaker]')).toBe('closed');
    await shot('08-route-health');
    await page.keyboard.press('Escape');
    // Editing keeps the route working: a new description, the same target.
    await row.getByRole('button', { name: 'Edit' }).click();
    await page.fill('[data-test=route-description]', 'the smart one');
    await page.click('[data-test=route-save]');
    await eventually(() => row.innerText()).toContain('the smart one');
    expect(await row.innerText()).toContain('fixture/plain-text');
  });

  it('lists a route target whose breaker opened on the overview', async () => {
    // A route to an upstream model that always answers 500: the breaker opens after 5 consecutive failures.
    const admin = adminCaller(started.url, ADMIN_TOKEN);
    await admin('ProvidersService/CreateProvider', {
      id: 'failing', name: 'Failing fixture', type: 'PROVIDER_TYPE_OPENAI', baseUrl: upstream.baseUrl, apiKey: upstream.apiKey, models: [{ upstreamModel: 'error-500' }],
    });
    await admin('RoutesService/CreateRoute', {
      name: 'flaky', strategy: 'ROUTE_STRATEGY_PRIORITY', targets: [{ providerId: 'failing', upstreamModel: 'error-500' }], settings: { backoffBase: '0.01s', backoffCap: '0.02s' },
    });
    const client = new OpenAI({ apiKey: secret, baseURL: `${started.url}/v1`, maxRetries: 0 });
    for (let attempt = 0; attempt < 5; attempt += 1) {
      await expect(client.chat.completions.create({ model: 'flaky', messages: [{ role: 'user', content: 'Hi' }] })).rejects.toThrow();
    }
    await page.click('[data-test=nav-overview]');
    await page.click('[data-test=refresh]');
    const row = page.locator('[data-breaker="flaky failing/error-500"]');
    await eventually(() => row.innerText()).toContain('open');
    expect(await page.locator('[data-test=breakers-table] tbody tr').count()).toBe(1);
    expect(await text('[data-test=breakers-summary]')).toBe('1 open, 0 half-open, on 1 of 2 routes');
    expect(await page.locator('[data-test=breakers-closed]').count()).toBe(0);
    await shot('08b-overview-breakers');
  });

  it('creates a prompt rule, with the API\'s validation error on the pattern field', async () => {
    await page.click('[data-test=nav-prompt-rules]');
    await page.click('[data-test=new-rule]');
    await page.fill('[data-test=rule-name]', 'redact-codes');
    await page.fill('[data-test=rule-scope-id]', 'smart');
    await page.selectOption('[data-test=rule-operation]', { label: 'Regex replace' });
    await page.fill('[data-test=rule-pattern]', '(unclosed');
    await page.click('[data-test=rule-save]');
    await eventually(() => text('[data-error-for=pattern]')).toMatch(/^does not compile on the gateway's linear-time regex engine .*: missing closing \)/);
    await shot('09a-prompt-rule-error');
    await page.fill('[data-test=rule-pattern]', 'code-\\d+');
    await page.click('[data-test=rule-save]');
    await eventually(() => text('[data-test=rules-table]')).toContain('redact-codes');
    expect(await text('[data-test=rules-table]')).toContain('Regex replace');
  });

  it('searches, rotates and revokes keys', async () => {
    await page.click('[data-test=nav-keys]');
    await page.click('[data-test=new-key]');
    await page.fill('[data-test=key-name]', 'short-lived');
    await page.click('[data-test=key-save]');
    const firstSecret = (await page.locator('[data-test=secret]').innerText()).trim();
    await page.click('[data-test=secret-done]');
    await page.fill('[data-test=key-search]', 'short');
    await page.keyboard.press('Enter');
    await eventually(() => page.locator('[data-test=keys-table] tbody tr').count()).toBe(1);
    const row = page.locator('[data-key=short-lived]');
    await row.getByRole('button', { name: 'Rotate' }).click();
    await page.fill('#field-grace-period', '0');
    await page.click('[data-test=rotate]');
    const rotated = (await page.locator('[data-test=secret]').innerText()).trim();
    expect(rotated).not.toBe(firstSecret);
    await page.click('[data-test=secret-done]');
    page.once('dialog', (dialog) => void dialog.accept());
    await row.getByRole('button', { name: 'Revoke' }).click();
    await eventually(() => row.innerText()).toContain('Revoked');
    await page.fill('[data-test=key-search]', 'no-such-key');
    await page.keyboard.press('Enter');
    await eventually(() => text('main .empty')).toContain('No keys yet');
  });

  it('switches to Chinese', async () => {
    await page.selectOption('[data-test=locale]', 'zh-CN');
    try {
      await page.click('[data-test=nav-routes]');
      await eventually(() => text('main h1')).toBe('路由');
      expect(await text('[data-test=nav-keys]')).toBe('密钥');
      expect(await text('[data-test=routes-table] thead')).toContain('策略');
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
      await page.click('[data-test=nav-overview]');
      await eventually(() => text('main h1')).toBe('概览');
      expect(await text('[data-test=totals]')).toContain('请求数');
      await eventually(() => text('[data-test=breakers]')).toContain('熔断器');
      expect(await text('[data-test=breakers-table]')).toContain('打开');
      await shot('09-overview-zh');
    } finally {
      await page.selectOption('[data-test=locale]', 'en');
    }
  });

  it('folds the navigation into a menu on a narrow window, reachable by keyboard', async () => {
    await page.setViewportSize({ width: 420, height: 800 });
    try {
      expect(await page.locator('#nav').isVisible()).toBe(false);
      await page.focus('.menu-button');
      await page.keyboard.press('Enter');
      expect(await page.locator('#nav').isVisible()).toBe(true);
      await shot('10-narrow-menu');
      await page.focus('[data-test=nav-requests]');
      await page.keyboard.press('Enter');
      await eventually(() => text('main h1')).toBe('Request log');
      expect(await page.locator('#nav').isVisible()).toBe(false);
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  it('signs out, forgetting the token, and sends a signed-out visitor to sign-in', async () => {
    await page.click('[data-test=sign-out]');
    await page.waitForURL(/\/console\/sign-in/);
    expect(await page.evaluate(() => window.sessionStorage.getItem('llmgw.console.token'))).toBeNull();
    await page.goto(`${started.url}/console/keys`);
    await page.waitForURL(/\/console\/sign-in\?next=(%2F|\/)keys/);
  });

  it('sends the user to sign-in when the gateway stops accepting the session\'s token', async () => {
    await page.fill('[data-test=token]', ADMIN_TOKEN);
    await page.click('[data-test=sign-in]');
    await page.waitForURL(/\/console\/keys$/);
    // As if the admin token had been changed on the gateway: the tab's stored token is now refused.
    await page.evaluate(() => window.sessionStorage.setItem('llmgw.console.token', 'an-old-admin-token-000000000000'));
    await page.reload();
    await page.waitForURL(/\/console\/sign-in\?.*expired=1/);
    expect(await text('[data-test=sign-in-error]')).toBe('Your session ended: sign in again.');
    expect(await page.evaluate(() => window.sessionStorage.getItem('llmgw.console.token'))).toBeNull();
  });

  it('works from another origin, through GATEWAY_CORS_ORIGINS', async () => {
    const other = await browser.context.newPage();
    try {
      await other.goto(`${staticSite.origin}/console/`);
      await other.fill('[data-test=token]', ADMIN_TOKEN);
      await other.fill('[data-test=gateway]', started.url);
      await other.click('[data-test=sign-in]');
      await other.waitForURL(/\/console\/overview$/);
      await other.click('[data-test=nav-keys]');
      await eventually(() => other.locator('[data-key=console-e2e]').innerText()).toContain('console-e2e');
    } finally {
      await other.screenshot({ path: path.join(outputDir, '13-other-origin.png'), fullPage: true });
      await other.close();
    }
  });

  it('ran without CSP violations or page errors', () => {
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
