// The console's editors in real Chromium against the real gateway, where an admin probing them found
// errors lost or doubled and saves that went wrong: an API error naming a whole model row (a model name
// twice) is shown on that row, a weight error once (on the weight); a route targeting a route whose name
// has a "/" stays a route target through an edit, and aliases (which a target cannot name) are not
// suggested as targets; a repeated metadata name is refused on its field; the
// key editor shows the key as it is now, not as the (older) list row had it; the console's own field
// checks speak Chinese in the Chinese console.
// Screenshots go to test-output/console/ (GATEWAY_TEST_OUTPUT_DIR overrides).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminCall } from '../helpers/admin-call.js';
import type { StartedGateway } from '../helpers/start-gateway.js';
import type { OpenAIFixture } from '../fixtures/openai-upstream.js';
import { consoleTestsRun, eventually, openConsoleSession, type ConsoleSession } from './console-session.js';

const ADMIN_TOKEN = 'console-editor-errors-admin-token-0123';

describe.runIf(consoleTestsRun)('the console editors place every error, in Chromium', () => {
  let session: ConsoleSession;
  let started: StartedGateway;
  let admin: AdminCall;
  let upstream: OpenAIFixture;

  beforeAll(async () => {
    session = await openConsoleSession(ADMIN_TOKEN);
    ({ started, admin, upstream } = session);
  });

  afterAll(async () => {
    await session?.close();
  });

  const signedInTab = (where: string) => session.signedInTab(where);
  const shot = (page: Page, name: string) => session.shot(page, name);
  /** A route's stored targets as [route, provider/model]. */
  const storedTargets = async (name: string) =>
    ((await admin('RoutesService/GetRoute', { name }))['route'] as { targets: Array<{ route?: string; providerId?: string; upstreamModel?: string }> }).targets.map((target) => [
      target.route ?? '',
      target.providerId ? `${target.providerId}/${target.upstreamModel}` : '',
    ]);
  const alerts = (page: Page, form: string) => page.locator(`${form} [role=alert]`).allInnerTexts();

  it('shows the API\'s error naming a whole model row on that row', async () => {
    const page = await signedInTab('/providers');
    try {
      await page.click('[data-test=new-provider]');
      await page.fill('[data-test=provider-name]', 'Dup alias');
      await page.fill('[data-test=provider-api-key]', 'key-1234567890abc');
      await page.click('[data-test=add-model]');
      await page.click('[data-test=add-model]');
      await page.locator('[data-test=model-upstream]').nth(0).fill('a');
      await page.locator('[data-test=model-upstream]').nth(1).fill('b');
      await page.fill('#field-models-0-alias', 'same');
      await page.fill('#field-models-1-alias', 'same');
      await page.click('[data-test=provider-save]');
      // The API names `models[1]` (no field of that name): the second row says it, once, and the dialog stays.
      await eventually(() => page.locator('[data-model-row="1"] [data-error-for="models[1]"]').innerText()).toContain('appears twice');
      expect((await alerts(page, '#provider-form')).length).toBe(1);
      await shot(page, 'editor-errors-01-model-row');
    } finally {
      await page.close();
    }
  });

  it('shows a weight error once, on the weight', async () => {
    const page = await signedInTab('/routes');
    try {
      await page.click('[data-test=new-route]');
      await page.fill('[data-test=route-name]', 'weights');
      await page.selectOption('[data-test=route-strategy]', { label: 'Weighted' });
      await page.locator('[data-test=route-target]').nth(0).fill('fixture/plain-text');
      await page.locator('#field-targets-0-weight').fill('-3');
      await page.click('[data-test=route-save]');
      await eventually(() => page.locator('[data-error-for="targets[0].weight"]').innerText()).toContain('whole number');
      expect(await alerts(page, '#route-form')).toHaveLength(1);
    } finally {
      await page.close();
    }
  });

  it('keeps a target naming a route with a "/" in its name a route target through an edit', async () => {
    await admin('RoutesService/CreateRoute', { name: 'team/smart', strategy: 'ROUTE_STRATEGY_PRIORITY', targets: [{ providerId: 'fixture', upstreamModel: 'plain-text' }] });
    await admin('RoutesService/CreateRoute', { name: 'outer', strategy: 'ROUTE_STRATEGY_PRIORITY', targets: [{ route: 'team/smart' }] });
    const page = await signedInTab('/routes');
    try {
      await page.locator('[data-route=outer]').getByRole('button', { name: 'Edit' }).click();
      expect(await page.locator('[data-test=route-target]').nth(0).inputValue()).toBe('team/smart');
      await page.click('[data-test=add-target]');
      await page.locator('[data-test=route-target]').nth(1).fill('fixture/plain-text');
      await page.click('[data-test=route-save]');
      await eventually(() => page.locator('#route-form').count()).toBe(0);
      expect(await storedTargets('outer')).toEqual([['team/smart', ''], ['', 'fixture/plain-text']]);
      // Typed anew, a route's name is a route target too.
      await page.locator('[data-route=outer]').getByRole('button', { name: 'Edit' }).click();
      await page.locator('[data-test=route-target]').nth(1).fill('team/smart');
      await page.locator('[data-test=route-target]').nth(0).fill('fixture/plain-text');
      await page.click('[data-test=route-save]');
      await eventually(() => page.locator('#route-form').count()).toBe(0);
      expect(await storedTargets('outer')).toEqual([['', 'fixture/plain-text'], ['team/smart', '']]);
    } finally {
      await page.close();
    }
  });

  it('suggests as route targets only what a target can name: provider/model and routes, not aliases', async () => {
    await admin('ProvidersService/CreateProvider', {
      id: 'aliased', name: 'Aliased', type: 'PROVIDER_TYPE_OPENAI', baseUrl: upstream.baseUrl, apiKey: upstream.apiKey, models: [{ upstreamModel: 'plain-text', alias: 'fast' }],
    });
    const page = await signedInTab('/routes');
    try {
      await page.click('[data-test=new-route]');
      const targets = await page.locator('#route-catalog option').evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value));
      expect(targets).toContain('aliased/plain-text');
      expect(targets).not.toContain('fast');
    } finally {
      await page.close();
    }
  });

  it('refuses a metadata name given twice, on the metadata field', async () => {
    const page = await signedInTab('/keys');
    try {
      await page.click('[data-test=new-key]');
      await page.fill('[data-test=key-name]', 'meta-twice');
      await page.fill('#field-metadata', 'team=payments\nowner=ana\nteam=billing');
      await page.click('[data-test=key-save]');
      await eventually(() => page.locator('[data-error-for=metadata]').innerText()).toContain('"team"');
      expect(await page.locator('[data-test=secret]').count()).toBe(0);
      expect(((await admin('KeysService/ListKeys', { nameContains: 'meta-twice' }))['keys'] as unknown[] | undefined) ?? []).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('opens the key editor on the key as it is now, not as the list row had it', async () => {
    const created = await admin('KeysService/CreateKey', { name: 'fresh-read', budget: { amount: 10, unit: 'BUDGET_UNIT_USD', period: 'BUDGET_PERIOD_MONTH' } });
    const id = (created['key'] as { id: string }).id;
    const page = await signedInTab('/keys');
    try {
      await eventually(() => page.locator('[data-key=fresh-read]').count()).toBe(1);
      // Changed elsewhere after the list was read.
      await admin('KeysService/UpdateKey', { id, budget: { amount: 25, unit: 'BUDGET_UNIT_USD', period: 'BUDGET_PERIOD_MONTH' }, updateMask: 'budget' });
      await page.locator('[data-key=fresh-read]').getByRole('button', { name: 'Edit' }).click();
      await eventually(() => page.inputValue('[data-test=key-budget]')).toBe('25');
      // Saved at the version now stored: no conflict.
      await page.fill('[data-test=key-name]', 'fresh-read-renamed');
      await page.click('[data-test=key-save]');
      await eventually(() => page.locator('[data-key=fresh-read-renamed]').count()).toBe(1);
      expect((await admin('KeysService/GetKey', { id }))['key']).toMatchObject({ name: 'fresh-read-renamed', budget: { amount: 25 } });
    } finally {
      await page.close();
    }
  });

  it('says the console\'s own field checks in Chinese when Chinese is chosen', async () => {
    const page = await signedInTab('/keys');
    try {
      await page.selectOption('[data-test=locale]', 'zh-CN');
      await page.click('[data-test=new-key]');
      await page.fill('[data-test=key-name]', 'zh-check');
      await page.fill('#field-rate-limits-requests-per-minute', '-1');
      await page.click('[data-test=key-save]');
      await eventually(() => page.locator('[data-error-for="rate_limits.requests_per_minute"]').innerText()).toBe('须为 0 或更大的整数');
    } finally {
      // The choice is remembered for the browser: back to English for the tabs after this one.
      await page.evaluate(() => localStorage.removeItem('llmgw.console.locale'));
      await page.close();
    }
  });

  it('ran without page errors', () => {
    expect(session.pageErrors).toEqual([]);
  });
});
