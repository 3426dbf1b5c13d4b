// Versioned writes part of the conformance suite: the admin tables' conditional
// writes (what keeps concurrent admin updates from losing each other), a key's
// revocation as one write, and the routes' write lock as a transaction.
import { expect, test } from 'vitest';
import type { GatewayStorage } from '../../src/storage/index.js';
import type { VersionedRepository } from '../../src/domain/versioned-record.js';
import type { ConformanceContext } from './conformance.js';
import { makeHealthCheck } from './conformance-health-checks.js';
import { makePromptRule } from './conformance-prompt-rules.js';
import { makeKey, makeProvider, makeRoute } from './fixtures.js';

interface Case<Item> {
  repository(storage: GatewayStorage): VersionedRepository<Item> & {
    insert(item: Item): Promise<void>;
    replace(item: Item): Promise<boolean>;
  };
  item: Item;
  key: string;
  /** The same record with a field changed, `label` telling changes apart. */
  changed(item: Item, label: string): Item;
}

const cases = {
  providers: {
    repository: (storage) => storage.providers,
    item: makeProvider(),
    key: makeProvider().id,
    changed: (item, label) => ({ ...item, name: label }),
  } satisfies Case<ReturnType<typeof makeProvider>>,
  'virtual keys': {
    repository: (storage) => storage.keys,
    item: makeKey(),
    key: makeKey().id,
    changed: (item, label) => ({ ...item, name: label }),
  } satisfies Case<ReturnType<typeof makeKey>>,
  routes: {
    repository: (storage) => storage.routes,
    item: makeRoute(),
    key: makeRoute().name,
    changed: (item, label) => ({ ...item, description: label }),
  } satisfies Case<ReturnType<typeof makeRoute>>,
  'prompt rules': {
    repository: (storage) => storage.promptRules,
    item: makePromptRule(),
    key: makePromptRule().id,
    changed: (item, label) => ({ ...item, text: label }),
  } satisfies Case<ReturnType<typeof makePromptRule>>,
  'health checks': {
    repository: (storage) => storage.healthChecks,
    item: makeHealthCheck(),
    key: makeHealthCheck().id,
    changed: (item, label) => ({ ...item, prompt: label }),
  } satisfies Case<ReturnType<typeof makeHealthCheck>>,
};

export function describeVersionedWritesConformance(context: ConformanceContext): void {
  for (const [table, testCase] of Object.entries(cases) as Array<[string, Case<unknown>]>) {
    test(`${table}: of two writes made from the same read, only the first applies; any write moves the version on`, async () => {
      const repository = testCase.repository(context.storage());
      await repository.insert(testCase.item);
      const read = await repository.getVersioned(testCase.key);
      expect(read).toEqual({ record: testCase.item, version: 0 });

      expect(await repository.replaceIfVersion(testCase.changed(testCase.item, 'first'), read!.version)).toBe('written');
      expect(await repository.replaceIfVersion(testCase.changed(testCase.item, 'second'), read!.version)).toBe('changed');
      expect(await repository.getVersioned(testCase.key)).toEqual({ record: testCase.changed(testCase.item, 'first'), version: 1 });

      // An unconditional write moves the version on too, so a write made from an earlier read fails.
      expect(await repository.replace(testCase.changed(testCase.item, 'third'))).toBe(true);
      expect(await repository.replaceIfVersion(testCase.changed(testCase.item, 'fourth'), 1)).toBe('changed');
      expect(await repository.replaceIfVersion(testCase.changed(testCase.item, 'fourth'), 2)).toBe('written');
      expect((await repository.getVersioned(testCase.key))?.version).toBe(3);
    });
  }

  test('a write made from a read of a record deleted since reports it missing', async () => {
    const { providers } = context.storage();
    await providers.insert(makeProvider());
    await providers.delete(makeProvider().id);
    expect(await providers.getVersioned(makeProvider().id)).toBeNull();
    expect(await providers.replaceIfVersion(makeProvider({ name: 'late' }), 0)).toBe('missing');
  });

  test('a key is revoked by one write, once; a write made from an earlier read cannot undo it', async () => {
    const { keys } = context.storage();
    const key = makeKey({ previousSecretHash: 'a'.repeat(64), previousSecretExpiresAt: 1_900_000_000_000 });
    await keys.insert(key);
    const before = await keys.getVersioned(key.id);

    expect(await keys.revoke(key.id, 1_800_000_000_000)).toBe(true);
    expect(await keys.revoke(key.id, 1_800_000_000_001)).toBe(false);
    expect(await keys.revoke('missing', 1_800_000_000_000)).toBe(false);
    const revoked = { ...key, enabled: false, revokedAt: 1_800_000_000_000, previousSecretHash: null, previousSecretExpiresAt: null, updatedAt: 1_800_000_000_000 };
    expect(await keys.getVersioned(key.id)).toEqual({ record: revoked, version: 1 });

    expect(await keys.replaceIfVersion({ ...before!.record, name: 'stale edit' }, before!.version)).toBe('changed');
    expect(await keys.get(key.id)).toEqual(revoked);
  });

  test("routes' write lock: the work's writes commit together, and a failing work writes nothing", async () => {
    const { routes } = context.storage();
    await routes.insert(makeRoute({ name: 'kept' }));
    const created = await routes.underWriteLock(async (scope) => {
      expect((await scope.routes.listAll()).map((route) => route.name)).toEqual(['kept']);
      await scope.routes.insert(makeRoute({ name: 'added' }));
      await scope.routes.delete('kept');
      return 'done';
    });
    expect(created).toBe('done');
    expect((await routes.listAll()).map((route) => route.name)).toEqual(['added']);

    const failing = routes.underWriteLock(async (scope) => {
      await scope.routes.insert(makeRoute({ name: 'half-written' }));
      throw new Error('refused after the first write');
    });
    await expect(failing).rejects.toThrow('refused after the first write');
    expect((await routes.listAll()).map((route) => route.name)).toEqual(['added']);
  });
}
