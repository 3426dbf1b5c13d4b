// The Responses API's stored responses: the key-scoped store the surface uses,
// and the background job that deletes them after GATEWAY_RESPONSES_RETENTION_DAYS
// (the request log's retention job, pointed at the stored_responses table).
import type { GatewayLog } from './compose-contract.js';
import { createRetentionJob, type RetentionJob } from './core/request-log/retention.js';
import { createResponseStore, type ResponseStore } from './core/responses/response-store.js';
import { batchRowsFor } from './storage/batch-rows.js';
import type { GatewayStorage } from './storage/index.js';

export interface ComposedResponses {
  store: ResponseStore;
  retention: RetentionJob;
}

export interface ComposeResponsesOptions {
  storage: GatewayStorage;
  retentionDays: number;
  log: GatewayLog;
  now?: () => number;
  /** A response the database could not keep (counted: llm_gateway_responses_not_stored_total). */
  onNotStored?: () => void;
}

export function composeResponses(options: ComposeResponsesOptions): ComposedResponses {
  const { storage, log } = options;
  const retention = createRetentionJob({
    repository: { deleteOlderThan: (cutoff, limit) => storage.storedResponses.deleteCreatedBefore(cutoff, limit) },
    retentionDays: options.retentionDays,
    batchSize: batchRowsFor(storage.database.dialect).retentionDelete,
    ...(options.now ? { now: options.now } : {}),
    onDeleted: (count, cutoff) => log.info({ count, cutoff: new Date(cutoff).toISOString() }, 'deleted expired stored responses'),
    onError: (error) => log.error({ err: error }, 'deleting expired stored responses failed; retrying at the next interval'),
  });
  const store = createResponseStore(storage.storedResponses);
  const save: ResponseStore['save'] = (response) =>
    store.save(response).catch((error: unknown) => {
      options.onNotStored?.();
      throw error;
    });
  return { store: { ...store, save }, retention };
}
