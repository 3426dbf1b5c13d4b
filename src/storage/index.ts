// The storage entry point: open the database, migrate it, hand out repositories.
import { openDatabase, type GatewayDatabase, type OpenDatabaseOptions } from './database.js';
import { createExpertDecisionsRepository } from './expert-decisions-repository.js';
import { createHealthCheckRunsRepository } from './health-check-runs-repository.js';
import { createHealthChecksRepository } from './health-checks-repository.js';
import { createJobLeasesRepository } from './job-leases-repository.js';
import { createKeySpendRepository } from './key-spend-repository.js';
import { createKeysRepository } from './keys-repository.js';
import { migrateToLatest } from './migrate.js';
import { createPromptRulesRepository } from './prompt-rules-repository.js';
import { createProvidersRepository } from './providers-repository.js';
import type { ExpertDecisionsRepository } from '../domain/expert-routing.js';
import type { HealthCheckRunsRepository, HealthChecksRepository } from '../domain/health-check.js';
import type { JobLeasesRepository } from '../domain/job-lease.js';
import type { KeySpendRepository } from '../domain/key-spend.js';
import type { PromptRulesRepository } from '../domain/prompt-rule.js';
import type { ProvidersRepository } from '../domain/provider.js';
import type { RequestLogsRepository } from '../domain/request-log.js';
import type { RoutesRepository } from '../domain/route.js';
import type { SettingsRepository } from '../domain/settings.js';
import type { KeysRepository } from '../domain/virtual-key.js';
import { createRequestLogsRepository } from './request-logs-repository.js';
import { createRoutesRepository } from './routes-repository.js';
import { createSettingsRepository } from './settings-repository.js';
import { createStoredResponsesRepository } from './stored-responses-repository.js';
import type { StoredResponsesRepository } from '../domain/stored-response.js';

export interface GatewayStorage {
  database: GatewayDatabase;
  providers: ProvidersRepository;
  keys: KeysRepository;
  routes: RoutesRepository;
  settings: SettingsRepository;
  requestLogs: RequestLogsRepository;
  keySpend: KeySpendRepository;
  promptRules: PromptRulesRepository;
  expertDecisions: ExpertDecisionsRepository;
  healthChecks: HealthChecksRepository;
  healthCheckRuns: HealthCheckRunsRepository;
  /** Leases on background jobs, so that one process of a deployment runs each. */
  jobLeases: JobLeasesRepository;
  /** Responses API answers kept for their key (POST /v1/responses with store). */
  storedResponses: StoredResponsesRepository;
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
    requestLogs: createRequestLogsRepository(database.db, database.dialect, database.sqlite),
    keySpend: createKeySpendRepository(database.db, database.dialect),
    promptRules: createPromptRulesRepository(database.db),
    expertDecisions: createExpertDecisionsRepository(database.db),
    healthChecks: createHealthChecksRepository(database.db),
    healthCheckRuns: createHealthCheckRunsRepository(database.db, database.dialect),
    jobLeases: createJobLeasesRepository(database.db, database.dialect),
    storedResponses: createStoredResponsesRepository(database.db, database.dialect),
    close: () => database.close(),
  };
}

export { openDatabase, type GatewayDatabase, type OpenDatabaseOptions } from './database.js';
export { DatabaseUrlError } from './database-url.js';
export { migrateToLatest, MigrationError, type MigrationSummary } from './migrate.js';
export { InvalidCursorError } from './cursor.js';
export { MAX_PAGE_SIZE } from './paged-list.js';
export { StoredValueError } from './row-values.js';
export { createProvidersRepository } from './providers-repository.js';
export { createKeysRepository } from './keys-repository.js';
export { createRoutesRepository } from './routes-repository.js';
export { createSettingsRepository } from './settings-repository.js';
export { createRequestLogsRepository } from './request-logs-repository.js';
export { createKeySpendRepository } from './key-spend-repository.js';
export { createPromptRulesRepository } from './prompt-rules-repository.js';
export { createExpertDecisionsRepository } from './expert-decisions-repository.js';
export { createHealthChecksRepository } from './health-checks-repository.js';
export { createHealthCheckRunsRepository } from './health-check-runs-repository.js';
export { createJobLeasesRepository } from './job-leases-repository.js';
export { createStoredResponsesRepository } from './stored-responses-repository.js';
