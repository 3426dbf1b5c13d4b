// KeysRepository over Kysely (SQLite or MySQL).
import { sql, type Kysely } from 'kysely';
import { decodeCreatedAtIdCursor, normalizePageSize, toPage } from './cursor.js';
import { keyToRow, rowToKey } from './key-rows.js';
import { StorageConflictError } from '../domain/storage-conflict-error.js';
import type { KeysRepository, VirtualKeyRecord } from '../domain/virtual-key.js';
import type { DatabaseSchema } from './schema.js';
import { isUniqueViolation, violatedUniqueTarget } from './storage-errors.js';

/** Not a backslash: MySQL treats it as a string-literal escape, SQLite does not. */
const LIKE_ESCAPE = '!';

export function createKeysRepository(db: Kysely<DatabaseSchema>): KeysRepository {
  return {
    async insert(key) {
      try {
        await db.insertInto('virtual_keys').values(keyToRow(key)).execute();
      } catch (error) {
        throw conflictOr(error, key);
      }
    },

    async get(id) {
      const row = await db.selectFrom('virtual_keys').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? null : rowToKey(row);
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

    async list({ limit, cursor, nameContains, enabled }) {
      const pageSize = normalizePageSize(limit);
      let query = db
        .selectFrom('virtual_keys')
        .selectAll()
        .orderBy('created_at')
        .orderBy('id')
        .limit(pageSize + 1);
      if (cursor) {
        const after = decodeCreatedAtIdCursor(cursor);
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
      const rows = await query.execute();
      return toPage(rows, pageSize, rowToKey, (key) => [key.createdAt, key.id]);
    },

    async replace(key) {
      const { id, ...columns } = keyToRow(key);
      try {
        const result = await db.updateTable('virtual_keys').set(columns).where('id', '=', id).executeTakeFirst();
        return result.numUpdatedRows > 0n;
      } catch (error) {
        throw conflictOr(error, key);
      }
    },

    async delete(id) {
      const result = await db.deleteFrom('virtual_keys').where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}

/** Makes %, _ and the escape character itself match literally. */
export function escapeLikePattern(text: string): string {
  return text.replace(/[!%_]/g, (character) => `${LIKE_ESCAPE}${character}`);
}

function conflictOr(error: unknown, key: VirtualKeyRecord): unknown {
  if (!isUniqueViolation(error)) return error;
  const target = violatedUniqueTarget(error) ?? '';
  const what = target.includes('secret_hash') ? 'secret hash' : `id "${key.id}"`;
  return new StorageConflictError(`A virtual key with this ${what} already exists`);
}
