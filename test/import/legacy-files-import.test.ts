// `llm-gateway import legacy --sqlite FILE` and `--backup FILE` (the built
// binary): the old gateway's SQLite file and its encrypted backup, built from
// the SAME rows as the MySQL fixture, give the same plan as the MySQL import;
// an import from the SQLite file makes the old key work through the OpenAI
// SDK, and the backup then plans nothing new. A wrong secret is invalid input.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, inject, it, test } from 'vitest';
import type { FixtureUpstream } from '../fixtures/fixture-upstream.js';
import { runCli, type RunningGateway } from '../helpers/cli-process.js';
import type { FreshMysqlDatabase } from '../setup/mariadb.js';
import { draftFromLegacy } from '../../src/import/legacy/import-legacy.js';
import { readLegacyBackup } from '../../src/import/legacy/legacy-backup.js';
import { readLegacyMysql } from '../../src/import/legacy/legacy-database.js';
import { readLegacySqlite } from '../../src/import/legacy/legacy-sqlite.js';
import { AIFW_FAKE_KEY, LEGACY_JWT_SECRET, OLD_KEYS, legacyFixtureRows } from './legacy-database-fixture.js';
import { ACME_KEY, startLegacyScene, type LegacyScene } from './legacy-scene.js';
import { buildLegacyBackup, writeLegacySqlite } from './legacy-files-fixture.js';

const serverUrl = inject('mysqlServerUrl');
const WRONG_SECRET = 'FAKE-wrong-jwt-secret-0000000000000000';
/** What an encrypted backup never holds (the old backup service skipped these tables, and the request history). */
const NOT_BACKED_UP = /^(cost_mappings|blocked_ips|health_targets|api_requests)\b/;

interface PlanDocument { calls: unknown[]; unchanged: unknown[]; unmapped: Array<{ source: string; reason: string }> }

