// Re-running `import legacy` with another JWT secret against a gateway that
// already holds the import: a secret that opens none of the stored provider
// keys is refused before anything is planned (exit 3), and one that opens only
// some (a provider sealed before a rotation) neither switches off nor narrows
// the keys and routes that lead to the providers it cannot open. Old
// applications keep working throughout.
import { afterAll, beforeAll, describe, expect, inject, it, test } from 'vitest';
import { adminCaller, type AdminCall } from '../helpers/admin-call.js';
import { runCli } from '../helpers/cli-process.js';
import { LEGACY_JWT_SECRET, ROTATED_JWT_SECRET } from './legacy-database-fixture.js';
import { askAs, PITFALL_KEYS, startPitfallScene, type PitfallScene } from './legacy-pitfalls-scene.js';

const serverUrl = inject('mysqlServerUrl');
const WRONG_SECRET = 'FAKE-mistyped-jwt-secret-000000000000000000';

interface KeyView { name: string; enabled?: boolean; allowedModels?: string[] }

if (serverUrl === null) {
  test.skip(`legacy secret re-run NOT RUN (needs MySQL): ${inject('mysqlUnavailableReason') ?? 'no server'}`, () => {});
} else {
  describe('import legacy re-run with a wrong or rotated JWT secret', () => {
    let scene: PitfallScene;
    let admin: AdminCall;
    const importWith = (secret: string, ...extra: string[]) =>
      runCli(['import', 'legacy', '--mysql-url', scene.database.url, '--jwt-secret', secret, ...extra], scene.gateway.cliEnvironment);
    const ask = (secret: string, model: string) => askAs(scene.gateway.url, secret, model);
    const keys = async () => ((await admin('KeysService/ListKeys', {})) as { keys: KeyView[] }).keys;
    const key = async (name: string) => (await keys()).find((candidate) => candidate.name === name)!;
    const routeTargets = async (name: string) => ((await admin('RoutesService/GetRoute', { name })) as { route: { targets: unknown[] } }).route.targets;

    beforeAll(async () => {
      scene = await startPitfallScene(serverUrl);
      admin = adminCaller(scene.gateway.url, scene.gateway.adminToken);
      await importWith(LEGACY_JWT_SECRET);
    }, 90_000);
    afterAll(async () => {
      await scene?.close();
    });

    it('a secret that opens no provider key is refused (exit 3) and changes nothing, dry run or not', async () => {
      const before = await keys();
      for (const extra of [['--dry-run'], []]) {
        const result = await importWith(WRONG_SECRET, ...extra);
        expect(result.code).toBe(3);
        expect(result.stdout).toBe('');
        expect(result.stderr).toContain('none of the 6 stored provider keys decrypts with the given JWT secret');
        expect(result.stderr).not.toContain(WRONG_SECRET);
      }
      expect(await keys()).toEqual(before);
      expect(await ask(PITFALL_KEYS.chat, 'openai/plain-text')).toBe('Hello, world!');
      expect(await ask(PITFALL_KEYS.direct, 'claude-direct')).toBe('Hello, world!');
    });

    it('a secret that opens only some providers adds what it opens and keeps what leads to the others', async () => {
      // The first import could not open "stale": its key came over disabled, the route without it.
      const staleOnly = await key('stale only');
      expect([staleOnly.enabled ?? false, staleOnly.allowedModels ?? []]).toEqual([false, []]);
      expect(await routeTargets('stale-mix')).toEqual([{ providerId: 'openai', upstreamModel: 'plain-text', weight: 1 }]);

      // The secret "stale" was sealed under opens it, and no other provider.
      const rotated = await importWith(ROTATED_JWT_SECRET);
      expect(rotated.stdout).toMatch(/Applied: (\d+) of \1 calls succeeded\./);
      expect(rotated.stdout).toContain('+ create provider stale\n');
      expect(rotated.stdout).toContain('! virtual_keys[k09]: is bound to models of providers whose key did not decrypt (openai)');
      expect(rotated.stdout).not.toMatch(/~ update key (chat app|provider-bound|mini app|local app|house app|direct app|model_id app|acme-bound|spacey)\b/);
      expect(rotated.stdout).not.toContain('~ update route stale-mix');
      // Keys of the providers it could not open are as they were, still on and still working …
      expect(await key('chat app')).toMatchObject({ enabled: true, allowedModels: ['openai/plain-text', 'stale-mix'] });
      expect(await ask(PITFALL_KEYS.chat, 'openai/plain-text')).toBe('Hello, world!');
      expect(await ask(PITFALL_KEYS.providerBound, 'openai/plain-text')).toBe('Hello, world!');
      // … the key bound to both kept its openai model and gained the stale one …
      expect(await key('chat and stale')).toMatchObject({ enabled: true, allowedModels: ['openai/plain-text', 'stale/plain-text'] });
      expect(await ask(PITFALL_KEYS.chatAndStale, 'stale/plain-text')).toBe('Hello, world!');
      expect(scene.upstreams.stale.received.at(-1)?.headers.authorization).toBe('Bearer sk-FAKE-pitfalls-stale-0005');
      // … and the key bound to stale alone is on now, limited to it.
      expect(await key('stale only')).toMatchObject({ enabled: true, allowedModels: ['stale/plain-text'] });
      // The route still has its openai target (this run could not judge it).
      expect(await routeTargets('stale-mix')).toEqual([{ providerId: 'openai', upstreamModel: 'plain-text', weight: 1 }]);

      // Back with the right secret, which cannot open "stale": what leads there stays, the rest is unchanged.
      const again = await importWith(LEGACY_JWT_SECRET);
      expect(again.stdout).toContain('Plan: 0 to create, 0 to update, ');
      expect(await key('stale only')).toMatchObject({ enabled: true, allowedModels: ['stale/plain-text'] });
      expect(await ask(PITFALL_KEYS.staleOnly, 'stale/plain-text')).toBe('Hello, world!');
    });
  });
}
