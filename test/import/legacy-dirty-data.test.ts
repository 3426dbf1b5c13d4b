// `llm-gateway import legacy` on an old database with values the gateway
// cannot take as they are (legacy-dirty-data-scene.ts): each costs only what it
// is — a price, a key, a binding, a name's last character — and is reported
// with a `!` line; the dry run's plan is what the real run applies (every call
// succeeds); a re-run plans nothing, also after an admin revoked an imported
// key. And the old database is refused as the gateway's own.
import { afterAll, beforeAll, describe, expect, inject, it, test } from 'vitest';
import { adminCaller, type AdminCall } from '../helpers/admin-call.js';
import { runCli } from '../helpers/cli-process.js';
import mysql from 'mysql2/promise';
import { freePort, startGatewayProcess } from '../helpers/gateway-process.js';
import { LEGACY_JWT_SECRET } from './legacy-database-fixture.js';
import { askAs } from './legacy-pitfalls-scene.js';
import { DEEPSEEK_KEY, DIRTY_KEYS, LONG_KEY_NAME, PORTKEY_FAKE_KEY, SHORT_PROVIDER_KEYS, startDirtyScene, type DirtyScene } from './legacy-dirty-data-scene.js';

const serverUrl = inject('mysqlServerUrl');

interface KeyView { id: string; name: string; enabled?: boolean; allowedModels?: string[]; rateLimits?: { requestsPerMinute?: number } }
interface ProviderView { id: string; models: Array<{ upstreamModel: string; prices?: Record<string, number> }> }

