// The storage entry point: open the database, migrate it, hand out repositories.
import { openDatabase, type GatewayDatabase, type OpenDatabaseOptions } from './database.js';
import { createKeySpendRepository } from './key-spend-repository.js';
import { createKeysRepository } from './keys-repository.js';
import { migrateToLatest } from './migrate.js';
import { createProvidersRepository } from './providers-repository.js';
import type {
  KeySpendRepository,
  KeysRepository,
  ProvidersRepository,
  RequestLogsRepository,
  RoutesRepository,
  SettingsRepository,
} from './records.js';
import { createRequestLogsRepository } from './request-logs-repository.js';
import { createRoutesRepository } from './routes-repository.js';
import { createSettingsRepository } from './settings-repository.js';

export interface GatewayStorage {
  database: GatewayDatabase;
  providers: ProvidersRepository;
  keys: KeysRepository;
  routes: RoutesRepository;
  settings: SettingsRepository;
  requestLogs: RequestLogsRepository;
  keySpend: KeySpendRepository;
  close(): Promise<void>;
}

/** Short alias used by callers. */
export type Storage = GatewayStorage;

export async function openStorage(options: OpenDatabaseOptions): Promise<GatewayStorage> {
  const database = await openDatabase(options);
  try {
    await migrateToLatest(database);
  } catch (error) {
    await database.close();
    throw error;
  }
  return {
    database,
    providers: createProvidersRepository(database.db),
    keys: createKeysRepository(database.db),
    routes: createRoutesRepository(database.db),
    settings: createSettingsRepository(database.db),
    requestLogs: createRequestLogsRepository(database.db, database.dialect),
    keySpend: createKeySpendRepository(database.db, database.dialect),
    close: () => database.close(),
  };
}

export { openDatabase, type GatewayDatabase, type OpenDatabaseOptions } from './database.js';
export { DatabaseUrlError } from './database-url.js';
export { migrateToLatest, MigrationError, type MigrationSummary } from './migrate.js';
export { InvalidCursorError, MAX_PAGE_SIZE } from './cursor.js';
export { StoredValueError } from './row-values.js';
export { createProvidersRepository } from './providers-repository.js';
export { createKeysRepository } from './keys-repository.js';
export { createRoutesRepository } from './routes-repository.js';
export { createSettingsRepository } from './settings-repository.js';
export { createRequestLogsRepository } from './request-logs-repository.js';
export { createKeySpendRepository } from './key-spend-repository.js';
export * from './records.js';
