// The statements the admin-managed tables share: one row per record, keyed by
// one column (an id or a name), always written whole, listed in key order, with
// a version that every write increments (0010) so that a write computed from a
// read can be made conditional on it. The repositories build on it and add what
// is special to each table.
import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { Page } from '../domain/page.js';
import { StorageConflictError } from '../domain/storage-conflict-error.js';
import type { ConditionalWriteOutcome, Versioned, VersionedRepository } from '../domain/versioned-record.js';
import { decodeIdCursor } from './cursor.js';
import { listPage } from './paged-list.js';
import type { DatabaseSchema } from './schema.js';
import { isUniqueViolation } from './storage-errors.js';
import { columnToVersion } from './row-values.js';

export type RecordTableName = 'providers' | 'routes' | 'virtual_keys' | 'prompt_rules' | 'health_checks';

export interface RecordTableOptions<Name extends RecordTableName, Item> {
  table: Name;
  /** The primary-key column. */
  key: keyof DatabaseSchema[Name] & ('id' | 'name');
  /** The record's value of that column. */
  keyOf(record: Item): string;
  toRow(record: Item): Insertable<DatabaseSchema[Name]>;
  fromRow(row: Selectable<DatabaseSchema[Name]>): Item;
  /** The StorageConflictError's message when writing `record` hits a unique index (`error` tells which). */
  conflictMessage(record: Item, error: unknown): string;
}

/** Equality filters by column; an empty, null or undefined value filters nothing. */
export type ColumnFilters = Record<string, string | null | undefined>;

export interface RecordTable<Item> extends VersionedRepository<Item> {
  /** Throws StorageConflictError on a unique violation. */
  insert(record: Item): Promise<void>;
  get(key: string): Promise<Item | null>;
  /** Keyset pages in key order; the cursor holds the last key (decodeIdCursor's shape). */
  list(request: { limit: number; cursor?: string | null | undefined }, filters?: ColumnFilters): Promise<Page<Item>>;
  /** The same page, each record with its version (read in the same statement, so they match). */
  listVersioned(request: { limit: number; cursor?: string | null | undefined }, filters?: ColumnFilters): Promise<Page<Versioned<Item>>>;
  listAll(): Promise<Item[]>;
  /**
   * Replaces every other column of the row with the record's key, whatever its version; false when
   * there is no such row. Only for a writer that read nothing it could have missed a change to (a test,
   * or a writer holding a lock every other writer of the table takes); others use replaceIfVersion.
   */
  replace(record: Item): Promise<boolean>;
  /** Throws StorageConflictError on a unique violation. */
  replaceIfVersion(record: Item, version: number): Promise<ConditionalWriteOutcome>;
  delete(key: string): Promise<boolean>;
}

/**
 * The schema as Kysely sees it inside this file. Kysely cannot type a query on
 * a table whose name is a type parameter, so the statements are built on this
 * loose view; the options above keep the records and rows typed for callers.
 */
type LooseSchema = Record<string, Record<string, unknown>>;

const nextVersion = sql<number>`${sql.ref('version')} + 1`;

export function createRecordTable<Name extends RecordTableName, Item>(
  database: Kysely<DatabaseSchema>,
  options: RecordTableOptions<Name, Item>,
): RecordTable<Item> {
  const db = database as unknown as Kysely<LooseSchema>;
  const table: string = options.table;
  const key: string = options.key;
  const fromRow = (row: Record<string, unknown>) => options.fromRow(row as Selectable<DatabaseSchema[Name]>);
  const toRow = (record: Item) => options.toRow(record) as Record<string, unknown>;
  const versionedFromRow = (row: Record<string, unknown>): Versioned<Item> => ({ record: fromRow(row), version: columnToVersion(row['version']) });
  const conflictOr = (error: unknown, record: Item): unknown =>
    isUniqueViolation(error) ? new StorageConflictError(options.conflictMessage(record, error)) : error;

  function listRows<Listed>(
    request: { limit: number; cursor?: string | null | undefined },
    filters: ColumnFilters,
    toItem: (row: Record<string, unknown>) => Listed,
    keyOf: (item: Listed) => string,
  ): Promise<Page<Listed>> {
    return listPage(request, {
      decodeCursor: (cursor) => decodeIdCursor(cursor).id,
      fetch: (rowCount, after) => {
        let query = db.selectFrom(table).selectAll().orderBy(key).limit(rowCount);
        if (after !== null) query = query.where(key, '>', after);
        for (const [column, value] of Object.entries(filters)) {
          if (value) query = query.where(column, '=', value);
        }
        return query.execute();
      },
      toItem,
      sortKeyOf: (item) => [keyOf(item)],
    });
  }

  return {
    async insert(record) {
      try {
        await db.insertInto(table).values(toRow(record)).execute();
      } catch (error) {
        throw conflictOr(error, record);
      }
    },

    async get(value) {
      const row = await db.selectFrom(table).selectAll().where(key, '=', value).executeTakeFirst();
      return row === undefined ? null : fromRow(row);
    },

    async getVersioned(value) {
      const row = await db.selectFrom(table).selectAll().where(key, '=', value).executeTakeFirst();
      return row === undefined ? null : versionedFromRow(row);
    },

    list: (request, filters = {}) => listRows(request, filters, fromRow, options.keyOf),
    listVersioned: (request, filters = {}) => listRows(request, filters, versionedFromRow, (item) => options.keyOf(item.record)),

    async listAll() {
      const rows = await db.selectFrom(table).selectAll().orderBy(key).execute();
      return rows.map(fromRow);
    },

    async replace(record) {
      const { [key]: value, ...columns } = toRow(record);
      try {
        const result = await db.updateTable(table).set({ ...columns, version: nextVersion }).where(key, '=', value).executeTakeFirst();
        // mysql2 sets CLIENT_FOUND_ROWS, so an unchanged row still counts as updated.
        return result.numUpdatedRows > 0n;
      } catch (error) {
        throw conflictOr(error, record);
      }
    },

    async replaceIfVersion(record, version) {
      const { [key]: value, ...columns } = toRow(record);
      try {
        // One statement: the row lock (InnoDB) or the write lock (SQLite) makes the check and the write
        // atomic, so of two writers that read the same version exactly one matches.
        const result = await db
          .updateTable(table)
          .set({ ...columns, version: nextVersion })
          .where(key, '=', value)
          .where('version', '=', version)
          .executeTakeFirst();
        // Counts matched rows on both dialects (mysql2 sets CLIENT_FOUND_ROWS).
        if (result.numUpdatedRows > 0n) return 'written';
      } catch (error) {
        throw conflictOr(error, record);
      }
      const stored = await db.selectFrom(table).select(key).where(key, '=', value).executeTakeFirst();
      return stored === undefined ? 'missing' : 'changed';
    },

    async delete(value) {
      const result = await db.deleteFrom(table).where(key, '=', value).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}
