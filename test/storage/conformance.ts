// One storage conformance suite, run against every dialect (sqlite.test.ts, mysql.test.ts).
// Each test gets freshly emptied tables on the dialect's suite-wide database.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { migrateToLatest, openStorage, type GatewayStorage, type OpenDatabaseOptions } from '../../src/storage/index.js';
import { describeExpertRoutingConformance } from './conformance-expert-routing.js';
import { describeHealthChecksConformance } from './conformance-health-checks.js';
import { describeKeySpendConformance } from './conformance-key-spend.js';
import { describeKeysConformance } from './conformance-keys.js';
import { describePromptRulesConformance } from './conformance-prompt-rules.js';
import { describeProvidersConformance } from './conformance-providers.js';
import { describeRequestLogsConformance } from './conformance-request-logs.js';
import { describeRoutesConformance } from './conformance-routes.js';
import { describeStoredResponsesConformance } from './conformance-stored-responses.js';
import { describeVersionedWritesConformance } from './conformance-versioned-writes.js';
import { makeKey, makeProvider, makeRoute } from './fixtures.js';

export interface ConformanceContext {
  /** The storage opened for the current test. */
  storage(): GatewayStorage;
  /** A second, independent storage (own connection/pool) on the same database; closed after the test. */
  openAnother(): Promise<GatewayStorage>;
}

export function runStorageConformance(openOptions: () => OpenDatabaseOptions): void {
  let current: GatewayStorage | null = null;
  const others: GatewayStorage[] = [];

  beforeEach(async () => {
    current = await openStorage(openOptions());
    await emptyTables(current);
  });

  afterEach(async () => {
    await Promise.all(others.splice(0).map((storage) => storage.close()));
    await current?.close();
    current = null;
  });

  const context: ConformanceContext = {
    storage() {
      if (current === null) throw new Error('no storage is open outside a test');
      return current;
    },
    async openAnother() {
      const storage = await openStorage(openOptions());
      others.push(storage);
      return storage;
    },
  };

  describe('providers', () => describeProvidersConformance(context));
  describe('virtual keys', () => describeKeysConformance(context));
  describe('routes', () => describeRoutesConformance(context));
  describe('request logs', () => describeRequestLogsConformance(context));
  describe('key spend', () => describeKeySpendConformance(context));
  describe('prompt rules', () => describePromptRulesConformance(context));
  describe('expert routing', () => describeExpertRoutingConformance(context));
  describe('health checks', () => describeHealthChecksConformance(context));
  describe('stored responses', () => describeStoredResponsesConformance(context));
  describe('versioned writes', () => describeVersionedWritesConformance(context));
  describe('settings', () => describeSettingsConformance(context));
  describe('database', () => describeDatabaseConformance(context));
}

async function emptyTables(storage: GatewayStorage): Promise<void> {
  const { db } = storage.database;
  await db.deleteFrom('virtual_keys').execute();
  await db.deleteFrom('routes').execute();
  await db.deleteFrom('providers').execute();
  await db.deleteFrom('gateway_settings').execute();
  await db.deleteFrom('request_logs').execute();
  await db.deleteFrom('key_spend').execute();
  await db.deleteFrom('expert_decisions').execute();
  await db.deleteFrom('prompt_rules').execute();
  await db.deleteFrom('health_checks').execute();
  await db.deleteFrom('health_check_runs').execute();
  await db.deleteFrom('job_leases').execute();
  await db.deleteFrom('stored_responses').execute();
}

function describeSettingsConformance(context: ConformanceContext): void {
  test('get, insertIfAbsent and set', async () => {
    const { settings } = context.storage();
    expect(await settings.get('admin_token_hash')).toBeNull();
    expect(await settings.insertIfAbsent('admin_token_hash', 'first')).toBe(true);
    expect(await settings.insertIfAbsent('admin_token_hash', 'second')).toBe(false);
    expect(await settings.get('admin_token_hash')).toBe('first');
    await settings.set('admin_token_hash', 'third ✓ 🚀');
    expect(await settings.get('admin_token_hash')).toBe('third ✓ 🚀');
    await settings.set('admin_token_hash', 'third ✓ 🚀'); // unchanged value still succeeds
    await settings.set('fresh', 'created by set');
    expect(await settings.get('fresh')).toBe('created by set');
  });

  test('concurrent insertIfAbsent: exactly one wins', async () => {
    const first = context.storage();
    const second = await context.openAnother();
    for (let round = 0; round < 10; round += 1) {
      const name = `race-${round}`;
      const outcomes = await Promise.all([
        first.settings.insertIfAbsent(name, 'a'),
        second.settings.insertIfAbsent(name, 'b'),
        first.settings.insertIfAbsent(name, 'c'),
      ]);
      expect(outcomes.filter(Boolean)).toHaveLength(1);
      const winner = ['a', 'b', 'c'][outcomes.indexOf(true)];
      expect(await first.settings.get(name)).toBe(winner);
    }
  });

  test('concurrent set on a new name: both succeed, one value remains', async () => {
    const first = context.storage();
    const second = await context.openAnother();
    await Promise.all([first.settings.set('shared', 'x'), second.settings.set('shared', 'y')]);
    expect(['x', 'y']).toContain(await first.settings.get('shared'));
  });
}

function describeDatabaseConformance(context: ConformanceContext): void {
  test('ping succeeds while open and fails after close', async () => {
    const another = await context.openAnother();
    await expect(another.database.ping()).resolves.toBeUndefined();
    await another.close();
    await another.close(); // idempotent
    await expect(another.database.ping()).rejects.toThrow();
  });

  test('migrations are idempotent and keep data', async () => {
    const storage = context.storage();
    await storage.providers.insert(makeProvider());
    await storage.keys.insert(makeKey());
    await storage.routes.insert(makeRoute());
    await storage.settings.set('kept', 'yes');

    expect(await migrateToLatest(storage.database)).toEqual({ applied: [] });
    const reopened = await context.openAnother();
    expect(await migrateToLatest(reopened.database)).toEqual({ applied: [] });
    expect(await reopened.providers.get('prov-1')).toEqual(makeProvider());
    expect(await reopened.keys.get('key-1')).toEqual(makeKey());
    expect(await reopened.routes.get('smart')).toEqual(makeRoute());
    expect(await reopened.settings.get('kept')).toBe('yes');
  });

  test('description never holds a password', () => {
    const { description } = context.storage().database;
    expect(description).toMatch(/^(sqlite|mysql):/);
    expect(description).not.toMatch(/:[^/@:]*@/);
  });
}
