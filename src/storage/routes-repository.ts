// RoutesRepository over Kysely (SQLite or MySQL). Keyset pagination by name.
import type { Kysely } from 'kysely';
import { decodeIdCursor, normalizePageSize, toPage } from './cursor.js';
import type { RouteRecord, RoutesRepository } from '../domain/route.js';
import { StorageConflictError } from '../domain/storage-conflict-error.js';
import { routeToRow, rowToRoute } from './route-rows.js';
import type { DatabaseSchema } from './schema.js';
import { isUniqueViolation } from './storage-errors.js';

export function createRoutesRepository(db: Kysely<DatabaseSchema>): RoutesRepository {
  return {
    async insert(route) {
      try {
        await db.insertInto('routes').values(routeToRow(route)).execute();
      } catch (error) {
        throw conflictOr(error, route);
      }
    },

    async get(name) {
      const row = await db.selectFrom('routes').selectAll().where('name', '=', name).executeTakeFirst();
      return row === undefined ? null : rowToRoute(row);
    },

    async list({ limit, cursor }) {
      const pageSize = normalizePageSize(limit);
      let query = db.selectFrom('routes').selectAll().orderBy('name').limit(pageSize + 1);
      // The cursor holds the last name of the previous page (same shape as an id cursor).
      if (cursor) query = query.where('name', '>', decodeIdCursor(cursor).id);
      const rows = await query.execute();
      return toPage(rows, pageSize, rowToRoute, (route) => [route.name]);
    },

    async listAll() {
      const rows = await db.selectFrom('routes').selectAll().orderBy('name').execute();
      return rows.map(rowToRoute);
    },

    async replace(route) {
      const { name, ...columns } = routeToRow(route);
      const result = await db.updateTable('routes').set(columns).where('name', '=', name).executeTakeFirst();
      // mysql2 sets CLIENT_FOUND_ROWS, so an unchanged row still counts as updated.
      return result.numUpdatedRows > 0n;
    },

    async delete(name) {
      const result = await db.deleteFrom('routes').where('name', '=', name).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}

function conflictOr(error: unknown, route: RouteRecord): unknown {
  if (!isUniqueViolation(error)) return error;
  return new StorageConflictError(`A route named "${route.name}" already exists`);
}
