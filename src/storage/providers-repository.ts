// ProvidersRepository over Kysely (SQLite or MySQL).
import type { Kysely } from 'kysely';
import { decodeIdCursor, normalizePageSize, toPage } from './cursor.js';
import { providerToRow, rowToProvider } from './provider-rows.js';
import type { ProviderRecord, ProvidersRepository } from '../domain/provider.js';
import { StorageConflictError } from '../domain/storage-conflict-error.js';
import type { DatabaseSchema } from './schema.js';
import { isUniqueViolation } from './storage-errors.js';

export function createProvidersRepository(db: Kysely<DatabaseSchema>): ProvidersRepository {
  return {
    async insert(provider) {
      try {
        await db.insertInto('providers').values(providerToRow(provider)).execute();
      } catch (error) {
        throw conflictOr(error, provider);
      }
    },

    async get(id) {
      const row = await db.selectFrom('providers').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? null : rowToProvider(row);
    },

    async list({ limit, cursor, type }) {
      const pageSize = normalizePageSize(limit);
      let query = db.selectFrom('providers').selectAll().orderBy('id').limit(pageSize + 1);
      if (cursor) query = query.where('id', '>', decodeIdCursor(cursor).id);
      if (type) query = query.where('type', '=', type);
      const rows = await query.execute();
      return toPage(rows, pageSize, rowToProvider, (provider) => [provider.id]);
    },

    async listAll() {
      const rows = await db.selectFrom('providers').selectAll().orderBy('id').execute();
      return rows.map(rowToProvider);
    },

    async replace(provider) {
      const { id, ...columns } = providerToRow(provider);
      const result = await db.updateTable('providers').set(columns).where('id', '=', id).executeTakeFirst();
      // mysql2 sets CLIENT_FOUND_ROWS, so an unchanged row still counts as updated.
      return result.numUpdatedRows > 0n;
    },

    async delete(id) {
      const result = await db.deleteFrom('providers').where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}

function conflictOr(error: unknown, provider: ProviderRecord): unknown {
  if (!isUniqueViolation(error)) return error;
  return new StorageConflictError(`A provider with id "${provider.id}" already exists`);
}
