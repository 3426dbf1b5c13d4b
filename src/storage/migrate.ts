// Applies pending migrations (forward only) through Kysely's Migrator, which
// records applied ones in gateway_migration. Concurrent runs are serialised by
// GET_LOCK on MySQL and by the single migration transaction on SQLite.
import { Migrator, type MigrationResult } from 'kysely/migration';
import type { GatewayDatabase } from './database.js';
import { migrationsFor } from './migrations/index.js';

export const MIGRATION_TABLE = 'gateway_migration';
export const MIGRATION_LOCK_TABLE = 'gateway_migration_lock';

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
