// KeysRepository over Kysely (SQLite or MySQL).
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Page } from '../domain/page.js';
import type { KeyListOptions, KeysRepository, VirtualKeyRecord } from '../domain/virtual-key.js';
import { decodeCreatedAtIdCursor } from './cursor.js';
import { keyToRow, rowToKey } from './key-rows.js';
import { listPage } from './paged-list.js';
import { createRecordTable } from './record-table.js';
import { columnToVersion } from './row-values.js';
import type { DatabaseSchema, VirtualKeysTable } from './schema.js';
import { violatedUniqueTarget } from './storage-errors.js';

/** Not a backslash: MySQL treats it as a string-literal escape, SQLite does not. */
const LIKE_ESCAPE = '!';

export function createKeysRepository(db: Kysely<DatabaseSchema>): KeysRepository {
  const table = createRecordTable(db, {
    table: 'virtual_keys',
    key: 'id',
    keyOf: (key) => key.id,
    toRow: keyToRow,
    fromRow: rowToKey,
    conflictMessage: (key, error) => {
      const target = violatedUniqueTarget(error) ?? '';
      const what = target.includes('secret_hash') ? 'secret hash' : `id "${key.id}"`;
      return `A virtual key with this ${what} already exists`;
    },
  });

  return {
    insert: table.insert,
    get: table.get,
    getVersioned: table.getVersioned,
    replace: table.replace,
    replaceIfVersion: table.replaceIfVersion,
    delete: table.delete,

    async revoke(id, at) {
      // Its own statement rather than a read-modify-write: it cannot lose to a concurrent write, and the
      // version it increments makes every write computed from an earlier read fail and re-read instead.
      const result = await db
        .updateTable('virtual_keys')
        .set({
          enabled: 0,
          revoked_at: at,
          previous_secret_hash: null,
          previous_secret_expires_at: null,
          updated_at: at,
          version: sql<number>`${sql.ref('version')} + 1`,
        })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async findBySecretHash(secretHash) {
      // The current hash wins over another key's previous hash; each lookup uses its own index.
      const current = await db
        .selectFrom('virtual_keys')
        .selectAll()
        .where('secret_hash', '=', secretHash)
        .executeTakeFirst();
      if (current !== undefined) return rowToKey(current);
      const previous = await db
        .selectFrom('virtual_keys')
        .selectAll()
        .where('previous_secret_hash', '=', secretHash)
        .orderBy('created_at')
        .orderBy('id')
        .executeTakeFirst();
      return previous === undefined ? null : rowToKey(previous);
    },

    list: (options) => listKeys(options, rowToKey, (key) => key),
    listVersioned: (options) => listKeys(options, (row) => ({ record: rowToKey(row), version: columnToVersion(row.version) }), (item) => item.record),
  };

  function listKeys<Listed>(
    { limit, cursor, nameContains, enabled }: KeyListOptions,
    toItem: (row: Selectable<VirtualKeysTable>) => Listed,
    keyOf: (item: Listed) => VirtualKeyRecord,
  ): Promise<Page<Listed>> {
    // Oldest first: (created_at, id), the order of virtual_keys_created_at_id_index.
    return listPage({ limit, cursor }, {
        decodeCursor: decodeCreatedAtIdCursor,
        fetch: (rowCount, after) => {
          let query = db.selectFrom('virtual_keys').selectAll().orderBy('created_at').orderBy('id').limit(rowCount);
          if (after) {
            query = query.where((eb) =>
              eb.or([
                eb('created_at', '>', after.createdAt),
                eb.and([eb('created_at', '=', after.createdAt), eb('id', '>', after.id)]),
              ]),
            );
          }
          if (nameContains) {
            // lower() on both sides: the tables use a binary collation, and SQLite's LIKE ignores collations.
            const pattern = `%${escapeLikePattern(nameContains)}%`;
            query = query.where(sql<boolean>`lower(${sql.ref('name')}) like lower(${pattern}) escape ${sql.lit(LIKE_ESCAPE)}`);
          }
          if (enabled !== null && enabled !== undefined) query = query.where('enabled', '=', enabled ? 1 : 0);
          return query.execute();
        },
        toItem,
        sortKeyOf: (item) => [keyOf(item).createdAt, keyOf(item).id],
      });
  }
}

/** Makes %, _ and the escape character itself match literally. */
export function escapeLikePattern(text: string): string {
  return text.replace(/[!%_]/g, (character) => `${LIKE_ESCAPE}${character}`);
}
