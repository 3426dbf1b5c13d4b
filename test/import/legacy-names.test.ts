// Old names are free text; the gateway accepts fewer shapes. A display name
// with spaces, a virtual model called "Smart Router", or a name that is
// another model's identifier must cost that name (reported, with what clients
// send now), never the whole provider, route or key.
import { afterAll, beforeAll, describe, expect, inject, it, test } from 'vitest';
import { runCli } from '../helpers/cli-process.js';
import { LEGACY_JWT_SECRET } from './legacy-database-fixture.js';
import { askAs, PITFALL_KEYS, startPitfallScene, type PitfallScene } from './legacy-pitfalls-scene.js';

const serverUrl = inject('mysqlServerUrl');

if (serverUrl === null) {
  test.skip(`legacy names NOT RUN (needs MySQL): ${inject('mysqlUnavailableReason') ?? 'no server'}`, () => {});
} else {
  describe('import legacy: names the gateway refuses', () => {
    let scene: PitfallScene;
    let result: Awaited<ReturnType<typeof runCli>>;
    const ask = (secret: string, model: string) => askAs(scene.gateway.url, secret, model);

    beforeAll(async () => {
      scene = await startPitfallScene(serverUrl);
      result = await runCli(['import', 'legacy', '--mysql-url', scene.database.url, '--jwt-secret', LEGACY_JWT_SECRET], scene.gateway.cliEnvironment);
    }, 90_000);
    afterAll(async () => {
      await scene?.close();
    });

    it('applies every call: no provider, route or key is lost to one name', () => {
      expect(result.stderr).toBe('');
      expect(result.stdout).not.toContain('✗');
      expect(result.stdout).toMatch(/Applied: (\d+) of \1 calls succeeded\./);
      expect(result.code).toBe(0);
    });

    it('a model whose display name has spaces keeps answering to its identifier, and the line says so', async () => {
      expect(result.stdout).toContain(
        '! models[m02].name: "GPT Mini" is not a valid model name here (1–200 characters, no spaces, not starting with "/"); ' +
          'that model answers to "house/system-prompt" here, which the keys bound to it must send instead: "mini app" (k06)',
      );
      expect(await ask(PITFALL_KEYS.mini, 'house/system-prompt')).toBe('Hi.');
    });

    it('a virtual model "Smart Router" becomes the route "Smart-Router", which its key may call', async () => {
      expect(result.stdout).toContain('+ create route Smart-Router\n');
      expect(result.stdout).toContain('! models[v01].name: "Smart Router" is not a valid route name here');
      expect(result.stdout).toContain('the route is "Smart-Router" — clients must send "Smart-Router" now');
      expect(await ask(PITFALL_KEYS.spacey, 'Smart-Router')).toBe('Hello, world!');
    });

    it('a name that is another model\'s identifier on the provider goes to that model; the other keeps its own identifier', async () => {
      expect(result.stdout).toContain(
        '! models[c01].name: "stop-sequence" is the identifier of models[c02] on provider "house", which answers to it here; ' +
          'that model answers to "house/multi-turn" here, which the keys bound to it must send instead: "house app" (k07)',
      );
      expect(await ask(PITFALL_KEYS.house, 'stop-sequence')).toBe('1 2 3 4 ');
      expect(await ask(PITFALL_KEYS.house, 'house/multi-turn')).toBe('Your name is Ada.');
      expect(await ask(PITFALL_KEYS.house, 'house-latest')).toBe('1 2 3 4 ');
    });
  });
}
