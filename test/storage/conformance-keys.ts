// Virtual keys part of the conformance suite.
import { expect, test } from 'vitest';
import { StorageConflictError } from '../../src/domain/storage-conflict-error.js';
import type { VirtualKeyRecord } from '../../src/domain/virtual-key.js';
import type { ConformanceContext } from './conformance.js';
import { BEYOND_2038_MS, collectPages, hashOf, makeKey, YEAR_9999_MS } from './fixtures.js';

function byCreatedAtThenId(left: VirtualKeyRecord, right: VirtualKeyRecord): number {
  if (left.createdAt !== right.createdAt) return left.createdAt - right.createdAt;
  return left.id < right.id ? -1 : left.id > right.id ? 1 : 0;
}

export function describeKeysConformance(context: ConformanceContext): void {
  test('insert, get, replace, delete with nulls and with every optional value set', async () => {
    const { keys } = context.storage();
    const plain = makeKey();
    await keys.insert(plain);
    expect(await keys.get(plain.id)).toEqual(plain);
    expect(await keys.get('missing')).toBeNull();

    const full = makeKey({
      name: 'Rotated ключ 🔑',
      previousSecretHash: hashOf('old secret'),
      previousSecretExpiresAt: BEYOND_2038_MS,
      enabled: false,
      expiresAt: YEAR_9999_MS,
      revokedAt: BEYOND_2038_MS + 5,
      allowedModels: [],
      rateLimits: { requestsPerMinute: 0, tokensPerMinute: 0, concurrentRequests: 0 },
      budget: { amount: 12.5, unit: 'usd', period: 'month' },
      cacheEnabled: true,
      logRequestBodies: true,
      metadata: { 'owner 👤': 'Zoë', empty: '', quote: `"'\\` },
      updatedAt: YEAR_9999_MS,
    });
    expect(await keys.replace(full)).toBe(true);
    expect(await keys.get(plain.id)).toEqual(full);
    expect(await keys.replace(makeKey({ id: 'missing' }))).toBe(false);

    expect(await keys.delete(plain.id)).toBe(true);
    expect(await keys.delete(plain.id)).toBe(false);
    expect(await keys.get(plain.id)).toBeNull();
  });

  test('duplicate id or secret hash is a StorageConflictError', async () => {
    const { keys } = context.storage();
    const first = makeKey({ id: 'k1' });
    const second = makeKey({ id: 'k2' });
    await keys.insert(first);
    await keys.insert(second);
    await expect(keys.insert(makeKey({ id: 'k1', secretHash: hashOf('other') }))).rejects.toBeInstanceOf(
      StorageConflictError,
    );
    const sameHash = keys.insert(makeKey({ id: 'k3', secretHash: first.secretHash }));
    await expect(sameHash).rejects.toBeInstanceOf(StorageConflictError);
    await expect(sameHash).rejects.toThrow(/secret hash/);
    await expect(sameHash).rejects.not.toThrow(first.secretHash);
    await expect(keys.replace({ ...second, secretHash: first.secretHash })).rejects.toBeInstanceOf(StorageConflictError);
    expect(await keys.get('k3')).toBeNull();
    expect(await keys.get('k2')).toEqual(second);
  });

  test('findBySecretHash matches the current and the previous hash', async () => {
    const { keys } = context.storage();
    const rotated = makeKey({
      id: 'rotated',
      secretHash: hashOf('new'),
      previousSecretHash: hashOf('old'),
      previousSecretExpiresAt: BEYOND_2038_MS,
    });
    await keys.insert(rotated);
    await keys.insert(makeKey({ id: 'other' }));
    expect(await keys.findBySecretHash(hashOf('new'))).toEqual(rotated);
    expect(await keys.findBySecretHash(hashOf('old'))).toEqual(rotated);
    expect(await keys.findBySecretHash(hashOf('unknown'))).toBeNull();
  });

  test('findBySecretHash prefers a current hash over another key’s previous one', async () => {
    const { keys } = context.storage();
    const shared = hashOf('shared');
    await keys.insert(makeKey({ id: 'a-old', secretHash: hashOf('a'), previousSecretHash: shared }));
    await keys.insert(makeKey({ id: 'b-current', secretHash: shared }));
    expect((await keys.findBySecretHash(shared))?.id).toBe('b-current');
  });

  test('keyset pagination by (createdAt, id) with ties and filters', async () => {
    const { keys } = context.storage();
    const names = ['100% prod', '100x prod', 'a_b', 'axb', 'Mixed CASE', 'mixed case two', 'wow!', 'plain'];
    const records: VirtualKeyRecord[] = [];
    for (let index = 0; index < 24; index += 1) {
      const record = makeKey({
        id: `key-${String((index * 7) % 24).padStart(2, '0')}`,
        name: `${names[index % names.length] ?? 'x'} #${index}`,
        // Few distinct instants, so ids must break the many ties; one past 2038.
        createdAt: index % 3 === 0 ? BEYOND_2038_MS : 1_700_000_000_000 + (index % 2),
        enabled: index % 4 !== 0,
      });
      records.push(record);
      await keys.insert(record);
    }
    const expectedOrder = [...records].sort(byCreatedAtThenId);

    const all = await collectPages((cursor) => keys.list({ limit: 5, cursor }));
    expect(all.items).toEqual(expectedOrder);
    expect(all.pageCount).toBe(5);

    const listIds = async (options: { nameContains?: string; enabled?: boolean }, limit = 2) =>
      (await collectPages((cursor) => keys.list({ limit, cursor, ...options }))).items.map((key) => key.id);
    const expectIds = (predicate: (key: VirtualKeyRecord) => boolean) =>
      expectedOrder.filter(predicate).map((key) => key.id);

    expect(await listIds({ nameContains: '100%' })).toEqual(expectIds((key) => key.name.startsWith('100% ')));
    expect(await listIds({ nameContains: '0%' })).toEqual(expectIds((key) => key.name.startsWith('100% ')));
    expect(await listIds({ nameContains: 'a_b' })).toEqual(expectIds((key) => key.name.startsWith('a_b')));
    expect(await listIds({ nameContains: '_' })).toEqual(expectIds((key) => key.name.includes('_')));
    expect(await listIds({ nameContains: 'w!' })).toEqual(expectIds((key) => key.name.startsWith('wow!')));
    expect(await listIds({ nameContains: 'MIXED case' })).toEqual(
      expectIds((key) => key.name.toLowerCase().startsWith('mixed case')),
    );
    expect(await listIds({ nameContains: 'no such name' })).toEqual([]);
    expect(await listIds({ enabled: false })).toEqual(expectIds((key) => !key.enabled));
    expect(await listIds({ enabled: true }, 7)).toEqual(expectIds((key) => key.enabled));
    expect(await listIds({ nameContains: 'PROD', enabled: true }, 1)).toEqual(
      expectIds((key) => key.enabled && key.name.includes('prod')),
    );
  });

  test('null filters mean no filter', async () => {
    const { keys } = context.storage();
    await keys.insert(makeKey({ id: 'on' }));
    await keys.insert(makeKey({ id: 'off', enabled: false }));
    const page = await keys.list({ limit: 10, cursor: null, nameContains: null, enabled: null });
    expect(page.items.map((key) => key.id).sort()).toEqual(['off', 'on']);
    expect(page.nextCursor).toBeNull();
  });
}
