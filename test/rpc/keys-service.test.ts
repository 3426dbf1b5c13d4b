// KeysService through Connect's in-memory transport: lifecycle, validation,
// admin authentication, and the shared authenticate step's verdicts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Code, ConnectError, createClient, type Client } from '@connectrpc/connect';
import { durationFromMs, timestampFromMs } from '@bufbuild/protobuf/wkt';
import { toJsonString } from '@bufbuild/protobuf';
import { BudgetPeriod, BudgetUnit, GetKeyResponseSchema, KeysService } from '../../gen/llmgateway/v1/keys_service_pb.js';
import { CompletionService } from '../../gen/llmgateway/v1/completion_service_pb.js';
import { adminHeaders, createInMemoryServices, type InMemoryServices } from '../helpers/in-memory-services.js';

async function codeOf(promise: Promise<unknown>): Promise<Code> {
  try {
    await promise;
  } catch (error) {
    return ConnectError.from(error).code;
  }
  throw new Error('expected the call to fail');
}

async function messageOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return ConnectError.from(error).rawMessage;
  }
  throw new Error('expected the call to fail');
}

describe('KeysService', () => {
  let services: InMemoryServices;
  let keys: Client<typeof KeysService>;
  let completion: Client<typeof CompletionService>;
  const options = { headers: adminHeaders };
  /** Calls ListModels with a virtual key: 'ok' when authentication passed, else the error code. */
  const authenticateWithHeaders = async (headers: Record<string, string>): Promise<Code | 'ok'> => {
    try {
      await completion.listModels({}, { headers });
      return 'ok';
    } catch (error) {
      return ConnectError.from(error).code;
    }
  };
  const authenticateWith = (secret: string) => authenticateWithHeaders({ authorization: `Bearer ${secret}` });

  beforeEach(async () => {
    services = await createInMemoryServices();
    keys = createClient(KeysService, services.transport);
    completion = createClient(CompletionService, services.transport);
  });
  afterEach(() => services.close());

  it('creates a key, shows the secret once, and stores only its hash', async () => {
    const created = await keys.createKey(
      {
        name: 'billing-service',
        allowedModels: ['gpt-4o*', 'anthropic/*'],
        rateLimits: { requestsPerMinute: 60, tokensPerMinute: 100_000, concurrentRequests: 4 },
        budget: { amount: 25.5, unit: BudgetUnit.USD, period: BudgetPeriod.MONTH },
        cacheEnabled: true,
        metadata: { team: 'billing', 'cost-center': '42' },
      },
      options,
    );
    expect(created.secret).toMatch(/^sk-gw-[A-Za-z0-9_-]{32}$/);
    const key = created.key!;
    expect(key.enabled).toBe(true);
    expect(key.display).toBe(`${created.secret.slice(0, 10)}…${created.secret.slice(-4)}`);
    expect(key.rateLimits?.tokensPerMinute).toBe(100_000);
    expect(key.budget?.amount).toBe(25.5);
    expect(key.metadata).toEqual({ team: 'billing', 'cost-center': '42' });

    const fetched = await keys.getKey({ id: key.id }, options);
    expect(toJsonString(GetKeyResponseSchema, fetched)).not.toContain(created.secret);
    const stored = await services.storage.keys.get(key.id);
    expect(JSON.stringify(stored)).not.toContain(created.secret);
    expect(stored?.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(await authenticateWith(created.secret)).toBe('ok');
  });

  it('gives 128+ bits of randomness: secrets never repeat', async () => {
    const secrets = new Set<string>();
    for (let index = 0; index < 20; index += 1) {
      secrets.add((await keys.createKey({ name: `k${index}` }, options)).secret);
    }
    expect(secrets.size).toBe(20);
  });

  it('refuses without, or with a wrong, admin token', async () => {
    expect(await codeOf(keys.listKeys({}))).toBe(Code.Unauthenticated);
    expect(await codeOf(keys.listKeys({}, { headers: { authorization: 'Bearer wrong-token-wrong-token-wrong' } }))).toBe(
      Code.Unauthenticated,
    );
    const created = await keys.createKey({ name: 'app' }, options);
    // A virtual key is not an admin credential.
    expect(await codeOf(keys.listKeys({}, { headers: { authorization: `Bearer ${created.secret}` } }))).toBe(
      Code.Unauthenticated,
    );
  });

  it('validates every input and names the field', async () => {
    const cases: Array<[Parameters<typeof keys.createKey>[0], string]> = [
      [{ name: '' }, 'name'],
      [{ name: 'x'.repeat(201) }, 'name'],
      [{ name: 'ok', allowedModels: ['gpt 4'] }, 'allowed_models[0]'],
      [{ name: 'ok', budget: { amount: -1, unit: BudgetUnit.USD, period: BudgetPeriod.DAY } }, 'budget.amount'],
      [{ name: 'ok', budget: { amount: 10, unit: BudgetUnit.UNSPECIFIED, period: BudgetPeriod.DAY } }, 'budget.unit'],
      [{ name: 'ok', budget: { amount: 10, unit: BudgetUnit.TOKENS, period: BudgetPeriod.UNSPECIFIED } }, 'budget.period'],
      [{ name: 'ok', expiresAt: timestampFromMs(Date.now() - 1000) }, 'expires_at'],
      [{ name: 'ok', metadata: { ['k'.repeat(65)]: 'v' } }, 'metadata'],
    ];
    for (const [request, field] of cases) {
      const failure = keys.createKey(request, options);
      const message = await messageOf(failure);
      expect(message, field).toContain(field);
      expect(await codeOf(keys.createKey(request, options))).toBe(Code.InvalidArgument);
    }
    expect(await codeOf(keys.getKey({ id: 'key_missing' }, options))).toBe(Code.NotFound);
    expect(await codeOf(keys.listKeys({ pageSize: 501 }, options))).toBe(Code.InvalidArgument);
  });

  it('updates partially: present fields, or exactly the update mask', async () => {
    const { key } = await keys.createKey({ name: 'before', cacheEnabled: true, metadata: { a: '1' } }, options);
    const renamed = await keys.updateKey({ id: key!.id, name: 'after' }, options);
    expect(renamed.key?.name).toBe('after');
    expect(renamed.key?.cacheEnabled).toBe(true);
    expect(renamed.key?.metadata).toEqual({ a: '1' });

    // A mask can clear: metadata named but empty.
    const cleared = await keys.updateKey({ id: key!.id, updateMask: { paths: ['metadata', 'cache_enabled'] } }, options);
    expect(cleared.key?.metadata).toEqual({});
    expect(cleared.key?.cacheEnabled).toBe(false);
    expect(cleared.key?.name).toBe('after');

    expect(await codeOf(keys.updateKey({ id: key!.id }, options))).toBe(Code.InvalidArgument);
    expect(await messageOf(keys.updateKey({ id: key!.id, updateMask: { paths: ['secret_hash'] } }, options))).toContain(
      'update_mask',
    );
  });

  it('disabling and re-enabling takes effect on the authenticate step at once', async () => {
    const { key, secret } = await keys.createKey({ name: 'app' }, options);
    expect(await authenticateWith(secret)).toBe('ok');
    await keys.updateKey({ id: key!.id, enabled: false }, options);
    expect(await authenticateWith(secret)).toBe(Code.PermissionDenied);
    await keys.updateKey({ id: key!.id, enabled: true }, options);
    expect(await authenticateWith(secret)).toBe('ok');
  });

  it('revokes for good', async () => {
    const { key, secret } = await keys.createKey({ name: 'app' }, options);
    const revoked = await keys.revokeKey({ id: key!.id }, options);
    expect(revoked.key?.enabled).toBe(false);
    expect(revoked.key?.revokedAt).toBeDefined();
    expect(await authenticateWith(secret)).toBe(Code.PermissionDenied);
    expect(await messageOf(completion.listModels({}, { headers: { authorization: `Bearer ${secret}` } }))).toContain('revoked');
    expect(await codeOf(keys.updateKey({ id: key!.id, enabled: true }, options))).toBe(Code.FailedPrecondition);
    expect(await codeOf(keys.rotateKey({ id: key!.id }, options))).toBe(Code.FailedPrecondition);
  });

  it('refuses expired keys, unknown keys and missing credentials', async () => {
    const start = Date.now();
    const { secret } = await keys.createKey({ name: 'short-lived', expiresAt: timestampFromMs(start + 60_000) }, options);
    expect(await authenticateWith(secret)).toBe('ok');
    services.setNow(start + 61_000);
    expect(await authenticateWith(secret)).toBe(Code.PermissionDenied);
    expect(await messageOf(completion.listModels({}, { headers: { authorization: `Bearer ${secret}` } }))).toContain('expired');
    expect(await authenticateWith('sk-gw-not-a-real-key-at-all-000000000000')).toBe(Code.Unauthenticated);
    expect(await codeOf(completion.listModels({}))).toBe(Code.Unauthenticated);
    // x-api-key works as well as Bearer.
    const fresh = await keys.createKey({ name: 'other' }, options);
    expect(await authenticateWithHeaders({ 'x-api-key': fresh.secret })).toBe('ok');
  });

  it('rotates: the new secret works, the old one only for the grace period', async () => {
    const start = Date.now();
    services.setNow(start);
    const { key, secret: oldSecret } = await keys.createKey({ name: 'app' }, options);
    const rotated = await keys.rotateKey({ id: key!.id, gracePeriod: durationFromMs(60_000) }, options);
    expect(rotated.secret).not.toBe(oldSecret);
    expect(rotated.key?.display.endsWith(rotated.secret.slice(-4))).toBe(true);
    expect(await authenticateWith(rotated.secret)).toBe('ok');
    expect(await authenticateWith(oldSecret)).toBe('ok');
    services.setNow(start + 60_001);
    expect(await authenticateWith(oldSecret)).toBe(Code.Unauthenticated);
    expect(await authenticateWith(rotated.secret)).toBe('ok');

    // Default grace is 0: the old secret stops at once.
    const again = await keys.rotateKey({ id: key!.id }, options);
    expect(await authenticateWith(rotated.secret)).toBe(Code.Unauthenticated);
    expect(await authenticateWith(again.secret)).toBe('ok');
    expect(await codeOf(keys.rotateKey({ id: key!.id, gracePeriod: durationFromMs(-5) }, options))).toBe(Code.InvalidArgument);

    // At most two secrets: a rotation ends the grace of the secret an earlier rotation left working.
    const first = await keys.rotateKey({ id: key!.id, gracePeriod: durationFromMs(3_600_000) }, options);
    const second = await keys.rotateKey({ id: key!.id, gracePeriod: durationFromMs(3_600_000) }, options);
    expect(await authenticateWith(again.secret)).toBe(Code.Unauthenticated);
    expect(await authenticateWith(first.secret)).toBe('ok');
    expect(await authenticateWith(second.secret)).toBe('ok');
  });

  it('lists with pagination and filters', async () => {
    for (let index = 0; index < 7; index += 1) {
      await keys.createKey({ name: index % 2 === 0 ? `team-a-${index}` : `TEAM_b-${index}`, enabled: index !== 3 }, options);
    }
    const seen: string[] = [];
    let pageToken = '';
    do {
      const page = await keys.listKeys({ pageSize: 3, pageToken }, options);
      expect(page.keys.length).toBeLessThanOrEqual(3);
      seen.push(...page.keys.map((key) => key.name));
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);

    const teamB = await keys.listKeys({ nameContains: 'team_B' }, options);
    expect(teamB.keys.map((key) => key.name).sort()).toEqual(['TEAM_b-1', 'TEAM_b-3', 'TEAM_b-5']);
    const disabled = await keys.listKeys({ enabled: false }, options);
    expect(disabled.keys.map((key) => key.name)).toEqual(['TEAM_b-3']);
    expect(await codeOf(keys.listKeys({ pageToken: 'garbage!' }, options))).toBe(Code.InvalidArgument);
  });

  it('deletes: the key stops working and is gone', async () => {
    const { key, secret } = await keys.createKey({ name: 'temp' }, options);
    await keys.deleteKey({ id: key!.id }, options);
    expect(await codeOf(keys.getKey({ id: key!.id }, options))).toBe(Code.NotFound);
    expect(await authenticateWith(secret)).toBe(Code.Unauthenticated);
    expect(await codeOf(keys.deleteKey({ id: key!.id }, options))).toBe(Code.NotFound);
  });
});
