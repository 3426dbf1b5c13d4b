// The security rules, checked on the real server: provider keys never leave
// (responses, errors, logs, the database file), the admin credential is
// required, and the authenticate step refuses revoked, disabled and unknown keys.
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { masterKeyId } from '../src/core/secrets/master-key-ring.js';
import { resolveAdminToken } from '../src/core/auth/admin-token.js';
import { startGateway, type StartedGateway } from './helpers/start-gateway.js';

const PROVIDER_KEYS = {
  openai: `sk-proj-SECRET${randomBytes(12).toString('hex')}`,
  anthropic: `sk-ant-SECRET${randomBytes(12).toString('hex')}`,
  gemini: `AIzaSECRET${randomBytes(12).toString('hex')}`,
  rotated: `sk-proj-ROTATED${randomBytes(12).toString('hex')}`,
};

/** Connect JSON over plain fetch: returns status and the raw body text. */
async function call(gateway: StartedGateway, method: string, body: object, token: string | null) {
  const response = await fetch(`${gateway.url}/llmgateway.v1.${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

const started: StartedGateway[] = [];
afterEach(async () => {
  for (const gateway of started.splice(0)) await gateway.close();
});

describe('security rules on the real server', () => {
  it('never returns, logs or stores a provider key in the clear', async () => {
    const gateway = await startGateway();
    const texts: string[] = [];
    const admin = async (method: string, body: object) => {
      const result = await call(gateway, method, body, gateway.adminToken);
      texts.push(result.text);
      return result;
    };
    expect((await admin('ProvidersService/CreateProvider', { id: 'oa', name: 'OpenAI', type: 'PROVIDER_TYPE_OPENAI', apiKey: PROVIDER_KEYS.openai })).status).toBe(200);
    await admin('ProvidersService/CreateProvider', { id: 'an', name: 'Anthropic', type: 'PROVIDER_TYPE_ANTHROPIC', apiKey: PROVIDER_KEYS.anthropic });
    await admin('ProvidersService/CreateProvider', { id: 'ge', name: 'Gemini', type: 'PROVIDER_TYPE_GEMINI', apiKey: PROVIDER_KEYS.gemini });
    // Failing requests that carry a key must not echo it either.
    const invalid = await admin('ProvidersService/CreateProvider', {
      name: 'Broken',
      type: 'PROVIDER_TYPE_OPENAI',
      apiKey: PROVIDER_KEYS.openai,
      baseUrl: 'not a url',
    });
    expect(invalid.status).toBe(400);
    await admin('ProvidersService/CreateProvider', { id: 'oa', name: 'Dup', type: 'PROVIDER_TYPE_OPENAI', apiKey: PROVIDER_KEYS.openai });
    await admin('ProvidersService/UpdateProvider', { id: 'oa', apiKey: PROVIDER_KEYS.rotated });
    await admin('ProvidersService/ListProviders', {});
    await admin('ProvidersService/GetProvider', { id: 'oa' });
    await admin('ProvidersService/UpdateProvider', { id: 'oa', apiKey: 'has whitespace ' + PROVIDER_KEYS.openai });

    const listed = JSON.parse(texts[6]!) as { providers: Array<{ id: string; apiKeyLast4?: string }> };
    expect(listed.providers.find((provider) => provider.id === 'oa')?.apiKeyLast4).toBe(PROVIDER_KEYS.rotated.slice(-4));

    // Closed (so the database is checkpointed) but the files kept to read them.
    await gateway.gateway.close();
    const everything = [
      ...texts,
      ...gateway.logLines,
      ...readdirSync(gateway.dataDir)
        .filter((file) => file.startsWith('gateway.db'))
        .map((file) => readFileSync(path.join(gateway.dataDir, file)).toString('latin1')),
    ].join('\n');
    expect(gateway.logLines.length).toBeGreaterThan(5);
    for (const secret of Object.values(PROVIDER_KEYS)) {
      // The key, or any 16-character piece of it.
      expect(everything).not.toContain(secret);
      expect(everything).not.toContain(secret.slice(4, 20));
    }
    rmSync(gateway.dataDir, { recursive: true, force: true });
  });

  it('refuses a missing or wrong admin token with 401 and no detail', async () => {
    const gateway = await startGateway();
    started.push(gateway);
    const missing = await call(gateway, 'KeysService/ListKeys', {}, null);
    const wrong = await call(gateway, 'KeysService/ListKeys', {}, `${gateway.adminToken}x`);
    for (const response of [missing, wrong]) {
      expect(response.status).toBe(401);
      expect(JSON.parse(response.text)).toEqual({ code: 'unauthenticated', message: 'admin credential required' });
    }
  });

  it('refuses revoked, disabled, expired and unknown virtual keys', async () => {
    const gateway = await startGateway();
    started.push(gateway);
    const create = async (body: object) =>
      JSON.parse((await call(gateway, 'KeysService/CreateKey', body, gateway.adminToken)).text) as {
        key: { id: string };
        secret: string;
      };
    const listModels = (secret: string) => call(gateway, 'CompletionService/ListModels', {}, secret);

    const live = await create({ name: 'live' });
    const liveAnswer = await listModels(live.secret);
    expect(liveAnswer.status).toBe(200);
    expect(JSON.parse(liveAnswer.text)).toEqual({});

    const revoked = await create({ name: 'revoked' });
    await call(gateway, 'KeysService/RevokeKey', { id: revoked.key.id }, gateway.adminToken);
    const revokedAnswer = await listModels(revoked.secret);
    expect(revokedAnswer.status).toBe(403);
    expect(JSON.parse(revokedAnswer.text)).toMatchObject({ code: 'permission_denied', message: 'virtual key has been revoked' });

    const disabled = await create({ name: 'disabled', enabled: false });
    expect(JSON.parse((await listModels(disabled.secret)).text)).toMatchObject({ code: 'permission_denied' });

    const soon = new Date(Date.now() + 1500).toISOString();
    const expiring = await create({ name: 'expiring', expiresAt: soon });
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect(JSON.parse((await listModels(expiring.secret)).text)).toMatchObject({
      code: 'permission_denied',
      message: 'virtual key has expired',
    });

    const unknown = await listModels(`sk-gw-${randomBytes(24).toString('base64url')}`);
    expect(unknown.status).toBe(401);
    expect(JSON.parse(unknown.text)).toMatchObject({ code: 'unauthenticated', message: 'invalid virtual key' });
    // A virtual key's secret is not logged.
    expect(gateway.logLines.join('\n')).not.toContain(live.secret);
  });

  it('re-seals provider keys after a master key rotation', async () => {
    const oldKey = randomBytes(32).toString('base64');
    const newKey = randomBytes(32).toString('base64');
    const adminToken = `admin-${randomBytes(16).toString('hex')}`;
    const first = await startGateway({ GATEWAY_MASTER_KEY: oldKey, GATEWAY_ADMIN_TOKEN: adminToken });
    const dataDir = first.dataDir;
    await call(first, 'ProvidersService/CreateProvider', { id: 'oa', name: 'OpenAI', type: 'PROVIDER_TYPE_OPENAI', apiKey: PROVIDER_KEYS.openai }, adminToken);
    await first.gateway.close();

    const second = await startGateway({
      GATEWAY_DATA_DIR: dataDir,
      GATEWAY_MASTER_KEY: newKey,
      GATEWAY_RETIRED_MASTER_KEYS: oldKey,
      GATEWAY_ADMIN_TOKEN: adminToken,
    });
    started.push(second);
    const stored = await second.gateway.storage.providers.get('oa');
    expect(stored?.apiKeyCiphertext.split(':')[1]).toBe(masterKeyId(Buffer.from(newKey, 'base64')));
    expect(second.logLines.some((line) => line.includes('re-encrypted provider keys'))).toBe(true);
    await second.close();
    started.length = 0;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('requires an admin token on MySQL instead of generating one', async () => {
    const settings = { get: async () => null, insertIfAbsent: async () => true, set: async () => {} };
    await expect(resolveAdminToken({ configuredToken: undefined, embedded: false, settings })).rejects.toThrow(
      /GATEWAY_ADMIN_TOKEN is required/,
    );
  });
});
