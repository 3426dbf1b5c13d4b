// RoutesRepository over Kysely (SQLite or MySQL). Keyset pagination by name.
import type { Kysely } from 'kysely';
import type { RoutesRepository } from '../domain/route.js';
import { createRecordTable } from './record-table.js';
import { routeToRow, rowToRoute } from './route-rows.js';
import type { DatabaseSchema } from './schema.js';

export function createRoutesRepository(db: Kysely<DatabaseSchema>): RoutesRepository {
  const table = createRecordTable(db, {
    table: 'routes',
    key: 'name',
    keyOf: (route) => route.name,
    toRow: routeToRow,
    fromRow: rowToRoute,
    conflictMessage: (route) => `A route named "${route.name}" already exists`,
  });
  return {
    ...table,
    // The cursor holds the last name of the previous page (same shape as an id cursor).
    list: ({ limit, cursor }) => table.list({ limit, cursor }),
  };
}
