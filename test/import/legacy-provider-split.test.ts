// The providers an import makes from old providers, and who reaches them: the
// old `acme` (its anthropic models on a provider of their own) next to an old
// provider whose id is `acme-anthropic`, and keys bound by `provider_id`. Each
// old provider's upstream accepts only its own key, so an answer shows whose
// credentials a request used.
import { afterAll, beforeAll, describe, expect, inject, it, test } from 'vitest';
import { adminCaller } from '../helpers/admin-call.js';
import { runCli } from '../helpers/cli-process.js';
import { LEGACY_JWT_SECRET } from './legacy-database-fixture.js';
import { askAs, PITFALL_KEYS, startPitfallScene, type PitfallScene } from './legacy-pitfalls-scene.js';

const serverUrl = inject('mysqlServerUrl');

if (serverUrl === null) {
  test.skip(`legacy provider split NOT RUN (needs MySQL): ${inject('mysqlUnavailableReason') ?? 'no server'}`, () => {});
} else {
  describe('import legacy: one provider per old provider and protocol, and only its keys reach it', () => {
    let scene: PitfallScene;
    let stdout = '';
    const ask = (secret: string, model: string) => askAs(scene.gateway.url, secret, model);

    beforeAll(async () => {
      scene = await startPitfallScene(serverUrl);
      const result = await runCli(['import', 'legacy', '--mysql-url', scene.database.url, '--jwt-secret', LEGACY_JWT_SECRET], scene.gateway.cliEnvironment);
      stdout = result.stdout;
    }, 90_000);
    afterAll(async () => {
      await scene?.close();
    });

    it('gives acme\'s anthropic models a free id when "acme-anthropic" is another old provider, and says so', async () => {
      expect(stdout).toContain('! providers[acme]: its anthropic models need a provider of their own here; "acme-anthropic" is another old provider\'s id, so that provider is "acme-anthropic-2"');
      const admin = adminCaller(scene.gateway.url, scene.gateway.adminToken);
      const { provider: direct } = (await admin('ProvidersService/GetProvider', { id: 'acme-anthropic' })) as { provider: { name: string; models: unknown[] } };
      expect(direct.name).toBe('Direct Claude');
      expect(direct.models).toEqual([expect.objectContaining({ upstreamModel: 'plain-text', alias: 'claude-direct' })]);
      const { provider: acmeAnthropic } = (await admin('ProvidersService/GetProvider', { id: 'acme-anthropic-2' })) as { provider: { name: string; type: string } };
      expect(acmeAnthropic).toMatchObject({ name: 'Acme AI (anthropic)', type: 'PROVIDER_TYPE_ANTHROPIC' });

      // The key bound to acme's Claude (by model_id) reaches acme's anthropic upstream with acme's key …
      expect(await ask(PITFALL_KEYS.modelIdBound, 'claude-chat')).toBe('Hello, world!');
      expect(scene.upstreams.acmeAnthropic.received).toHaveLength(1);
      // … and the old Direct Claude provider still answers its own key's model with its own credentials.
      expect(await ask(PITFALL_KEYS.direct, 'claude-direct')).toBe('Hello, world!');
      expect(scene.upstreams.direct.received.at(-1)?.headers.authorization).toBe('Bearer sk-FAKE-pitfalls-direct-claude-0004');
    });

    it('lets a key bound to an old provider reach only the providers made from it', async () => {
      expect(await ask(PITFALL_KEYS.providerBound, 'openai/plain-text')).toBe('Hello, world!');
      expect(await ask(PITFALL_KEYS.providerBound, 'openai-eu/plain-text')).toMatch(/^refused 40[34]$/);
      expect(scene.upstreams.openaiEu.received).toEqual([]);

      expect(await ask(PITFALL_KEYS.acmeBound, 'acme/plain-text')).toBe('Hello, world!');
      expect(await ask(PITFALL_KEYS.acmeBound, 'acme-anthropic-2/plain-text')).toBe('Hello, world!');
      const directCalls = scene.upstreams.direct.received.length;
      expect(await ask(PITFALL_KEYS.acmeBound, 'acme-anthropic/plain-text')).toMatch(/^refused 40[34]$/);
      expect(scene.upstreams.direct.received.length).toBe(directCalls);

      const admin = adminCaller(scene.gateway.url, scene.gateway.adminToken);
      const { keys } = (await admin('KeysService/ListKeys', {})) as { keys: Array<{ name: string; allowedModels?: string[] }> };
      expect(keys.find((key) => key.name === 'provider-bound')?.allowedModels).toEqual(['openai/*']);
      expect(keys.find((key) => key.name === 'acme-bound')?.allowedModels).toEqual(['acme/*', 'acme-anthropic-2/*']);
    });
  });
}