if (serverUrl === null) {
  test.skip(`legacy file import NOT RUN (its comparison needs MySQL): ${inject('mysqlUnavailableReason') ?? 'no server'}`, () => {});
} else {
  describe('llm-gateway import legacy --sqlite / --backup', () => {
    let database: FreshMysqlDatabase;
    let gateway: RunningGateway;
    let compatible: FixtureUpstream;
    let anthropicUpstream: FixtureUpstream;
    let folder: string;
    let sqliteFile: string;
    let backupFile: string;
    const cli = (...args: string[]) => runCli(args, gateway.cliEnvironment);
    const plan = async (...source: string[]): Promise<PlanDocument> => {
      const result = await cli('--json', 'import', 'legacy', ...source, '--jwt-secret', LEGACY_JWT_SECRET, '--dry-run');
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      for (const secret of [ACME_KEY, AIFW_FAKE_KEY, ...Object.values(OLD_KEYS), LEGACY_JWT_SECRET]) expect(result.stdout).not.toContain(secret);
      return JSON.parse(result.stdout) as PlanDocument;
    };

    let scene: LegacyScene | undefined;
    beforeAll(async () => {
      scene = await startLegacyScene(serverUrl);
      ({ database, gateway, compatible, anthropicUpstream } = scene);
      folder = mkdtempSync(path.join(os.tmpdir(), 'gw-legacy-files-'));
      sqliteFile = path.join(folder, 'gateway.db');
      backupFile = path.join(folder, 'backup_2026-02-10T00-00-00.000Z.tar.gz.enc');
      const rows = await legacyFixtureRows(scene.upstreams);
      writeLegacySqlite(sqliteFile, rows);
      writeFileSync(backupFile, await buildLegacyBackup(rows, LEGACY_JWT_SECRET));
    }, 90_000);
    afterAll(async () => {
      await scene?.close();
      if (folder) rmSync(folder, { recursive: true, force: true });
    });

    it('the SQLite file and the backup read into the same draft as the MySQL database', async () => {
      const fromMysql = draftFromLegacy(await readLegacyMysql(database.url), LEGACY_JWT_SECRET);
      const fromSqlite = draftFromLegacy(readLegacySqlite(sqliteFile), LEGACY_JWT_SECRET);
      expect(fromMysql.keys.length).toBe(4);
      expect(fromSqlite).toEqual(fromMysql);
      const fromBackup = draftFromLegacy(await readLegacyBackup(readFileSync(backupFile), LEGACY_JWT_SECRET), LEGACY_JWT_SECRET);
      expect(fromBackup).toEqual({ ...fromMysql, unmapped: fromMysql.unmapped.filter((item) => !NOT_BACKED_UP.test(item.source)) });
      // Two models named "dup" with ids "aq1" and "Zq1": every source gives the name to the same one, the
      // first in the old MySQL database's case-blind order, and reports the other.
      for (const draft of [fromMysql, fromSqlite, fromBackup]) {
        const acme = draft.providers.find((provider) => provider.id === 'acme')!;
        expect(acme.models.filter((model) => model.alias === 'dup').map((model) => model.upstreamModel)).toEqual(['model-a']);
        expect(draft.unmapped).toContainEqual(expect.objectContaining({ source: 'models[Zq1].name' }));
      }
    });

    it('--dry-run plans the same calls from --sqlite and --backup as from --mysql-url', async () => {
      const fromMysql = await plan('--mysql-url', database.url);
      expect(fromMysql.calls.length).toBeGreaterThan(5);
      const fromSqlite = await plan('--sqlite', sqliteFile);
      expect(fromSqlite).toEqual(fromMysql);
      const fromBackup = await plan('--backup', backupFile);
      expect(fromBackup.calls).toEqual(fromMysql.calls);
      expect(fromBackup.unchanged).toEqual(fromMysql.unchanged);
      expect(fromBackup.unmapped).toEqual(fromMysql.unmapped.filter((item) => !NOT_BACKED_UP.test(item.source)));
    });

    it('imports from the SQLite file: the old key works through the OpenAI SDK; the backup then plans nothing', async () => {
      const result = await cli('import', 'legacy', '--sqlite', sqliteFile, '--jwt-secret', LEGACY_JWT_SECRET);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/Applied: (\d+) of \1 calls succeeded\./);
      expect(result.stdout).toContain('+ create key chat app\n');

      const openai = new OpenAI({ apiKey: OLD_KEYS.chat, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
      const answer = await openai.chat.completions.create({ model: 'fast-chat', messages: [{ role: 'user', content: 'hi' }] });
      expect(answer.choices[0]?.message.content).toBe('Hello, world!');
      const upstreamCall = compatible.received.at(-1)!;
      expect(upstreamCall.headers.authorization).toBe(`Bearer ${ACME_KEY}`);
      expect((upstreamCall.body as { model: string }).model).toBe('plain-text');

      const again = await cli('import', 'legacy', '--backup', backupFile, '--jwt-secret', LEGACY_JWT_SECRET);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('Plan: 0 to create, 0 to update, ');
      expect(again.stdout).toContain('Applied: 0 of 0 calls succeeded.');
    });

    it('a backup under a wrong JWT secret is invalid input (exit 3) with a clear message and no secret', async () => {
      const result = await cli('import', 'legacy', '--backup', backupFile, '--jwt-secret', WRONG_SECRET, '--dry-run');
      expect(result.code).toBe(3);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('the backup could not be decrypted with the given JWT secret');
      expect(result.stderr).not.toContain(WRONG_SECRET);
      await expect(readLegacyBackup(Buffer.from('not a backup at all, far too short'), LEGACY_JWT_SECRET)).rejects.toThrow(/not an encrypted backup/);
    });

    it('more than one source, or a file that is not a SQLite database, is refused', async () => {
      const both = await cli('import', 'legacy', '--sqlite', sqliteFile, '--backup', backupFile, '--jwt-secret', LEGACY_JWT_SECRET, '--dry-run');
      expect(both.code).toBe(2);
      expect(both.stderr).toContain('exactly one of --mysql-url, --sqlite and --backup');
      const notSqlite = await cli('import', 'legacy', '--sqlite', backupFile, '--jwt-secret', LEGACY_JWT_SECRET, '--dry-run');
      expect(notSqlite.code).toBe(3);
      expect(notSqlite.stderr).toContain('is not the old gateway\'s SQLite database');
    });
  });
}
