// The conformance suite on MySQL/MariaDB (server from test/setup/global-setup.ts),
// in a fresh gw_test_<random> database that this file creates and drops.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { openDatabase, openStorage } from '../../src/storage/index.js';
import { createFreshMysqlDatabase, type FreshMysqlDatabase } from '../setup/mariadb.js';
import { runStorageConformance } from './conformance.js';
import { checkCacheWritesUpgrade } from './cache-writes-upgrade.js';
import { checkAttemptTrailUpgrade } from './attempt-trail-upgrade.js';

const serverUrl = inject('mysqlServerUrl');

if (serverUrl === null) {
  test.skip(`MySQL tier NOT RUN: ${inject('mysqlUnavailableReason') ?? 'no server'}`, () => {});
} else {
  describe('MySQL storage', () => {
    let database: FreshMysqlDatabase | null = null;
    const databaseUrl = () => {
      if (database === null) throw new Error('the test database was not created');
      return database.url;
    };

    beforeAll(async () => {
      database = await createFreshMysqlDatabase(serverUrl);
    });

    afterAll(async () => {
      await database?.drop();
    });

    describe('conformance', () => {
      runStorageConformance(() => ({ databaseUrl: databaseUrl(), dataDir: '/unused' }));
    });

    test('tables are utf8mb4 with a binary collation and JSON lives in text columns', async () => {
      const storage = await openStorage({ databaseUrl: databaseUrl(), dataDir: '/unused' });
      try {
        const schemaName = new URL(databaseUrl()).pathname.slice(1);
        const { rows } = await sql<{ table: string; column: string; type: string; collation: string | null }>`
          select table_name as \`table\`, column_name as \`column\`, data_type as \`type\`, collation_name as \`collation\`
          from information_schema.columns where table_schema = ${schemaName}`.execute(storage.database.db);
        const byName = new Map(rows.map((row) => [`${row.table}.${row.column}`, row]));
        expect(byName.get('providers.models')?.type).toBe('mediumtext');
        expect(byName.get('virtual_keys.metadata')?.type).toBe('text');
        expect(byName.get('virtual_keys.created_at')?.type).toBe('bigint');
        expect(byName.get('virtual_keys.id')?.collation).toBe('utf8mb4_bin');
        expect(byName.get('routes.name')?.collation).toBe('utf8mb4_bin');
        expect(byName.get('routes.name')?.type).toBe('varchar');
        expect(byName.get('routes.targets')?.type).toBe('text');
        expect(byName.get('routes.settings')?.type).toBe('text');
        expect(byName.get('routes.updated_at')?.type).toBe('bigint');
        expect(byName.get('request_logs.request_body')?.type).toBe('mediumtext');
        expect(byName.get('request_logs.response_body')?.type).toBe('mediumtext');
        expect(byName.get('request_logs.time')?.type).toBe('bigint');
        expect(byName.get('request_logs.cost_usd')?.type).toBe('double');
        expect(byName.get('request_logs.id')?.collation).toBe('utf8mb4_bin');
        expect(byName.get('request_logs.trace_id')?.type).toBe('varchar');
        expect(byName.get('request_logs.cache_write_tokens')?.type).toBe('int');
        expect(byName.get('request_logs.cache_write_1h_tokens')?.type).toBe('int');
        expect(byName.get('key_spend.tokens')?.type).toBe('bigint');
        expect(byName.get('key_spend.cost_usd')?.type).toBe('double');
        expect(byName.get('prompt_rules.id')?.collation).toBe('utf8mb4_bin');
        expect(byName.get('prompt_rules.name')?.collation).toBe('utf8mb4_bin');
        expect(byName.get('prompt_rules.text')?.type).toBe('text');
        expect(byName.get('prompt_rules.roles')?.type).toBe('text');
        expect(byName.get('prompt_rules.updated_at')?.type).toBe('bigint');
        expect(byName.get('routes.expert')?.type).toBe('mediumtext');
        expect(byName.get('expert_decisions.id')?.collation).toBe('utf8mb4_bin');
        expect(byName.get('expert_decisions.time')?.type).toBe('bigint');
        expect(rows.some((row) => row.type === 'json')).toBe(false);
      } finally {
        await storage.close();
      }
    });

    test('0011 adds request_logs.cache_write_tokens and cache_write_1h_tokens: rows written before it read 0', async () => {
      const upgraded = await createFreshMysqlDatabase(serverUrl);
      try {
        await checkCacheWritesUpgrade({ databaseUrl: upgraded.url, dataDir: '/unused' });
      } finally {
        await upgraded.drop();
      }
    });

    test('0012 adds request_logs.attempt_trail: rows written before it read with no attempts, a long chain is capped', async () => {
      const upgraded = await createFreshMysqlDatabase(serverUrl);
      try {
        await checkAttemptTrailUpgrade({ databaseUrl: upgraded.url, dataDir: '/unused' });
      } finally {
        await upgraded.drop();
      }
    });

    test('description and connection errors never contain the password', async () => {
      const secret = 'S3cr3t-P4ss';
      const url = new URL(databaseUrl());
      url.username = 'gw_nobody';
      url.password = secret;
      const wrong = await openDatabase({ databaseUrl: url.toString(), dataDir: '/unused' });
      try {
        expect(wrong.dialect).toBe('mysql');
        expect(wrong.description).toBe(`mysql://gw_nobody@${url.hostname}:${url.port}${url.pathname}`);
        const failure = await wrong.ping().then(
          () => null,
          (error: unknown) => error,
        );
        expect(failure).toBeInstanceOf(Error);
        expect(String((failure as Error).message)).not.toContain(secret);
        expect(JSON.stringify(failure)).not.toContain(secret);
      } finally {
        await wrong.close();
      }
    });
  });
}
