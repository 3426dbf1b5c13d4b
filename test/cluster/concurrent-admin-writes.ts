// Concurrent admin writes through two gateway processes on one database: for
// many records at once, several calls on the same record, spread over both
// processes, all in flight together. Each scenario checks what an admin relies
// on afterwards — a revoked key stays revoked and its secret refused, every
// partial update holds, a rotated secret works, no route cycle is stored —
// never how long anything took. The test files start the deployment.
import OpenAI from 'openai';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startFixture } from '../completion/matrix-setup.js';
import type { FixtureUpstream } from '../fixtures/fixture-upstream.js';

/** Records raced at once in a round, each by several calls. */
const RECORDS = 150;

/** Each scenario makes thousands of admin calls; the generous limit only keeps a loaded machine from failing it. */
const SCENARIO_TIMEOUT_MS = 180_000;

export interface AdminAnswer {
  status: number;
  body: Record<string, unknown>;
}

export interface GatewayUnderTest {
  url: string;
  call(method: string, body: object): Promise<AdminAnswer>;
}

export function gatewayUnderTest(url: string, adminToken: string): GatewayUnderTest {
  return {
    url,
    async call(method, body) {
      const response = await fetch(`${url}/llmgateway.v1.${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
  };
}

export interface TwoGateways {
  first: GatewayUnderTest;
  second: GatewayUnderTest;
}

interface StoredKey {
  id: string;
  name: string;
  enabled?: boolean;
  revokedAt?: string;
  allowedModels?: string[];
  cacheEnabled?: boolean;
  metadata?: Record<string, string>;
  rateLimits?: { requestsPerMinute?: number };
}

const indexes = () => Array.from({ length: RECORDS }, (_, index) => index);

async function ok(gateway: GatewayUnderTest, method: string, body: object): Promise<Record<string, unknown>> {
  const answer = await gateway.call(method, body);
  expect(answer.status, `${method}: ${JSON.stringify(answer.body)}`).toBe(200);
  return answer.body;
}

type Call<T> = (gateway: GatewayUnderTest) => Promise<T>;

/**
 * The calls on record `index`, all at once: call j goes to process (j + index) mod 2, and the calls
 * are sent starting at j = index mod their count. An update is lost when one call reads before
 * another writes and writes after it; varying who goes where and first covers every side of that.
 */
async function raced<T>(gateways: TwoGateways, index: number, calls: Array<Call<T>>): Promise<T[]> {
  const answers = new Array<Promise<T>>(calls.length);
  for (let step = 0; step < calls.length; step += 1) {
    const position = (index + step) % calls.length;
    answers[position] = calls[position]!((position + index) % 2 === 0 ? gateways.first : gateways.second);
  }
  return Promise.all(answers);
}

async function createKeys(gateway: GatewayUnderTest, prefix: string): Promise<Array<{ id: string; secret: string }>> {
  return Promise.all(
    indexes().map(async (index) => {
      const created = await ok(gateway, 'KeysService/CreateKey', { name: `${prefix}-${index}` });
      return { id: (created['key'] as StoredKey).id, secret: String(created['secret']) };
    }),
  );
}

const getKey = async (gateway: GatewayUnderTest, id: string) => (await ok(gateway, 'KeysService/GetKey', { id }))['key'] as StoredKey;

/** The HTTP status a client with this secret gets when it lists models (the official OpenAI client). */
async function modelsStatus(gateway: GatewayUnderTest, secret: string): Promise<number> {
  const client = new OpenAI({ apiKey: secret, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
  try {
    await client.models.list();
    return 200;
  } catch (error) {
    if (error instanceof OpenAI.APIError && error.status !== undefined) return error.status;
    throw error;
  }
}

export interface RaceOptions {
  /**
   * Rounds per scenario, each on fresh records. Without concurrency control MySQL loses updates on many
   * of a round's records; SQLite, where a process reads and writes a record within microseconds, on a
   * handful (measured before the fix: 0–7 of 150 per round, and now and then none in three rounds), so it
   * gets more rounds — enough that every scenario failed in every run before the fix.
   */
  rounds: number;
}

export function describeConcurrentAdminWrites(deployment: () => TwoGateways, options: RaceOptions): void {
  /** Runs `race` once per round, one round after the other, so each checks its own fresh records. */
  const inRounds = async (race: (round: number) => Promise<void>) => {
    for (let round = 0; round < options.rounds; round += 1) await race(round);
  };
  let fixture: FixtureUpstream | undefined;
  const upstream = async () => {
    fixture ??= await startFixture('openai-compatible');
    return fixture;
  };
  const createProvider = async (gateway: GatewayUnderTest, id: string) => {
    const { baseUrl, apiKey } = await upstream();
    await ok(gateway, 'ProvidersService/CreateProvider', {
      id,
      name: id,
      type: 'PROVIDER_TYPE_OPENAI_COMPATIBLE',
      baseUrl,
      apiKey,
      models: [{ upstreamModel: 'plain-text' }],
    });
  };

  // A fresh process answers its first few hundred admin calls with code not yet optimized, at another
  // pace than a running gateway (and, measured, with far fewer interleavings); warm both up first.
  beforeAll(async () => {
    const gateways = deployment();
    const keys = await createKeys(gateways.first, 'warm-up');
    await Promise.all(
      keys.map(({ id }, index) =>
        raced(gateways, index, [
          (gateway) => gateway.call('KeysService/UpdateKey', { id, metadata: { warm: 'up' } }),
          (gateway) => gateway.call('KeysService/GetKey', { id }),
          (gateway) => gateway.call('KeysService/DeleteKey', { id }),
        ]),
      ),
    );
  });

  afterAll(async () => {
    await fixture?.close();
  });

  test('a RevokeKey racing UpdateKey calls on both processes stays revoked, the updates hold too, and the secret is refused', async () => {
    await inRounds(async (round) => {
      const gateways = deployment();
      const keys = await createKeys(gateways.first, `revoke-${round}`);
      const answers = await Promise.all(
        keys.map(({ id }, index) =>
          raced(gateways, index, [
            (gateway) => gateway.call('KeysService/RevokeKey', { id }),
            (gateway) => gateway.call('KeysService/UpdateKey', { id, metadata: { team: 'blue' } }),
            (gateway) => gateway.call('KeysService/UpdateKey', { id, rateLimits: { requestsPerMinute: 5 } }),
            (gateway) => gateway.call('KeysService/UpdateKey', { id, name: `revoke-${index} renamed` }),
          (gateway) => gateway.call('KeysService/UpdateKey', { id, allowedModels: ['plain-*'] }),
          (gateway) => gateway.call('KeysService/UpdateKey', { id, cacheEnabled: true }),
          ]),
        ),
      );
      expect(answers.flat().filter((answer) => answer.status !== 200)).toEqual([]);

      const after = await Promise.all(keys.map(({ id }) => getKey(gateways.first, id)));
      expect(after.filter((key) => key.revokedAt === undefined || key.enabled === true).map((key) => key.id)).toEqual([]);
      expect(after.map((key) => [key.metadata?.['team'], key.rateLimits?.requestsPerMinute, key.name, key.allowedModels, key.cacheEnabled])).toEqual(
        keys.map((_, index) => ['blue', 5, `revoke-${index} renamed`, ['plain-*'], true]),
      );
      const statuses = await Promise.all(keys.map(({ secret }) => modelsStatus(gateways.second, secret)));
      expect(statuses.filter((status) => status === 200)).toEqual([]);
    });
  }, SCENARIO_TIMEOUT_MS);

  test('UpdateKey calls on different fields, on both processes at once, all hold', async () => {
    await inRounds(async (round) => {
      const gateways = deployment();
      const keys = await createKeys(gateways.first, `fields-${round}`);
      await Promise.all(
        keys.map(({ id }, index) =>
          raced(gateways, index, [
            (gateway) => ok(gateway, 'KeysService/UpdateKey', { id, name: `fields-${index} renamed` }),
            (gateway) => ok(gateway, 'KeysService/UpdateKey', { id, rateLimits: { requestsPerMinute: 5 } }),
            (gateway) => ok(gateway, 'KeysService/UpdateKey', { id, metadata: { team: 'blue' } }),
            (gateway) => ok(gateway, 'KeysService/UpdateKey', { id, allowedModels: ['plain-*'] }),
          ]),
        ),
      );
      const after = await Promise.all(keys.map(({ id }) => getKey(gateways.second, id)));
      expect(after.map((key) => [key.name, key.rateLimits?.requestsPerMinute, key.metadata?.['team'], key.allowedModels])).toEqual(
        keys.map((_, index) => [`fields-${index} renamed`, 5, 'blue', ['plain-*']]),
      );
    });
  }, SCENARIO_TIMEOUT_MS);

  test('a RotateKey without grace racing UpdateKey calls returns a secret that works, retires the old one, and keeps the updates', async () => {
    await inRounds(async (round) => {
      const gateways = deployment();
      const keys = await createKeys(gateways.first, `rotate-${round}`);
      const rotated = await Promise.all(
        keys.map(async ({ id }, index) => {
          const [rotation] = await raced(gateways, index, [
            (gateway) => ok(gateway, 'KeysService/RotateKey', { id }),
            (gateway) => ok(gateway, 'KeysService/UpdateKey', { id, metadata: { team: 'green' } }),
            (gateway) => ok(gateway, 'KeysService/UpdateKey', { id, rateLimits: { requestsPerMinute: 7 } }),
            (gateway) => ok(gateway, 'KeysService/UpdateKey', { id, name: `rotate-${index} renamed` }),
            (gateway) => ok(gateway, 'KeysService/UpdateKey', { id, allowedModels: ['plain-*'] }),
          ]);
          return String(rotation!['secret']);
        }),
      );
      const newSecrets = await Promise.all(rotated.map((secret) => modelsStatus(gateways.second, secret)));
      expect(newSecrets.filter((status) => status !== 200)).toEqual([]);
      const oldSecrets = await Promise.all(keys.map(({ secret }) => modelsStatus(gateways.second, secret)));
      expect(oldSecrets.filter((status) => status === 200)).toEqual([]);
      const after = await Promise.all(keys.map(({ id }) => getKey(gateways.first, id)));
      expect(after.map((key) => [key.metadata?.['team'], key.rateLimits?.requestsPerMinute, key.name, key.allowedModels])).toEqual(
        keys.map((_, index) => ['green', 7, `rotate-${index} renamed`, ['plain-*']]),
      );
    });
  }, SCENARIO_TIMEOUT_MS);

  test('UpdateProvider calls that disable, rename and add a header, on both processes at once, all hold', async () => {
    await inRounds(async (round) => {
      const gateways = deployment();
      const ids = indexes().map((index) => `race-provider-${round}-${index}`);
      await Promise.all(ids.map((id) => createProvider(gateways.first, id)));
      await Promise.all(
        ids.map((id, index) =>
          raced(gateways, index, [
            (gateway) => ok(gateway, 'ProvidersService/UpdateProvider', { id, enabled: false }),
            (gateway) => ok(gateway, 'ProvidersService/UpdateProvider', { id, name: `${id} renamed` }),
            (gateway) => ok(gateway, 'ProvidersService/UpdateProvider', { id, extraHeaders: { 'x-team': 'blue' } }),
          ]),
        ),
      );
      const after = await Promise.all(
        ids.map(async (id) => (await ok(gateways.second, 'ProvidersService/GetProvider', { id }))['provider'] as { name: string; enabled?: boolean; extraHeaders?: Record<string, string> }),
      );
      expect(after.map((provider) => [provider.name, provider.enabled ?? false, provider.extraHeaders?.['x-team']])).toEqual(
        ids.map((id) => [`${id} renamed`, false, 'blue']),
      );
    });
  }, SCENARIO_TIMEOUT_MS);

  test('UpdatePromptRule calls on different fields, on both processes at once, all hold', async () => {
    await inRounds(async (round) => {
      const gateways = deployment();
      await createProvider(gateways.first, `rules-upstream-${round}`);
      await ok(gateways.first, 'RoutesService/CreateRoute', {
        name: `ruled-${round}`,
        strategy: 'ROUTE_STRATEGY_PRIORITY',
        targets: [{ providerId: `rules-upstream-${round}`, upstreamModel: 'plain-text' }],
      });
      const ids = await Promise.all(
        indexes().map(async (index) => {
          const created = await ok(gateways.first, 'PromptRulesService/CreatePromptRule', {
            name: `rule-${index}`,
            scope: 'PROMPT_RULE_SCOPE_ROUTE',
            scopeId: `ruled-${round}`,
            operation: 'PROMPT_RULE_OPERATION_PREPEND_SYSTEM',
            text: 'Be brief.',
          });
          return (created['rule'] as { id: string }).id;
        }),
      );
      await Promise.all(
        ids.map((id, index) =>
          raced(gateways, index, [
            (gateway) => ok(gateway, 'PromptRulesService/UpdatePromptRule', { id, text: 'Answer in French.' }),
            (gateway) => ok(gateway, 'PromptRulesService/UpdatePromptRule', { id, order: 7 }),
            (gateway) => ok(gateway, 'PromptRulesService/UpdatePromptRule', { id, enabled: false }),
            (gateway) => ok(gateway, 'PromptRulesService/UpdatePromptRule', { id, name: `rule-${index} renamed` }),
          ]),
        ),
      );
      const after = await Promise.all(
        ids.map(async (id) => (await ok(gateways.second, 'PromptRulesService/GetPromptRule', { id }))['rule'] as { name: string; text: string; order?: number; enabled?: boolean }),
      );
      expect(after.map((rule) => [rule.name, rule.text, rule.order, rule.enabled ?? false])).toEqual(
        ids.map((_, index) => [`rule-${index} renamed`, 'Answer in French.', 7, false]),
      );
    });
  }, SCENARIO_TIMEOUT_MS);

  test('UpdateRoute a → b on one process racing b → a on the other: one is refused as a cycle, and no cycle is stored', async () => {
    await inRounds(async (round) => {
      const gateways = deployment();
      await createProvider(gateways.first, `cycle-upstream-${round}`);
      const target = [{ providerId: `cycle-upstream-${round}`, upstreamModel: 'plain-text' }];
      const pairs = indexes().map((index) => [`cycle-a-${round}-${index}`, `cycle-b-${round}-${index}`] as const);
      await Promise.all(
        pairs.flat().map((name) => ok(gateways.first, 'RoutesService/CreateRoute', { name, strategy: 'ROUTE_STRATEGY_PRIORITY', targets: target })),
      );
      const answers = await Promise.all(
        pairs.map(([a, b], index) =>
          raced(gateways, index, [
            (gateway) => gateway.call('RoutesService/UpdateRoute', { name: a, targets: [{ route: b }] }),
            (gateway) => gateway.call('RoutesService/UpdateRoute', { name: b, targets: [{ route: a }] }),
          ]),
        ),
      );
      // Exactly one of each pair is saved; the other is refused with the cycle it would close.
      expect(answers.map((pair) => pair.map((answer) => answer.status).sort())).toEqual(pairs.map(() => [200, 400]));
      for (const refusal of answers.flat().filter((answer) => answer.status !== 200)) {
        expect(refusal.body).toMatchObject({ code: 'invalid_argument', message: expect.stringContaining('would create a cycle') });
      }

      // Stored, as every process loads it: one route of each pair targets the other, which still targets the provider.
      const routeTargetsOf = async (name: string) =>
        ((await ok(gateways.second, 'RoutesService/GetRoute', { name }))['route'] as { targets: Array<{ route?: string }> }).targets
          .map((entry) => entry.route ?? '')
          .filter((route) => route !== '');
      const stored = await Promise.all(pairs.map(async ([a, b]) => [await routeTargetsOf(a), await routeTargetsOf(b)] as const));
      expect(stored.filter(([ofA, ofB]) => ofA.length > 0 && ofB.length > 0)).toEqual([]);
      // So each pair can be deleted again, the referring route first (a cycle would refuse both deletes).
      for (const [index, [a, b]] of pairs.entries()) {
        const [referring, referred] = stored[index]![0].length > 0 ? [a, b] : [b, a];
        await ok(gateways.first, 'RoutesService/DeleteRoute', { name: referring });
        await ok(gateways.second, 'RoutesService/DeleteRoute', { name: referred });
      }
    });
  }, SCENARIO_TIMEOUT_MS);
}
