// `llm-gateway import legacy` (the built binary) against a real MariaDB
// seeded with the old gateway's schema and rows, and a built gateway: after
// the import, the OpenAI and Anthropic SDKs call the gateway with the OLD key
// strings and OLD model names and get answers from fixture upstreams that
// received the right provider credentials. A re-run changes nothing.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, inject, it, test } from 'vitest';
import type { FixtureUpstream } from '../fixtures/fixture-upstream.js';
import { adminCaller } from '../helpers/admin-call.js';
import { runCli, type RunningGateway } from '../helpers/cli-process.js';
import type { FreshMysqlDatabase } from '../setup/mariadb.js';
import { draftFromLegacy } from '../../src/import/legacy/import-legacy.js';
import { readLegacyMysql } from '../../src/import/legacy/legacy-database.js';
import { AIFW_FAKE_KEY, LEGACY_JWT_SECRET, OLD_KEYS, ROTATED_JWT_SECRET } from './legacy-database-fixture.js';
import { ACME_KEY, startLegacyScene, type LegacyScene } from './legacy-scene.js';

const serverUrl = inject('mysqlServerUrl');

if (serverUrl === null) {
  test.skip(`legacy import NOT RUN (needs MySQL): ${inject('mysqlUnavailableReason') ?? 'no server'}`, () => {});
} else {
  describe('llm-gateway import legacy', () => {
    let database: FreshMysqlDatabase;
    let gateway: RunningGateway;
    let compatible: FixtureUpstream;
    let anthropicUpstream: FixtureUpstream;
    const importArgs = () => ['import', 'legacy', '--mysql-url', database.url, '--jwt-secret', LEGACY_JWT_SECRET];
    const cli = (...args: string[]) => runCli(args, gateway.cliEnvironment);
    const openai = (secret: string) => new OpenAI({ apiKey: secret, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    const ask = async (secret: string, model: string): Promise<string> => {
      try {
        const answer = await openai(secret).chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });
        return answer.choices[0]?.message.content ?? '(no content)';
      } catch (error) {
        return `refused ${(error as { status?: number }).status}`;
      }
    };

    let scene: LegacyScene | undefined;
    beforeAll(async () => {
      scene = await startLegacyScene(serverUrl);
      ({ database, gateway, compatible, anthropicUpstream } = scene);
    }, 90_000);
    afterAll(async () => {
      await scene?.close();
    });

    it('--dry-run prints the plan without secrets and changes nothing', async () => {
      const result = await cli(...importArgs(), '--dry-run');
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('+ create provider acme\n');
      expect(result.stdout).toContain('+ create provider acme-anthropic\n');
      expect(result.stdout).toContain('+ create route smart\n');
      expect(result.stdout).toContain('+ create key chat app\n');
      expect(result.stdout).toContain('Dry run: nothing was changed.');
      for (const secret of [ACME_KEY, AIFW_FAKE_KEY, ...Object.values(OLD_KEYS), LEGACY_JWT_SECRET]) {
        expect(result.stdout).not.toContain(secret);
      }
      const admin = adminCaller(gateway.url, gateway.adminToken);
      expect(await admin('ProvidersService/ListProviders', {})).toEqual({});
      expect(await admin('KeysService/ListKeys', {})).toEqual({});
    });

    it('imports, reports what it could not map, and the old keys and model names keep working', async () => {
      const result = await cli(...importArgs());
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/Applied: (\d+) of \1 calls succeeded\./);
      // The provider sealed under a rotated JWT_SECRET is reported on its own; everything else came over.
      expect(result.stdout).toContain('! providers[stale].api_key: it could not be decrypted with the given JWT secret');
      expect(result.stdout).toContain('! virtual_keys[k_broken].model_ids: is not valid JSON');
      expect(result.stdout).toContain('! virtual_keys[k_chat].model_ids[3]: names model "m_gone"');
      expect(result.stdout).toContain('! system_config[aifw_http_api_key]');
      expect(result.stdout).toContain('! cost_mappings[6f1c2a44-0000-4000-8000-000000000001]');
      expect(result.stdout).toContain('! api_requests (2 rows): the old gateway\'s request history');
      expect(result.stdout).not.toContain(AIFW_FAKE_KEY);

      // OpenAI SDK, old key, old alias → the OpenAI-compatible upstream with its own key and the real model id.
      expect(await ask(OLD_KEYS.chat, 'fast-chat')).toBe('Hello, world!');
      const upstreamCall = compatible.received.at(-1)!;
      expect(upstreamCall.headers.authorization).toBe(`Bearer ${ACME_KEY}`);
      expect(upstreamCall.headers['x-org']).toBe('acme');
      expect((upstreamCall.body as { model: string }).model).toBe('plain-text');
      // The routing config's virtual model, and the expert route (its judge answers no category → the fallback).
      expect(await ask(OLD_KEYS.chat, 'smart')).toBe('Hello, world!');
      expect(await ask(OLD_KEYS.chat, 'expert-chat')).toBe('Hello, world!');
      // The key is held to its old bindings.
      expect(await ask(OLD_KEYS.chat, 'claude-chat')).toMatch(/^refused 40[34]$/);
      // A key bound to nothing usable came over disabled.
      expect(await ask(OLD_KEYS.broken, 'fast-chat')).toMatch(/^refused 40[13]$/);

      // Anthropic SDK, old key bound by model_id, old name → the anthropic upstream with its key.
      const claude = new Anthropic({ apiKey: OLD_KEYS.claude, baseURL: gateway.url, maxRetries: 0 });
      const message = await claude.messages.create({ model: 'claude-chat', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] });
      expect(message.content[0]).toMatchObject({ type: 'text', text: 'Hello, world!' });
      const anthropicCall = anthropicUpstream.received.at(-1)!;
      expect([anthropicCall.headers['x-api-key'], anthropicCall.headers.authorization]).toContain(
        anthropicCall.headers['x-api-key'] ? ACME_KEY : `Bearer ${ACME_KEY}`,
      );
      // A provider-bound key reaches every model of that provider.
      expect(await ask(OLD_KEYS.provider, 'acme/plain-text')).toBe('Hello, world!');

      const admin = adminCaller(gateway.url, gateway.adminToken);
      const { route } = (await admin('RoutesService/GetRoute', { name: 'balanced' })) as { route: Record<string, unknown> };
      expect(route.strategy).toBe('ROUTE_STRATEGY_WEIGHTED');
      expect(route.targets).toEqual([
        { providerId: 'acme', upstreamModel: 'plain-text', weight: 70 },
        { providerId: 'acme-anthropic', upstreamModel: 'plain-text', weight: 30 },
      ]);
      const { keys } = (await admin('KeysService/ListKeys', {})) as { keys: Array<Record<string, unknown>> };
      const chat = keys.find((key) => key.name === 'chat app')!;
      expect(chat).toMatchObject({ cacheEnabled: true, rateLimits: { requestsPerMinute: 60 }, allowedModels: ['acme/plain-text', 'smart', 'expert-chat'] });
      expect(chat.logRequestBodies).toBeUndefined();
    });

    it('a secret that opens no provider key stops the draft; one that opens some reports the others', async () => {
      const tables = await readLegacyMysql(database.url);
      expect(() => draftFromLegacy(tables, 'FAKE-wrong-jwt-secret-0000000000000000')).toThrow(/none of the 2 stored provider keys decrypts with the given JWT secret/);
      // With the secret the stale key was sealed under, that provider decrypts (and the other one does not).
      const rotated = draftFromLegacy(tables, ROTATED_JWT_SECRET);
      expect(rotated.providers.map((provider) => provider.id)).toEqual(['stale']);
      expect(rotated.providers[0]!.apiKey).toBe('sk-FAKE-stale-provider-key');
      expect(rotated.unmapped.map((item) => item.source)).toContain('providers[acme].api_key');
    });

    it('a re-run plans and changes nothing', async () => {
      const result = await cli(...importArgs());
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Plan: 0 to create, 0 to update, ');
      expect(result.stdout).toContain('= unchanged key chat app');
      expect(result.stdout).toContain('Applied: 0 of 0 calls succeeded.');
      // The same plan for scripts: one JSON document, still without secrets.
      const json = await cli('--json', ...importArgs(), '--dry-run');
      expect(json.code).toBe(0);
      const document = JSON.parse(json.stdout) as { calls: unknown[]; unchanged: unknown[]; unmapped: Array<{ source: string }> };
      expect(document.calls).toEqual([]);
      expect(document.unchanged).toContainEqual({ kind: 'key', name: 'chat app' });
      expect(document.unmapped.map((item) => item.source)).toContain('providers[stale].api_key');
      for (const secret of [ACME_KEY, AIFW_FAKE_KEY, ...Object.values(OLD_KEYS)]) expect(json.stdout).not.toContain(secret);
    });
  });
}