if (serverUrl === null) {
  test.skip(`legacy dirty data NOT RUN (needs MySQL): ${inject('mysqlUnavailableReason') ?? 'no server'}`, () => {});
} else {
  describe('import legacy: values the gateway cannot take as they are', () => {
    let scene: DirtyScene;
    let admin: AdminCall;
    let dryRun: Awaited<ReturnType<typeof runCli>>;
    let applied: Awaited<ReturnType<typeof runCli>>;
    const importLegacy = (...extra: string[]) =>
      runCli(['import', 'legacy', '--mysql-url', scene.database.url, '--jwt-secret', LEGACY_JWT_SECRET, ...extra], scene.gateway.cliEnvironment);
    const ask = (secret: string, model: string) => askAs(scene.gateway.url, secret, model);
    const keys = async () => ((await admin('KeysService/ListKeys', { pageSize: 500 })) as { keys: KeyView[] }).keys;
    const key = async (name: string) => (await keys()).find((candidate) => candidate.name === name);

    beforeAll(async () => {
      scene = await startDirtyScene(serverUrl);
      admin = adminCaller(scene.gateway.url, scene.gateway.adminToken);
      dryRun = await importLegacy('--dry-run');
      applied = await importLegacy();
    }, 90_000);
    afterAll(async () => {
      await scene?.close();
    });

    it('the dry run reports each bad value, and the real run then applies every call it planned', () => {
      expect(dryRun.code).toBe(0);
      expect(dryRun.stdout).toContain('+ create provider deepseek\n');
      expect(applied.stderr).toBe('');
      expect(applied.stdout).not.toContain('✗');
      expect(applied.stdout).toMatch(/Applied: (\d+) of \1 calls succeeded\./);
      expect(applied.code).toBe(0);
      for (const secret of [...Object.values(SHORT_PROVIDER_KEYS), DEEPSEEK_KEY, PORTKEY_FAKE_KEY, ...Object.values(DIRTY_KEYS)]) {
        expect(dryRun.stdout).not.toContain(secret);
        expect(applied.stdout).not.toContain(secret);
      }
    });

    it('a price of 1e300 per token costs that price, not the provider: its models, routes and keys work', async () => {
      expect(dryRun.stdout).toContain(
        '! models[m_ds].model_attributes.output_cost_per_token: 1e+300 per token is no price (a price here is a number from 0 to 1 USD per token); left out, so that price is 0 for this model here',
      );
      const { providers } = (await admin('ProvidersService/ListProviders', {})) as { providers: ProviderView[] };
      expect(providers.find((provider) => provider.id === 'deepseek')?.models[0]?.prices).toEqual({ inputPerMillion: 0.27 });
      expect(await ask(DIRTY_KEYS.zeroTemp, 'deepseek-chat')).toBe('Hello, world!');
      expect(await ask(DIRTY_KEYS.zeroTemp, 'ds-route')).toBe('Hello, world!');
    });

    it('a key string the gateway cannot keep is reported with what to do, and no key is made with a secret nobody sees', async () => {
      expect(dryRun.stdout).not.toContain('+ create key dev app');
      expect(dryRun.stdout).toContain(
        '! virtual_keys[k_dev].key_value: is 7 characters long, and the gateway keeps an imported key string only when it is 8–200 visible ASCII characters, ' +
          'so its clients cannot go on using it; not imported — create a key for them (llm-gateway keys create --name "dev app" --allowed-model "azure-east/plain-text") and give them its new secret',
      );
      expect(await key('dev app')).toBeUndefined();
    });

    it('a virtual model whose config is gone is reported, and a key bound to nothing else comes over disabled', async () => {
      expect(dryRun.stdout).toContain(
        '! models[v_dangle0000000000000]: the virtual model "dangling-route" names routing config "rc_gone", which does not exist, so it has no route here; not imported',
      );
      expect(dryRun.stdout).toContain(
        '! models[v_expert]: the virtual model "expert-gone" names expert routing config "ex_gone", which does not exist, so it has no route here; not imported',
      );
      expect(dryRun.stdout).toContain('! virtual_keys[k_dangle].model_ids[0]: names the virtual model "dangling-route", which has no route here (models[v_dangle0000000000000]); left out');
      expect(dryRun.stdout).toContain('! virtual_keys[k_dangle]: is bound to no model that exists, so it could call nothing; imported disabled');
      const dangling = await key('dangling app');
      expect([dangling?.enabled ?? false, dangling?.allowedModels ?? []]).toEqual([false, []]);
      // The key bound to the gone expert model and a real one keeps the real one.
      expect(await key('expert app')).toMatchObject({ enabled: true, allowedModels: ['ollama/plain-text'] });
      expect(await ask(DIRTY_KEYS.expertGone, 'local-chat')).toBe('Hello, world!');
    });

    it('a key name cut at 200 characters keeps whole characters', async () => {
      expect((await key('L'.repeat(199)))?.allowedModels).toEqual(['azure-east/plain-text']);
      expect(LONG_KEY_NAME.length).toBeGreaterThan(200);
      expect(await ask(DIRTY_KEYS.longName, 'az-chat')).toBe('Hello, world!');
      // The short provider key reached its upstream.
      expect(scene.upstreams.azure.received.at(-1)?.headers.authorization).toBe(`Bearer ${SHORT_PROVIDER_KEYS.azure}`);
    });

    it('a rate limit the old gateway never enforced is named per key', async () => {
      expect(dryRun.stdout).toContain(
        '! virtual_keys[k_zero].rate_limit: was 30 requests per minute, which the old gateway never enforced; here it is enforced (a 429 above 30 requests a minute) — raise or clear it on the key if its clients send more',
      );
      expect(await key('zero temp')).toMatchObject({ rateLimits: { requestsPerMinute: 30 } });
    });

    it('request history and the Portkey-era tables are counted and reported, never imported', () => {
      expect(dryRun.stdout).toContain('! api_requests (3 rows): the old gateway\'s request history');
      expect(dryRun.stdout).toContain('! expert_routing_logs (2 rows): the old expert router\'s decision per request; history is not imported');
      expect(dryRun.stdout).toContain('! portkey_gateways (1 row): the Portkey era\'s choice of a Portkey instance');
      expect(dryRun.stdout).toContain('! model_routing_rules (1 row): the Portkey era\'s choice of a Portkey instance');
    });

    it('a re-run plans nothing: short provider keys and cut names compare as the gateway holds them', async () => {
      const again = await importLegacy();
      expect(again.code).toBe(0);
      expect(again.stdout).not.toContain('~ update');
      expect(again.stdout).toContain('Plan: 0 to create, 0 to update, ');
      expect(again.stdout).toContain('= unchanged provider azure-east\n');
      expect(again.stdout).toContain('= unchanged provider ollama\n');
    });

    it('a key an admin revoked is left alone by later imports, with a line saying so', async () => {
      const zero = (await key('zero temp'))!;
      await admin('KeysService/RevokeKey', { id: zero.id });
      const again = await importLegacy();
      expect(again.stderr).toBe('');
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('Plan: 0 to create, 0 to update, ');
      expect(again.stdout).toContain('! key zero temp: was revoked in the gateway; left as it is and not enabled again');
      expect(await ask(DIRTY_KEYS.zeroTemp, 'deepseek-chat')).toMatch(/^refused 40[13]$/);
    });

    it('as DATABASE_URL, the old database is refused before anything is written to it, with the advice to use a separate database', async () => {
      const tables = async (): Promise<string[]> => {
        const connection = await mysql.createConnection({ uri: scene.database.url });
        try {
          const [rows] = await connection.query('SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME');
          return (rows as Array<{ name: string }>).map((row) => row.name);
        } finally {
          await connection.end();
        }
      };
      const before = await tables();
      const started = startGatewayProcess({
        DATABASE_URL: scene.database.url,
        GATEWAY_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
        GATEWAY_ADMIN_TOKEN: 'gw-admin-dirty-data-0123456789abcdef',
        GATEWAY_PORT: String(await freePort()),
        GATEWAY_HOST: '127.0.0.1',
      });
      try {
        expect(await started.exited).toBe(1);
      } finally {
        if (started.child.exitCode === null) started.child.kill('SIGKILL');
      }
      expect(started.output()).toContain('already holds tables named like the gateway\'s (providers, virtual_keys) but no record of its migrations');
      expect(started.output()).toContain('Give the gateway a separate, empty database in DATABASE_URL');
      // The old database is as it was: no migration bookkeeping left behind.
      expect(await tables()).toEqual(before);
      expect(before).not.toContain('gateway_migration');
    });
  });
}
