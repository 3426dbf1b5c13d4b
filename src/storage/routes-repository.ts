// RoutesRepository over Kysely (SQLite or MySQL). Keyset pagination by name.
import { sql, type Kysely } from 'kysely';
import type { RoutesRepository } from '../domain/route.js';
import { createProvidersRepository } from './providers-repository.js';
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
    listVersioned: ({ limit, cursor }) => table.listVersioned({ limit, cursor }),

    underWriteLock(work) {
      // A save checks the whole route graph (no cycle, references exist) and then writes one route, so
      // per-row versions are not enough: two processes could each save one half of a cycle. Instead every
      // route write first updates the 'routes' row of write_locks, in the transaction that then reads the
      // routes and writes. The same statement locks on both dialects, which is why it is a write and not
      // SELECT … FOR UPDATE (SQLite has none) or BEGIN IMMEDIATE (Kysely's SQLite transactions begin
      // deferred, and MySQL has none): on MySQL/InnoDB the UPDATE takes the row's exclusive lock until
      // commit, and the routes read after it see every write committed before; on SQLite, as the
      // transaction's first statement, it takes the database's write lock (waiting busy_timeout, as any
      // write does), so no stale snapshot was read before it. The lock spans the transaction's awaits;
      // this process's other queries wait for its one connection, other processes' writes for the lock.
      return db.transaction().execute(async (transaction) => {
        const locked = await transaction
          .updateTable('write_locks')
          .set({ writes: sql<number>`${sql.ref('writes')} + 1` })
          .where('name', '=', 'routes')
          .executeTakeFirst();
        if (locked.numUpdatedRows === 0n) throw new Error('write_locks has no "routes" row (migration 0010 inserts it)');
        return work({ routes: createRoutesRepository(transaction), providers: createProvidersRepository(transaction) });
      });
    },
  };
}
