// ProvidersRepository over Kysely (SQLite or MySQL). Keyset pagination by id.
import type { Kysely } from 'kysely';
import type { ProvidersRepository } from '../domain/provider.js';
import { providerToRow, rowToProvider } from './provider-rows.js';
import { createRecordTable } from './record-table.js';
import type { DatabaseSchema } from './schema.js';

export function createProvidersRepository(db: Kysely<DatabaseSchema>): ProvidersRepository {
  const table = createRecordTable(db, {
    table: 'providers',
    key: 'id',
    keyOf: (provider) => provider.id,
    toRow: providerToRow,
    fromRow: rowToProvider,
    conflictMessage: (provider) => `A provider with id "${provider.id}" already exists`,
  });
  return {
    ...table,
    list: ({ limit, cursor, type }) => table.list({ limit, cursor }, { type }),
    listVersioned: ({ limit, cursor, type }) => table.listVersioned({ limit, cursor }, { type }),
  };
}
