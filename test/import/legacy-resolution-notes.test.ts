// The old gateway resolved a model name per key, among the models that key was
// bound to; the gateway resolves it once for every key (a route's name before
// a provider model's, one name per model of a provider) and needs a model in
// each request. The plan names each key whose clients must send something
// else, and says what; what it says is then true of the imported gateway.
import { afterAll, beforeAll, describe, expect, inject, it, test } from 'vitest';
import { runCli } from '../helpers/cli-process.js';
import { LEGACY_JWT_SECRET } from './legacy-database-fixture.js';
import { askAs, PITFALL_KEYS, startPitfallScene, type PitfallScene } from './legacy-pitfalls-scene.js';

const serverUrl = inject('mysqlServerUrl');

if (serverUrl === null) {
  test.skip(`legacy resolution notes NOT RUN (needs MySQL): ${inject('mysqlUnavailableReason') ?? 'no server'}`, () => {});
} else {
  describe('import legacy: what old clients must send differently, per key', () => {
    let scene: PitfallScene;
    let plan = '';
    const ask = (secret: string, model: string) => askAs(scene.gateway.url, secret, model);

    beforeAll(async () => {
      scene = await startPitfallScene(serverUrl);
      const args = ['import', 'legacy', '--mysql-url', scene.database.url, '--jwt-secret', LEGACY_JWT_SECRET];
      const dryRun = await runCli([...args, '--dry-run'], scene.gateway.cliEnvironment);
      expect(dryRun.stderr).toBe('');
      plan = dryRun.stdout;
      await runCli(args, scene.gateway.cliEnvironment);
    }, 90_000);
    afterAll(async () => {
      await scene?.close();
    });

    it('a virtual model named like a real model: the route takes the bare name, and the real model\'s keys are named', async () => {
      expect(plan).toContain(
        '! model name "gpt-4o": is a route here (an old virtual model or routing config) and also a name of openai/plain-text; ' +
          'the route wins the bare name, so the keys bound to that model must send "<provider>/<model>" (e.g. "openai/plain-text"): ' +
          '"chat app" (k09), "chat and stale" (k10)',
      );
      // The route answers "gpt-4o" only to keys allowed it; the real model's key reaches its model by the qualified name.
      expect(await ask(PITFALL_KEYS.chat, 'gpt-4o')).toMatch(/^refused 40[34]$/);
      expect(await ask(PITFALL_KEYS.chat, 'openai/plain-text')).toBe('Hello, world!');
      expect(scene.upstreams.openai.received.at(-1)?.headers.authorization).toBe('Bearer sk-FAKE-pitfalls-openai-0001');
    });

    it('a second model of one provider with the same name answers to its identifier, and its keys are named', async () => {
      expect(plan).toContain(
        '! models[l02].name: "local-chat" is already the name of models[l01] on provider "house"; ' +
          'that model answers to "house/json-schema" here, which the keys bound to it must send instead: "local app" (k08)',
      );
      expect(await ask(PITFALL_KEYS.local, 'local-chat')).toMatch(/^refused 40[34]$/);
      expect(await ask(PITFALL_KEYS.local, 'house/json-schema')).toContain('"name":"Ada"');
    });

    it('keys the old gateway resolved by model_id, by provider_id or without a model are named with what they must send', async () => {
      expect(plan).toContain(
        '! virtual_keys[k03].model_id: the old gateway sent every request of this key to that model whatever "model" it named; ' +
          'here the key may call only it, and each request must name it ("acme-anthropic-2/plain-text")',
      );
      expect(await ask(PITFALL_KEYS.modelIdBound, 'any-model-at-all')).toMatch(/^refused 40[34]$/);
      expect(await ask(PITFALL_KEYS.modelIdBound, 'acme-anthropic-2/plain-text')).toBe('Hello, world!');
      expect(plan).toContain(
        '! virtual_keys[k01].provider_id: the old gateway passed any model string to provider "openai"; here the key reaches the models listed for openai',
      );
      expect(await ask(PITFALL_KEYS.providerBound, 'openai/unlisted-model')).toMatch(/^refused 40[34]$/);
      expect(plan).toMatch(/! virtual_keys \(\d+ bound by model_ids\): a request without "model" went to the key's first bound model in the old gateway; here every request must name its model/);
    });

    it('a setting of the old gateway is reported with what is true here, never an environment variable that does not exist', () => {
      expect(plan).toContain('! system_config[litellm_compat_enabled]: /v1/model/info (the LiteLLM-style model list) is not served here; GET /v1/models lists what a key may call; not imported');
      expect(plan).not.toContain('environment variables here');
    });
  });
}
