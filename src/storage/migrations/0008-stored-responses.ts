// Stored Responses API answers (POST /v1/responses with `store`), per virtual key.
// Migrations are frozen once released: never edit this file, add a later one.
//
// stored_responses: one row per stored response; the response object and its input items as JSON
//   text (LONGTEXT on MySQL: an input can be as large as the body limit, past TEXT's 64 KiB).
//   stored_responses_created_index (created_at, id): retention deletes the index's head.
//   Reads are by id (the primary key); the key is compared after the read, so another key's
//   response answers exactly like a missing one.
import { sql, type CreateTableBuilder, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { SqlDialectName } from '../schema.js';

// Migrations must not depend on the current schema types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDatabase = Kysely<any>;

export function createStoredResponsesMigration(dialect: SqlDialectName): Migration {
  const largeText = dialect === 'mysql' ? sql`longtext` : sql`text`;
  return {
    async up(db: AnyDatabase) {
      await db.schema
        .createTable('stored_responses')
        .addColumn('id', 'varchar(64)', (column) => column.primaryKey())
        .addColumn('key_id', 'varchar(64)', (column) => column.notNull())
        .addColumn('previous_response_id', 'varchar(64)', (column) => column.notNull())
        .addColumn('model', 'varchar(200)', (column) => column.notNull())
        .addColumn('created_at', 'bigint', (column) => column.notNull())
        .addColumn('response', largeText, (column) => column.notNull())
        .addColumn('input_items', largeText, (column) => column.notNull())
        .$call(withTableOptions(dialect))
        .execute();
      await db.schema.createIndex('stored_responses_created_index').on('stored_responses').columns(['created_at', 'id']).execute();
    },
  };
}

/** The same table options as 0001 (copied, not imported: released migrations never change). */
function withTableOptions<T extends string, C extends string>(
  dialect: SqlDialectName,
): (builder: CreateTableBuilder<T, C>) => CreateTableBuilder<T, C> {
  return (builder) =>
    dialect === 'mysql'
      ? builder.modifyEnd(sql`engine = InnoDB default charset = utf8mb4 collate = utf8mb4_bin`)
      : builder;
}
