// The first schema: providers, virtual keys and gateway settings.
// Migrations are frozen once released: never edit this file, add 0002-….
import { sql, type CreateTableBuilder, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { SqlDialectName } from '../schema.js';

// Migrations must not depend on the current schema types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDatabase = Kysely<any>;

export function createInitialMigration(dialect: SqlDialectName): Migration {
  return {
    async up(db: AnyDatabase) {
      await createProvidersTable(db, dialect);
      await createVirtualKeysTable(db, dialect);
      await createGatewaySettingsTable(db, dialect);
    },
  };
}

/**
 * MySQL tables are explicitly utf8mb4 (a server default may still be latin1) with a binary
 * collation, so ids and hashes compare and sort exactly as on SQLite.
 */
function withTableOptions<T extends string, C extends string>(
  dialect: SqlDialectName,
): (builder: CreateTableBuilder<T, C>) => CreateTableBuilder<T, C> {
  return (builder) =>
    dialect === 'mysql'
      ? builder.modifyEnd(sql`engine = InnoDB default charset = utf8mb4 collate = utf8mb4_bin`)
      : builder;
}

/** Large JSON documents: MEDIUMTEXT (16 MiB) on MySQL where TEXT stops at 64 KiB. */
function largeTextType(dialect: SqlDialectName) {
  return dialect === 'mysql' ? sql`mediumtext` : sql`text`;
}

async function createProvidersTable(db: AnyDatabase, dialect: SqlDialectName): Promise<void> {
  await db.schema
    .createTable('providers')
    .addColumn('id', 'varchar(64)', (column) => column.primaryKey())
    .addColumn('name', 'varchar(200)', (column) => column.notNull())
    .addColumn('type', 'varchar(32)', (column) => column.notNull())
    .addColumn('base_url', 'varchar(2048)', (column) => column.notNull())
    .addColumn('api_key_ciphertext', 'text', (column) => column.notNull())
    .addColumn('api_key_last4', 'varchar(8)', (column) => column.notNull())
    .addColumn('extra_headers', 'text', (column) => column.notNull())
    .addColumn('enabled', 'integer', (column) => column.notNull())
    .addColumn('models', largeTextType(dialect), (column) => column.notNull())
    .addColumn('azure_api_version', 'varchar(64)', (column) => column.notNull())
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('updated_at', 'bigint', (column) => column.notNull())
    .$call(withTableOptions(dialect))
    .execute();
}

async function createVirtualKeysTable(db: AnyDatabase, dialect: SqlDialectName): Promise<void> {
  await db.schema
    .createTable('virtual_keys')
    .addColumn('id', 'varchar(64)', (column) => column.primaryKey())
    .addColumn('name', 'varchar(200)', (column) => column.notNull())
    .addColumn('secret_hash', 'char(64)', (column) => column.notNull())
    .addColumn('secret_prefix', 'varchar(16)', (column) => column.notNull())
    .addColumn('secret_last4', 'varchar(8)', (column) => column.notNull())
    .addColumn('previous_secret_hash', 'char(64)')
    .addColumn('previous_secret_expires_at', 'bigint')
    .addColumn('enabled', 'integer', (column) => column.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .addColumn('allowed_models', 'text', (column) => column.notNull())
    .addColumn('rate_limits', 'text', (column) => column.notNull())
    .addColumn('budget', 'text')
    .addColumn('cache_enabled', 'integer', (column) => column.notNull())
    .addColumn('log_request_bodies', 'integer', (column) => column.notNull())
    .addColumn('metadata', 'text', (column) => column.notNull())
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('updated_at', 'bigint', (column) => column.notNull())
    .addUniqueConstraint('virtual_keys_secret_hash_unique', ['secret_hash'])
    .$call(withTableOptions(dialect))
    .execute();
  await db.schema.createIndex('virtual_keys_name_index').on('virtual_keys').column('name').execute();
  await db.schema
    .createIndex('virtual_keys_previous_secret_hash_index')
    .on('virtual_keys')
    .column('previous_secret_hash')
    .execute();
  // Keyset pagination walks (created_at, id).
  await db.schema
    .createIndex('virtual_keys_created_at_id_index')
    .on('virtual_keys')
    .columns(['created_at', 'id'])
    .execute();
}

async function createGatewaySettingsTable(db: AnyDatabase, dialect: SqlDialectName): Promise<void> {
  await db.schema
    .createTable('gateway_settings')
    .addColumn('name', 'varchar(100)', (column) => column.primaryKey())
    .addColumn('value', 'text', (column) => column.notNull())
    .$call(withTableOptions(dialect))
    .execute();
}
