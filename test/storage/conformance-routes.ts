// Routes part of the conformance suite.
import { expect, test } from 'vitest';
import type { RouteRecord, RouteStrategyName } from '../../src/domain/route.js';
import { StorageConflictError } from '../../src/domain/storage-conflict-error.js';
import { InvalidCursorError } from '../../src/storage/index.js';
import type { ConformanceContext } from './conformance.js';
import { BEYOND_2038_MS, collectPages, makeRoute, YEAR_9999_MS } from './fixtures.js';

export function describeRoutesConformance(context: ConformanceContext): void {
  test('insert, get, replace, delete', async () => {
    const { routes } = context.storage();
    const route = makeRoute();
    await routes.insert(route);
    expect(await routes.get(route.name)).toEqual(route);
    expect(await routes.get('missing')).toBeNull();
    expect(await routes.get('SMART')).toBeNull(); // names compare exactly

    const changed = makeRoute({
      description: '',
      strategy: 'affinity',
      targets: [{ providerId: 'prov-2', upstreamModel: 'claude-sonnet-4', route: '', weight: 1000 }],
      settings: {
        maxRetries: 0,
        backoffBaseMs: 0,
        backoffCapMs: 60_000,
        attemptTimeoutMs: 100,
        totalDeadlineMs: 1_800_000,
        failoverStatuses: [],
        affinityScope: 'session',
        affinityTtlMs: 86_400_000,
        maxRetryAfterMs: 300_000,
      },
      enabled: false,
      updatedAt: YEAR_9999_MS,
    });
    expect(await routes.replace(changed)).toBe(true);
    expect(await routes.get(route.name)).toEqual(changed);
    expect(await routes.replace(changed)).toBe(true); // an unchanged row still exists
    expect(await routes.replace(makeRoute({ name: 'missing' }))).toBe(false);
    expect(await routes.get('missing')).toBeNull();

    expect(await routes.delete(route.name)).toBe(true);
    expect(await routes.delete(route.name)).toBe(false);
    expect(await routes.get(route.name)).toBeNull();
  });

  test('a duplicate name is a StorageConflictError', async () => {
    const { routes } = context.storage();
    await routes.insert(makeRoute());
    const duplicate = routes.insert(makeRoute({ description: 'other' }));
    await expect(duplicate).rejects.toBeInstanceOf(StorageConflictError);
    await expect(duplicate).rejects.toThrow(/"smart"/);
    expect((await routes.get('smart'))?.description).toBe('The smart tier');
  });

  test('JSON columns round-trip every strategy, scope and unicode; timestamps past 2038', async () => {
    const { routes } = context.storage();
    const strategies: RouteStrategyName[] = ['priority', 'weighted', 'round-robin', 'least-latency', 'affinity'];
    const scopes: RouteRecord['settings']['affinityScope'][] = ['session', 'user', 'key'];
    const expected: RouteRecord[] = [];
    for (const [index, strategy] of strategies.entries()) {
      const base = makeRoute();
      const route = makeRoute({
        name: `route-${strategy}`,
        description: `Ünïcödé 路由 🚀 "quoted" it's \\ back\nslash #${index}`,
        strategy,
        targets: [
          { providerId: 'prov-ß', upstreamModel: 'modèle/中文:😀', route: '', weight: index + 1 },
          { providerId: '', upstreamModel: '', route: 'openai/gpt-4o:latest', weight: 1 },
        ],
        settings: { ...base.settings, affinityScope: scopes[index % scopes.length] ?? 'key', failoverStatuses: [429, 503] },
        createdAt: BEYOND_2038_MS,
        updatedAt: YEAR_9999_MS,
      });
      expected.push(route);
      await routes.insert(route);
    }
    for (const route of expected) expect(await routes.get(route.name)).toEqual(route);
  });

  test('the largest valid route fits: 50 targets, 200-character names, a 1000-character description', async () => {
    const { routes } = context.storage();
    const longModel = '😀'.repeat(200); // 800 bytes of UTF-8
    const route = makeRoute({
      name: `r${'x'.repeat(199)}`,
      description: '路'.repeat(1000),
      targets: Array.from({ length: 50 }, (_, index) =>
        index % 2 === 0
          ? { providerId: `p${String(index).padStart(63, '0')}`, upstreamModel: longModel, route: '', weight: 1000 }
          : { providerId: '', upstreamModel: '', route: `${index}${'y'.repeat(197)}`, weight: 1 },
      ),
    });
    await routes.insert(route);
    expect(await routes.get(route.name)).toEqual(route);
  });

  test('keyset pagination by name (binary order)', async () => {
    const { routes } = context.storage();
    const names = ['smart', 'Smart', 'openai/gpt-4o', 'a.b', 'a:b', 'a-b', 'a_b', 'a/b', 'zeta', 'claude-3-5', 'b'];
    for (const name of names) await routes.insert(makeRoute({ name }));
    // Binary (code point) order on both dialects: uppercase first, then punctuation as ASCII sorts it.
    const sorted = [...names].sort();

    const all = await collectPages((cursor) => routes.list({ limit: 3, cursor }));
    expect(all.items.map((route) => route.name)).toEqual(sorted);
    expect(all.pageCount).toBe(4);
    expect((await collectPages((cursor) => routes.list({ limit: 11, cursor }))).pageCount).toBe(1);
    expect((await routes.listAll()).map((route) => route.name)).toEqual(sorted);
    expect((await routes.list({ limit: 2 })).items.map((route) => route.name)).toEqual(sorted.slice(0, 2));
  });

  test('a page cursor survives deletion of its row; bad cursors and limits are rejected', async () => {
    const { routes } = context.storage();
    for (const name of ['a', 'b', 'c', 'd']) await routes.insert(makeRoute({ name }));
    const first = await routes.list({ limit: 2 });
    await routes.delete('b');
    const second = await routes.list({ limit: 2, cursor: first.nextCursor });
    expect(second.items.map((route) => route.name)).toEqual(['c', 'd']);
    expect(second.nextCursor).toBeNull();
    expect((await routes.list({ limit: 5, cursor: null })).items).toHaveLength(3);

    await expect(routes.list({ limit: 2, cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(routes.list({ limit: 0 })).rejects.toBeInstanceOf(RangeError);
  });

  test('an empty table lists nothing', async () => {
    const { routes } = context.storage();
    expect(await routes.list({ limit: 10 })).toEqual({ items: [], nextCursor: null });
    expect(await routes.listAll()).toEqual([]);
  });
}
