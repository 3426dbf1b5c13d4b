// The admin console end to end in real Chromium (playwright-core, Debian's /usr/bin/chromium), against
// the real gateway serving the built console at /console/ and a fixture upstream speaking OpenAI's
// wire format: sign-in (a wrong token refused), a provider created and tested, a key created and its
// secret read once, a call with that key through the official openai SDK, the request in the log
// (tokens, cost) and on the overview, a priority route and its health, Chinese, sign-out.
// Screenshots of each page go to test-output/console/ (GATEWAY_TEST_OUTPUT_DIR overrides).
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import OpenAI from 'openai';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAIFixture, type OpenAIFixture } from '../fixtures/openai-upstream.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';
import { browserAvailability, launchBrowser, warnLoudly, type Browser } from '../browser/browser-harness.js';

const availability = browserAvailability();
const requiredHere = process.env['CI'] === 'true';
if (!availability.available && !requiredHere) warnLoudly(`CONSOLE BROWSER TEST NOT RUN: ${availability.reason}`);
const consoleBuilt = existsSync(path.resolve(import.meta.dirname, '../../dist/console/index.html'));
const outputDir = process.env['GATEWAY_TEST_OUTPUT_DIR'] ?? path.resolve(import.meta.dirname, '../../test-output/console');
const ADMIN_TOKEN = 'console-e2e-admin-token-0123456789';

