// Prompt rules: rewrites of chat requests attached to a route or a virtual key.
// Migrations are frozen once released: never edit this file, add a later one.
import { sql, type CreateTableBuilder, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { SqlDialectName } from '../schema.js';

// Migrations must not depend on the current schema types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDatabase = Kysely<any>;

export function createPromptRulesMigration(dialect: SqlDialectName): Migration {
  return {
    async up(db: AnyDatabase) {
      await db.schema
        .createTable('prompt_rules')
        .addColumn('id', 'varchar(64)', (column) => column.primaryKey())
        .addColumn('name', 'varchar(100)', (column) => column.notNull())
        .addColumn('enabled', 'integer', (column) => column.notNull())
        .addColumn('scope', 'varchar(16)', (column) => column.notNull())
        .addColumn('scope_id', 'varchar(200)', (column) => column.notNull())
        // `order` is a reserved word on both dialects.
        .addColumn('rule_order', 'integer', (column) => column.notNull())
        .addColumn('operation', 'varchar(32)', (column) => column.notNull())
        // At most 10 000 characters (40 000 bytes of UTF-8): fits MySQL's 64 KiB TEXT.
        .addColumn('text', 'text', (column) => column.notNull())
        .addColumn('pattern', 'text', (column) => column.notNull())
        .addColumn('flags', 'varchar(16)', (column) => column.notNull())
        .addColumn('replacement', 'text', (column) => column.notNull())
        // A JSON array of role names.
        .addColumn('roles', 'text', (column) => column.notNull())
        .addColumn('first_user_turn_only', 'integer', (column) => column.notNull())
        .addColumn('created_at', 'bigint', (column) => column.notNull())
        .addColumn('updated_at', 'bigint', (column) => column.notNull())
        .$call(withTableOptions(dialect))
        .execute();
      // A rule name is unique within its scope (the route info reports rules by name).
      await db.schema
        .createIndex('prompt_rules_scope_name')
        .on('prompt_rules')
        .columns(['scope', 'scope_id', 'name'])
        .unique()
        .execute();
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
