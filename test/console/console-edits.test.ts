// The console's editors in real Chromium against the real gateway: of two tabs editing one key, the
// second to save is told the key changed since it opened it (its input kept; after a reload its edit
// holds beside the first's, and an untouched expiry keeps its seconds), a route changed through the API
// while its editor is open is not overwritten by the console's save, a rotation grace period the console
// cannot read is refused on its field (and "1h" keeps the old secret working), an expired key is shown
// as expired, route errors land on the row that caused them, the built-in console hides the gateway
// address it could never call, and a rejected request-log filter leaves no stale rows.
// Screenshots go to test-output/console/ (GATEWAY_TEST_OUTPUT_DIR overrides).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminCall } from '../helpers/admin-call.js';
import type { StartedGateway } from '../helpers/start-gateway.js';
import type { OpenAIFixture } from '../fixtures/openai-upstream.js';
import { consoleTestsRun, eventually, openConsoleSession, type ConsoleSession } from './console-session.js';

const ADMIN_TOKEN = 'console-edits-admin-token-0123456789';

describe.runIf(consoleTestsRun)('the console editors in Chromium', () => {
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
  const modelsStatus = async (secret: string) => (await fetch(`${started.url}/v1/models`, { headers: { authorization: `Bearer ${secret}` } })).status;

  it('refuses the second tab\'s save of a key the first changed meanwhile, keeps its input, and saves it once reloaded', async () => {
    const created = await admin('KeysService/CreateKey', { name: 'two-tabs', rateLimits: { requestsPerMinute: 10 }, expiresAt: '2031-01-01T10:20:30.500Z' });
    const id = (created['key'] as { id: string }).id;
    const tabA = await signedInTab('/keys');
    const tabB = await signedInTab('/keys');
    try {
      for (const tab of [tabA, tabB]) await tab.locator('[data-key=two-tabs]').getByRole('button', { name: 'Edit' }).click();
      await tabA.fill('#field-rate-limits-requests-per-minute', '77');
      await tabA.click('[data-test=key-save]');
      await eventually(() => tabA.locator('[data-test=key-save]').count()).toBe(0);
      // The expiry as stored, to the millisecond (the input accepts it as it is: the form still submits).
      expect(await tabB.inputValue('#field-expires-at')).toMatch(/^2031-01-01T\d\d:20:30\.50*$/);
      await shot(tabB, 'edits-01-key-editor');
      await tabB.fill('[data-test=key-name]', 'two-tabs-renamed');
      await tabB.click('[data-test=key-save]');
      // Tab B's form was loaded before tab A's save: refused, said so, and what was typed is still there.
      await eventually(() => tabB.locator('[data-test=form-error][data-conflict]').innerText()).toContain('changed by someone else since you opened it');
      expect(await tabB.inputValue('[data-test=key-name]')).toBe('two-tabs-renamed');
      await shot(tabB, 'edits-01-two-tabs-conflict');
      expect((await admin('KeysService/GetKey', { id }))['key']).toMatchObject({ name: 'two-tabs', rateLimits: { requestsPerMinute: 77 } });
      await tabB.reload();
      await tabB.locator('[data-key=two-tabs]').getByRole('button', { name: 'Edit' }).click();
      expect(await tabB.inputValue('#field-rate-limits-requests-per-minute')).toBe('77');
      await tabB.fill('[data-test=key-name]', 'two-tabs-renamed');
      await tabB.click('[data-test=key-save]');
      await eventually(() => tabB.locator('[data-key=two-tabs-renamed]').count()).toBe(1);
      await shot(tabB, 'edits-01-two-tabs');
      const stored = (await admin('KeysService/GetKey', { id }))['key'] as Record<string, unknown>;
      expect(stored).toMatchObject({ name: 'two-tabs-renamed', rateLimits: { requestsPerMinute: 77 }, expiresAt: '2031-01-01T10:20:30.500Z' });
    } finally {
      await tabA.close();
      await tabB.close();
    }
  });

  it('does not overwrite a route changed through the API while its editor was open', async () => {
    await admin('RoutesService/CreateRoute', {
      name: 'contested', description: 'as created', strategy: 'ROUTE_STRATEGY_PRIORITY', targets: [{ providerId: 'fixture', upstreamModel: 'plain-text' }],
    });
    const page = await signedInTab('/routes');
    try {
      await page.locator('[data-route=contested]').getByRole('button', { name: 'Edit' }).click();
      await page.fill('[data-test=route-description]', 'edited in the console');
      // Another admin saves the same route meanwhile, as any client did before versions (no expected version).
      await admin('RoutesService/UpdateRoute', { name: 'contested', description: 'edited through the API' });
      await page.click('[data-test=route-save]');
      await eventually(() => page.locator('[data-test=form-error][data-conflict]').innerText()).toBe(
        'Not saved: this was changed by someone else since you opened it — reload to see the current version. Your edits stay in this form until you close it.',
      );
      // The editor stays open with what was typed; the stored route is the API's.
      expect(await page.inputValue('[data-test=route-description]')).toBe('edited in the console');
      await shot(page, 'edits-06-route-conflict');
      expect((await admin('RoutesService/GetRoute', { name: 'contested' }))['route']).toMatchObject({ description: 'edited through the API', version: '1' });
    } finally {
      await page.close();
    }
  });

  it('refuses a grace period it cannot read on its field, and keeps the old secret working for "1h"', async () => {
    const created = await admin('KeysService/CreateKey', { name: 'rotate-me' });
    const oldSecret = created['secret'] as string;
    const page = await signedInTab('/keys');
    try {
      await page.locator('[data-key=rotate-me]').getByRole('button', { name: 'Rotate' }).click();
      for (const unreadable of ['abc', '-5', '1y']) {
        await page.fill('#field-grace-period', unreadable);
        await page.click('[data-test=rotate]');
        await eventually(() => page.locator('[data-error-for=grace_period]').innerText()).toContain('minutes');
        expect(await page.locator('[data-test=secret]').count()).toBe(0);
      }
      await shot(page, 'edits-02-grace-refused');
      expect(await modelsStatus(oldSecret)).toBe(200);
      await page.fill('#field-grace-period', '1h');
      await page.click('[data-test=rotate]');
      const newSecret = (await page.locator('[data-test=secret]').innerText()).trim();
      expect(newSecret).not.toBe(oldSecret);
      await page.click('[data-test=secret-done]');
      expect(await modelsStatus(newSecret)).toBe(200);
      expect(await modelsStatus(oldSecret)).toBe(200);
    } finally {
      await page.close();
    }
  });

  it('shows an expired key as expired, not enabled', async () => {
    const created = await admin('KeysService/CreateKey', { name: 'expires-soon', expiresAt: new Date(Date.now() + 1500).toISOString() });
    // Wait until the gateway itself refuses the key (its expiry has passed), then look.
    await eventually(() => modelsStatus(created['secret'] as string)).toBe(403);
    const page = await signedInTab('/keys');
    try {
      const row = page.locator('[data-key=expires-soon]');
      await eventually(() => row.locator('.badge').innerText()).toBe('Expired');
      await shot(page, 'edits-03-expired-key');
    } finally {
      await page.close();
    }
  });

  it('shows a route error on the row that caused it when an earlier row is blank', async () => {
    const page = await signedInTab('/routes');
    try {
      await page.click('[data-test=new-route]');
      await page.fill('[data-test=route-name]', 'rows');
      await page.selectOption('[data-test=route-strategy]', { label: 'Weighted' });
      await page.click('[data-test=add-target]');
      await page.locator('[data-test=route-target]').nth(1).fill('nope/x');
      await page.click('[data-test=route-save]');
      // The API's error (it numbers only the targets sent) on the second row, none on the blank first.
      await eventually(() => page.locator('[data-error-for="targets[1]"]').innerText()).toContain('nope');
      expect(await page.locator('[data-error-for="targets[0]"]').count()).toBe(0);
      await shot(page, 'edits-04-route-error-row');
      // The console's own check, on the same row.
      await page.locator('[data-test=route-target]').nth(1).fill('fixture/plain-text');
      await page.locator('#field-targets-1-weight').fill('-3');
      await page.click('[data-test=route-save]');
      await eventually(() => page.locator('[data-error-for="targets[1].weight"]').innerText()).toContain('whole number');
      expect(await page.locator('[data-error-for="targets[0].weight"]').count()).toBe(0);
      await page.locator('#field-targets-1-weight').fill('3');
      await page.locator('[data-test=route-target-drained]').nth(1).check();
      await page.click('[data-test=route-save]');
      await eventually(() => page.locator('[data-route=rows]').count()).toBe(1);
      // The list says which target is out of rotation, and so does the API.
      expect(await page.locator('[data-route=rows]').innerText()).toContain('fixture/plain-text ×3 (Drained)');
      const stored = await admin('RoutesService/GetRoute', { name: 'rows' });
      expect((stored['route'] as { targets: Array<{ drained?: boolean }> }).targets.map((target) => target.drained ?? false)).toEqual([true]);
    } finally {
      await page.close();
    }
  });

  it('hides the gateway address on the console the gateway serves (its CSP allows no other origin)', async () => {
    const page = await session.newPage();
    try {
      await page.goto(`${started.url}/console/sign-in`);
      await page.waitForSelector('[data-test=token]');
      await eventually(() => page.locator('[data-test=gateway-note]').innerText()).toContain('this gateway');
      expect(await page.locator('[data-test=gateway]').count()).toBe(0);
    } finally {
      await page.close();
    }
  });

  it('clears the request log\'s rows when a filter is refused, and keeps the filter in the address', async () => {
    const key = await admin('KeysService/CreateKey', { name: 'log-writer' });
    const response = await fetch(`${started.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key['secret'] as string}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fixture/plain-text', messages: [{ role: 'user', content: 'Hi' }] }),
    });
    expect(response.status).toBe(200);
    await started.gateway.requestLog.flush();
    const page = await signedInTab('/requests');
    try {
      await page.fill('[data-test=filter-model]', 'plain-text');
      await page.click('[data-test=request-filter] button[type=submit]');
      // The unfiltered log has the same one row: the address is what says the filter was applied.
      await eventually(async () => new URL(page.url()).searchParams.get('model')).toBe('plain-text');
      await eventually(() => page.locator('[data-test=requests-table] tbody tr').count()).toBe(1);
      // A reload keeps the filter.
      await page.reload();
      await eventually(() => page.locator('[data-test=requests-table] tbody tr').count()).toBe(1);
      expect(await page.inputValue('[data-test=filter-model]')).toBe('plain-text');
      await page.fill('[data-test=filter-from]', '2030-01-01T00:00');
      await page.fill('[data-test=filter-to]', '2020-01-01T00:00');
      await page.click('[data-test=request-filter] button[type=submit]');
      await eventually(() => page.locator('[data-test=requests-error]').innerText()).toContain('must be after');
      expect(await page.locator('[data-test=requests-table]').count()).toBe(0);
      await shot(page, 'edits-05-filter-refused');
    } finally {
      await page.close();
    }
  });

  it('ran without page errors', () => {
    expect(session.pageErrors).toEqual([]);
  });
});
