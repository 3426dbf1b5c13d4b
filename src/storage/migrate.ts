// Applies pending migrations (forward only) through Kysely's Migrator, which
// records applied ones in gateway_migration. Concurrent runs are serialised by
// GET_LOCK on MySQL and by the single migration transaction on SQLite. A
// database that already holds tables named like the gateway's but records no
// migration belongs to another program (the old gateway's own database, say):
// it is refused before anything is written to it.
import { sql, type Kysely } from 'kysely';
import { MIGRATION_LOCK_ID, Migrator, type MigrationResult } from 'kysely/migration';
import type { DatabaseSchema } from './schema.js';
import type { GatewayDatabase } from './database.js';
import { migrationsFor } from './migrations/index.js';

export const MIGRATION_TABLE = 'gateway_migration';
export const MIGRATION_LOCK_TABLE = 'gateway_migration_lock';

/** Every table the migrations create (a test keeps the list whole). */
export const GATEWAY_TABLES = [
  'providers',
  'virtual_keys',
  'gateway_settings',
  'routes',
  'request_logs',
  'key_spend',
  'prompt_rules',
  'expert_decisions',
  'health_checks',
  'health_check_runs',
  'job_leases',
  'stored_responses',
  'write_locks',
];

export interface MigrationSummary {
  /** Names of the migrations applied by this call; empty when already up to date. */
  applied: string[];
}

export class MigrationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

export async function migrateToLatest(database: GatewayDatabase): Promise<MigrationSummary> {
  try {
    await refuseForeignSchema(database);
  } catch (error) {
    // An unreachable database fails here first: worded as any other migration failure.
    throw error instanceof MigrationError ? error : migrationFailure(error, [], database.description);
  }
  const migrator = new Migrator({
    db: database.db,
    provider: { getMigrations: async () => migrationsFor(database.dialect) },
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) throw migrationFailure(error, results, database.description);
  return { applied: results.filter((result) => result.status === 'Success').map((result) => result.migrationName) };
}

function migrationFailure(error: unknown, results: MigrationResult[], description: string): MigrationError {
  const failed = results.find((result) => result.status === 'Error');
  const reason = error instanceof Error ? error.message : String(error);
  const which = failed === undefined ? 'Database migration' : `Database migration "${failed.migrationName}"`;
  return new MigrationError(`${which} failed on ${description}: ${reason}`, { cause: error });
}

/**
 * Throws when the database holds tables the migrations would create but no applied migration: nothing is
 * written to it. Checked under the migration lock, so a replica migrating the same new database at this
 * moment (its tables made, their migration not yet recorded) is never taken for another program.
 */
async function refuseForeignSchema(database: GatewayDatabase): Promise<void> {
  const adapter = database.db.getExecutor().adapter;
  const lock = { lockTable: MIGRATION_LOCK_TABLE, lockRowId: MIGRATION_LOCK_ID };
  const clashing = await database.db.connection().execute(async (connection) => {
    await adapter.acquireMigrationLock(connection, lock);
    try {
      return await tablesOfAnotherProgram(connection);
    } finally {
      await adapter.releaseMigrationLock(connection, lock);
    }
  });
  if (clashing.length === 0) return;
  throw new MigrationError(
    `${database.description} already holds tables named like the gateway's (${clashing.join(', ')}) but no record of its migrations: ` +
      'it is another program\'s database (the old gateway\'s?), or one a first start left half made. Nothing was changed. ' +
      'Give the gateway a separate, empty database in DATABASE_URL; to bring the old gateway\'s configuration over, run `llm-gateway import legacy` with that database as its source.',
  );
}

async function tablesOfAnotherProgram(db: Kysely<DatabaseSchema>): Promise<string[]> {
  const present = new Set((await db.introspection.getTables({ withInternalKyselyTables: true })).map((table) => table.name));
  const clashing = GATEWAY_TABLES.filter((name) => present.has(name));
  if (clashing.length === 0 || !present.has(MIGRATION_TABLE)) return clashing;
  const { rows } = await sql<{ applied: number | string }>`select count(*) as applied from ${sql.table(MIGRATION_TABLE)}`.execute(db);
  return Number(rows[0]?.applied ?? 0) > 0 ? [] : clashing;
}
