// A provider's credential-like extra headers (name matching auth|key|token|secret) through a started
// gateway's admin JSON API: answered only as a marker with the last 4, stored sealed, kept when the
// marker is sent back, replaced by a new value, refused as a marker on create; rows written in clear
// before sealing existed are sealed at the next start. The upstream always receives the real value.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStorage } from '../../src/storage/index.js';
import { startOpenAIFixture, type OpenAIFixture } from '../fixtures/openai-upstream.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';

const ADMIN_TOKEN = 'gw-admin-header-secrets-0123456789';
const SECRET = 'hdr-SECRET-value-0123WXYZ';

let upstream: OpenAIFixture;
let gateway: StartedGateway;
let dataDir: string;

async function admin(method: string, body: object): Promise<{ status: number; text: string; json: Record<string, any> }> {
  const response = await fetch(`${gateway.url}/llmgateway.v1.ProvidersService/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, json: JSON.parse(text) as Record<string, any> };
}

/** The headers the upstream received on the provider's test completion. */
async function headersSentUpstream(id: string): Promise<Record<string, string>> {
  upstream.received.length = 0;
  const answer = await admin('TestProvider', { id });
  expect(answer.json.ok, answer.text).toBe(true);
  return upstream.received.at(-1)!.headers;
}

const start = async () => {
  gateway = await startGateway({ GATEWAY_ADMIN_TOKEN: ADMIN_TOKEN, GATEWAY_DATA_DIR: dataDir });
};

beforeAll(async () => {
  upstream = await startOpenAIFixture({ family: 'openai-compatible', apiKey: '' });
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-header-secrets-'));
  await start();
});
afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('credential-like extra headers in the admin API', () => {
  it('are answered as a marker, stored sealed, kept on a marker round trip and replaced by a new value', async () => {
    const created = await admin('CreateProvider', {
      id: 'local',
      name: 'local',
      type: 'PROVIDER_TYPE_OPENAI_COMPATIBLE',
      baseUrl: upstream.baseUrl,
      extraHeaders: { 'x-secret-header': SECRET, 'x-auth-pin': 'short', 'x-team': 'research' },
      models: [{ upstreamModel: 'plain-text' }],
    });
    expect(created.status, created.text).toBe(200);
    const shown = { 'x-secret-header': '[redacted \u2026WXYZ]', 'x-auth-pin': '[redacted]', 'x-team': 'research' };
    expect(created.json.provider.extraHeaders).toEqual(shown);
    for (const answer of [created, await admin('GetProvider', { id: 'local' }), await admin('ListProviders', {})]) {
      expect(answer.text).not.toContain('SECRET');
      expect(answer.text).not.toContain('short');
    }
    expect((await admin('GetProvider', { id: 'local' })).json.provider.extraHeaders).toEqual(shown);
    expect(await headersSentUpstream('local')).toMatchObject({ 'x-secret-header': SECRET, 'x-auth-pin': 'short', 'x-team': 'research' });

    // What an editor sends back after changing something else: the markers keep the values.
    const renamed = await admin('UpdateProvider', { id: 'local', name: 'renamed', extraHeaders: { ...shown, 'x-team': 'platform' }, updateMask: 'name,extraHeaders' });
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.json.provider.extraHeaders).toEqual({ ...shown, 'x-team': 'platform' });
    expect(await headersSentUpstream('local')).toMatchObject({ 'x-secret-header': SECRET, 'x-auth-pin': 'short', 'x-team': 'platform' });

    // A new value replaces; a header left out is removed.
    const replaced = await admin('UpdateProvider', { id: 'local', extraHeaders: { 'x-secret-header': 'new-secret-value-9876' }, updateMask: 'extraHeaders' });
    expect(replaced.json.provider.extraHeaders).toEqual({ 'x-secret-header': '[redacted \u20269876]' });
    const sent = await headersSentUpstream('local');
    expect(sent['x-secret-header']).toBe('new-secret-value-9876');
    expect(sent['x-auth-pin']).toBeUndefined();

    // A marker that is not this header's (another value's, or on a header the provider lacks) is refused.
    for (const extraHeaders of [{ 'x-secret-header': '[redacted \u2026WXYZ]' }, { 'x-other-token': '[redacted]' }]) {
      const refused = await admin('UpdateProvider', { id: 'local', extraHeaders, updateMask: 'extraHeaders' });
      expect(refused.status).toBe(400);
      expect(refused.json.message).toMatch(/^extra_headers\["x-(secret-header|other-token)"\]: .*send the header's value/);
    }
  });

  it('refuses a marker on create: there is no value to keep', async () => {
    const refused = await admin('CreateProvider', {
      id: 'copied',
      name: 'copied',
      type: 'PROVIDER_TYPE_OPENAI_COMPATIBLE',
      baseUrl: upstream.baseUrl,
      extraHeaders: { 'x-secret-header': '[redacted \u2026WXYZ]' },
    });
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({ code: 'invalid_argument', message: expect.stringMatching(/^extra_headers\["x-secret-header"\]: .*send the header's value/) });
  });

  it('are sealed at rest, and a row written in clear before is sealed at the next start', async () => {
    await gateway.close();
    const storage = await openStorage({ dataDir });
    try {
      const stored = await storage.providers.get('local');
      expect(stored?.extraHeaders['x-secret-header']).toMatch(/^gw1:[0-9a-f]{12}:/);
      expect(JSON.stringify(stored)).not.toContain('new-secret-value');
      // As a gateway before this change stored it.
      await storage.providers.replace({ ...stored!, extraHeaders: { 'X-Api-Token': 'legacy-token-in-clear-4321', 'x-team': 'research' } });
    } finally {
      await storage.close();
    }
    await start();
    expect((await admin('GetProvider', { id: 'local' })).json.provider.extraHeaders).toEqual({ 'X-Api-Token': '[redacted \u20264321]', 'x-team': 'research' });
    expect((await headersSentUpstream('local'))['x-api-token']).toBe('legacy-token-in-clear-4321');
    await gateway.close();
    const storage2 = await openStorage({ dataDir });
    try {
      const resealed = await storage2.providers.get('local');
      expect(resealed?.extraHeaders['X-Api-Token']).toMatch(/^gw1:/);
      expect(resealed?.extraHeaders['x-team']).toBe('research');
    } finally {
      await storage2.close();
    }
    await start();
  });
});
