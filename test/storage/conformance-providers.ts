// Providers part of the conformance suite.
import { expect, test } from 'vitest';
import type { ProviderRecord } from '../../src/domain/provider.js';
import { StorageConflictError } from '../../src/domain/storage-conflict-error.js';
import { InvalidCursorError } from '../../src/storage/index.js';
import type { ConformanceContext } from './conformance.js';
import { BEYOND_2038_MS, collectPages, makeProvider, YEAR_9999_MS } from './fixtures.js';

export function describeProvidersConformance(context: ConformanceContext): void {
  test('insert, get, replace, delete', async () => {
    const { providers } = context.storage();
    const provider = makeProvider();
    await providers.insert(provider);
    expect(await providers.get(provider.id)).toEqual(provider);
    expect(await providers.get('missing')).toBeNull();

    const changed = makeProvider({
      name: 'Renamed',
      type: 'azure-openai',
      enabled: false,
      models: [],
      extraHeaders: {},
      azureApiVersion: '2024-10-21',
      updatedAt: YEAR_9999_MS,
    });
    expect(await providers.replace(changed)).toBe(true);
    expect(await providers.get(provider.id)).toEqual(changed);
    expect(await providers.replace(changed)).toBe(true); // an unchanged row still exists
    expect(await providers.replace(makeProvider({ id: 'missing' }))).toBe(false);

    expect(await providers.delete(provider.id)).toBe(true);
    expect(await providers.delete(provider.id)).toBe(false);
    expect(await providers.get(provider.id)).toBeNull();
  });

  test('upstream quotas and queue settings round-trip, and clearing them reads back as none', async () => {
    const { providers } = context.storage();
    const quota = { requestsPerMinute: 500, tokensPerMinute: 90_000, maxConcurrent: 10 };
    const provider = makeProvider({
      quota,
      queue: { maxLength: 0, maxWaitMs: 2_500 },
      models: [
        { upstreamModel: 'gpt-4o', alias: '', enabled: true, deployment: '', prices: null, quota: { requestsPerMinute: 0, tokensPerMinute: 0, maxConcurrent: 2 } },
        { upstreamModel: 'gpt-4o-mini', alias: '', enabled: true, deployment: '', prices: null },
      ],
    });
    await providers.insert(provider);
    expect(await providers.get(provider.id)).toEqual(provider);

    const cleared = makeProvider({ models: [{ upstreamModel: 'gpt-4o', alias: '', enabled: true, deployment: '', prices: null }] });
    expect(await providers.replace(cleared)).toBe(true);
    const read = await providers.get(provider.id);
    expect(read).toEqual(cleared);
    expect(read).not.toHaveProperty('quota');
    expect(read).not.toHaveProperty('queue');
    expect(read?.models[0]).not.toHaveProperty('quota');
  });

  test('a duplicate id is a StorageConflictError', async () => {
    const { providers } = context.storage();
    await providers.insert(makeProvider());
    await expect(providers.insert(makeProvider({ name: 'Other' }))).rejects.toBeInstanceOf(StorageConflictError);
    expect((await providers.get('prov-1'))?.name).toBe('Primary OpenAI');
  });

  test('JSON columns round-trip unicode, quotes, nulls and booleans', async () => {
    const { providers } = context.storage();
    const provider = makeProvider({
      name: 'Ünïcödé 提供者 🚀',
      extraHeaders: { 'x-emoji': '🚀✨', 'x-quote': `it's "quoted" \\ back\nslash`, 'x-cjk': '中文' },
      models: [
        { upstreamModel: 'modèle-ß', alias: '别名😀', enabled: false, deployment: '', prices: null },
        {
          upstreamModel: 'm2',
          alias: '',
          enabled: true,
          deployment: 'dep',
          prices: { inputPerMillion: 0.15, outputPerMillion: 0.6, cachedInputPerMillion: 0, cacheWritePerMillion: 3.75 },
        },
        {
          upstreamModel: 'whisper-1',
          alias: '',
          enabled: true,
          deployment: '',
          prices: { inputPerMillion: 0, outputPerMillion: 0, cachedInputPerMillion: 0, cacheWritePerMillion: 0, perImage: 0.04, perAudioSecond: 0.0001, perMillionCharacters: 15 },
        },
      ],
      createdAt: BEYOND_2038_MS,
      updatedAt: YEAR_9999_MS,
    });
    await providers.insert(provider);
    expect(await providers.get(provider.id)).toEqual(provider);
  });

  test('keyset pagination by id, with and without a type filter', async () => {
    const { providers } = context.storage();
    const types: ProviderRecord['type'][] = ['openai', 'anthropic', 'gemini'];
    const ids = ['p-07', 'p-01', 'p-10', 'p-03', 'p-05', 'p-02', 'p-09', 'p-04', 'p-06', 'p-08'];
    for (const [index, id] of ids.entries()) {
      await providers.insert(makeProvider({ id, type: types[index % types.length] ?? 'openai' }));
    }
    const sortedIds = [...ids].sort();

    const all = await collectPages((cursor) => providers.list({ limit: 3, cursor }));
    expect(all.items.map((provider) => provider.id)).toEqual(sortedIds);
    expect(all.pageCount).toBe(4);

    const exact = await collectPages((cursor) => providers.list({ limit: 5, cursor }));
    expect(exact.pageCount).toBe(2); // no empty trailing page when the count divides evenly

    const anthropic = await collectPages((cursor) => providers.list({ limit: 2, cursor, type: 'anthropic' }));
    const expected = ids.filter((_, index) => types[index % types.length] === 'anthropic').sort();
    expect(anthropic.items.map((provider) => provider.id)).toEqual(expected);
    expect(anthropic.items.every((provider) => provider.type === 'anthropic')).toBe(true);

    expect((await providers.listAll()).map((provider) => provider.id)).toEqual(sortedIds);
    expect((await providers.list({ limit: 3, type: 'azure-openai' })).items).toEqual([]);
  });

  test('a page cursor survives deletion of its row', async () => {
    const { providers } = context.storage();
    for (const id of ['a', 'b', 'c', 'd']) await providers.insert(makeProvider({ id }));
    const first = await providers.list({ limit: 2 });
    await providers.delete('b');
    const second = await providers.list({ limit: 2, cursor: first.nextCursor });
    expect(second.items.map((provider) => provider.id)).toEqual(['c', 'd']);
    expect(second.nextCursor).toBeNull();
  });

  test('bad cursors and limits are rejected', async () => {
    const { providers } = context.storage();
    await expect(providers.list({ limit: 2, cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(providers.list({ limit: 0 })).rejects.toBeInstanceOf(RangeError);
    await expect(providers.list({ limit: 1.5 })).rejects.toBeInstanceOf(RangeError);
  });
}