describe.runIf(availability.available || requiredHere)('the admin console in Chromium', () => {
  let upstream: OpenAIFixture;
  let started: StartedGateway;
  let browser: Browser;
  let page: Page;
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!consoleBuilt) throw new Error('dist/console/index.html is missing: run `npm run build` (it builds the console) before this test');
    mkdirSync(outputDir, { recursive: true });
    upstream = await startOpenAIFixture({ family: 'openai' });
    started = await startGateway({ GATEWAY_ADMIN_TOKEN: ADMIN_TOKEN });
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
  });

  const shot = (name: string) => page.screenshot({ path: path.join(outputDir, `${name}.png`), fullPage: true });
  const text = (selector: string) => page.locator(selector).innerText();

  it('refuses a wrong token, then signs in with the admin token', async () => {
    const response = await page.goto(`${started.url}/console/`);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.fill('[data-test=token]', 'not-the-admin-token-at-all-000000');
    await page.click('[data-test=sign-in]');
    await expect.poll(() => text('[data-test=sign-in-error]')).toBe('The gateway refused this token.');
    await shot('01-sign-in-refused');
    await page.fill('[data-test=token]', ADMIN_TOKEN);
    await page.click('[data-test=sign-in]');
    await page.waitForURL(/\/console\/overview$/);
    expect(await page.evaluate(() => window.localStorage.getItem('llmgw.console.token'))).toBeNull();
    await expect.poll(() => text('main h1')).toBe('Overview');
  });

  it('creates a provider pointed at the fixture upstream, with prices, and tests it', async () => {
    await page.click('[data-test=nav-providers]');
    await page.click('[data-test=new-provider]');
    await page.fill('[data-test=provider-name]', 'Fixture OpenAI');
    await page.fill('[data-test=provider-id]', 'fixture');
    await page.fill('[data-test=provider-base-url]', upstream.baseUrl);
    await page.fill('[data-test=provider-api-key]', upstream.apiKey);
    await page.click('[data-test=add-model]');
    await page.fill('[data-test=model-upstream]', 'plain-text');
    await page.fill('[data-test=model-input-price]', '10');
    await page.fill('[data-test=model-output-price]', '20');
    await shot('02-provider-form');
    await page.click('[data-test=provider-save]');
    const row = page.locator('[data-provider=fixture]');
    await expect.poll(() => row.innerText()).toContain(`…${upstream.apiKey.slice(-4)}`);
    expect(await page.content()).not.toContain(upstream.apiKey);
    await row.locator('[data-test=test-provider]').click();
    await expect.poll(() => row.locator('[data-test=test-result]').innerText(), { timeout: 15_000 }).toMatch(/^Reachable: plain-text answered in \d/);
    await shot('03-providers');
  });

  let secret = '';
  it('creates a key and shows its secret exactly once', async () => {
    await page.click('[data-test=nav-keys]');
    await page.click('[data-test=new-key]');
    await page.fill('[data-test=key-name]', 'console-e2e');
    await page.fill('[data-test=key-budget]', '0');
    await page.click('[data-test=key-save]');
    // The form's own check lands on the budget field; the API is not called.
    await expect.poll(() => text('[data-error-for=budget]')).toContain('must be greater than 0');
    await page.fill('[data-test=key-budget]', '5');
    await page.click('[data-test=key-save]');
    secret = (await page.locator('[data-test=secret]').innerText()).trim();
    expect(secret).toMatch(/^\S{20,}$/);
    await shot('04-key-secret');
    await page.click('[data-test=secret-done]');
    const row = page.locator('[data-key=console-e2e]');
    await expect.poll(() => row.innerText()).toContain('$5.00');
    expect(await page.content()).not.toContain(secret);
    await shot('05-keys');
  });

  it('shows a request made with that key through the OpenAI SDK in the log, with its tokens and cost', async () => {
    const client = new OpenAI({ apiKey: secret, baseURL: `${started.url}/v1`, maxRetries: 0 });
    const completion = await client.chat.completions.create({ model: 'fixture/plain-text', messages: [{ role: 'user', content: 'Say hello' }] });
    expect(completion.choices[0]?.message.content).toBe('Hello, world!');
    await started.gateway.requestLog.flush();
    await page.click('[data-test=nav-requests]');
    const row = page.locator('[data-test=requests-table] tbody tr').first();
    await expect.poll(() => row.innerText()).toContain('fixture/plain-text');
    // 9 input and 4 output tokens at $10 and $20 per million: $0.00017.
    expect(await row.locator('[data-test=row-tokens]').innerText()).toBe('9 / 4');
    expect(await row.locator('[data-test=row-cost]').innerText()).toBe('$0.00017');
    await row.click();
    await expect.poll(() => text('[data-test=detail-cost]')).toBe('$0.00017');
    expect(await text('[data-test=detail-input-tokens]')).toBe('9');
    await shot('06-request-detail');
    await page.keyboard.press('Escape');
  });

  it('shows the request on the overview chart and totals', async () => {
    await page.click('[data-test=nav-overview]');
    await expect.poll(() => text('[data-test=total-requests]')).toBe('1');
    expect(await text('[data-test=total-tokens]')).toBe('13');
    expect(await page.locator('.chart canvas').count()).toBeGreaterThanOrEqual(3);
    expect(await text('[data-test=top-models]')).toContain('plain-text');
    await shot('07-overview');
  });

  it('creates a priority route and shows its health', async () => {
    await page.click('[data-test=nav-routes]');
    await page.click('[data-test=new-route]');
    await page.fill('[data-test=route-name]', 'smart');
    await page.fill('[data-test=route-target]', 'fixture/plain-text');
    await page.click('[data-test=route-save]');
    const row = page.locator('[data-route=smart]');
    await expect.poll(() => row.innerText()).toContain('fixture/plain-text');
    await row.locator('[data-test=route-health]').click();
    await expect.poll(() => text('[data-test=route-health-table]')).toContain('fixture/plain-text');
    expect(await text('[data-test=breaker]')).toBe('closed');
    await shot('08-route-health');
    await page.keyboard.press('Escape');
  });

  it('switches to Chinese', async () => {
    await page.selectOption('[data-test=locale]', 'zh-CN');
    await expect.poll(() => text('main h1')).toBe('路由');
    expect(await text('[data-test=nav-keys]')).toBe('密钥');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    await page.click('[data-test=nav-overview]');
    await expect.poll(() => text('main h1')).toBe('概览');
    await shot('09-overview-zh');
    await page.selectOption('[data-test=locale]', 'en');
  });

  it('signs out, forgetting the token, and sends a signed-out visitor to sign-in', async () => {
    await page.click('[data-test=sign-out]');
    await page.waitForURL(/\/console\/sign-in/);
    expect(await page.evaluate(() => window.sessionStorage.getItem('llmgw.console.token'))).toBeNull();
    await page.goto(`${started.url}/console/keys`);
    await page.waitForURL(/\/console\/sign-in\?next=(%2F|\/)keys/);
  });

  it('ran without CSP violations or page errors', () => {
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
