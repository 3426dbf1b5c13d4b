// HealthChecksRepository over Kysely (SQLite or MySQL). Keyset pagination by id.
import type { Kysely } from 'kysely';
import type { HealthChecksRepository } from '../domain/health-check.js';
import { healthCheckToRow, rowToHealthCheck } from './health-check-rows.js';
import { createRecordTable } from './record-table.js';
import type { DatabaseSchema } from './schema.js';

export function createHealthChecksRepository(db: Kysely<DatabaseSchema>): HealthChecksRepository {
  const table = createRecordTable(db, {
    table: 'health_checks',
    key: 'id',
    keyOf: (check) => check.id,
    toRow: healthCheckToRow,
    fromRow: rowToHealthCheck,
    conflictMessage: (check) => `A health check with the id "${check.id}" or the name "${check.name}" already exists`,
  });
  return { ...table, list: (request) => table.list(request), listVersioned: (request) => table.listVersioned(request) };
}
