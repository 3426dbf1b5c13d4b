// What the health checks found, for the console: the recorded runs, and each
// check's status (its last run and summaries over windows ending now).
import { create } from '@bufbuild/protobuf';
import { durationMs, timestampMs, type Duration } from '@bufbuild/protobuf/wkt';
import {
  HealthCheckStatusSchema,
  type HealthCheckRun,
  type HealthCheckStatus,
  type ListHealthCheckRunsRequest,
  type ListHealthCheckStatusesRequest,
} from '../../../../gen/llmgateway/v1/health_checks_service_pb.js';
import type { HealthCheckRecord, HealthCheckRunFilter, HealthCheckRunsRepository, HealthChecksRepository } from '../../../domain/health-check.js';
import { invalidArgument } from '../../../domain/gateway-error.js';
import { pageRequest, validatePageSize } from '../paging.js';
import { storedRecords } from '../stored-records.js';
import { formatMs } from '../routes/route-validation.js';
import { healthCheckRunToProto, healthCheckSummaryToProto, healthCheckToProto } from './health-check-conversion.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
export const DEFAULT_WINDOWS_MS: readonly number[] = [HOUR, DAY, 7 * DAY];
export const MAX_WINDOWS = 5;
const MIN_WINDOW_MS = MINUTE;
const MAX_WINDOW_MS = 90 * DAY;
/** Each status reads a few ranges of runs per window: a smaller page than the other listings. */
const MAX_STATUS_PAGE = 100;

export interface HealthCheckHistoryOptions {
  checks: HealthChecksRepository;
  runs: HealthCheckRunsRepository;
  now?: () => number;
}

export interface HealthCheckHistory {
  listRuns(request: ListHealthCheckRunsRequest): Promise<{ runs: HealthCheckRun[]; nextPageToken: string }>;
  status(id: string, windows: Duration[]): Promise<HealthCheckStatus>;
  listStatuses(request: ListHealthCheckStatusesRequest): Promise<{ statuses: HealthCheckStatus[]; nextPageToken: string }>;
}

export function createHealthCheckHistory(options: HealthCheckHistoryOptions): HealthCheckHistory {
  const now = options.now ?? Date.now;
  const { checks, runs } = options;
  const records = storedRecords({ repository: checks, kind: 'health check', keyField: 'id', trimKey: true });

  /** The statuses of `page`, in its order: one read of the newest runs, one summary statement per window. */
  const statusesOf = async (page: HealthCheckRecord[], windowsMs: readonly number[]): Promise<HealthCheckStatus[]> => {
    const ids = page.map((check) => check.id);
    const end = now() + 1; // the window includes a run recorded this very millisecond
    const [latest, ...summaries] = await Promise.all([runs.latest(ids), ...windowsMs.map((windowMs) => runs.summarize(ids, end - windowMs, end))]);
    return page.map((check) => {
      const lastRun = latest.get(check.id);
      return create(HealthCheckStatusSchema, {
        check: healthCheckToProto(check),
        lastRun: lastRun ? healthCheckRunToProto(lastRun) : undefined,
        summaries: windowsMs.map((windowMs, index) => healthCheckSummaryToProto(windowMs, summaries[index]!.get(check.id))),
      });
    });
  };

  return {
    async listRuns(request) {
      const filter: HealthCheckRunFilter = { failuresOnly: request.failuresOnly };
      const checkId = request.checkId.trim();
      if (checkId !== '') filter.checkId = checkId;
      if (request.from) filter.from = instant('from', timestampMs(request.from));
      if (request.to) filter.to = instant('to', timestampMs(request.to));
      if (filter.from != null && filter.to != null && filter.to <= filter.from) throw invalidArgument('to', 'must be after from');
      const page = await runs.list(filter, pageRequest(request));
      return { runs: page.items.map(healthCheckRunToProto), nextPageToken: page.nextCursor ?? '' };
    },

    async status(id, windows) {
      const windowsMs = validateWindows(windows);
      const [status] = await statusesOf([await records.load(id)], windowsMs);
      return status!;
    },

    async listStatuses(request) {
      const windowsMs = validateWindows(request.windows);
      const limit = validatePageSize('page_size', request.pageSize);
      if (limit > MAX_STATUS_PAGE) throw invalidArgument('page_size', `must be between 1 and ${MAX_STATUS_PAGE}`);
      const page = await checks.list({ limit, cursor: request.pageToken || null });
      return { statuses: await statusesOf(page.items, windowsMs), nextPageToken: page.nextCursor ?? '' };
    },
  };
}

function validateWindows(windows: Duration[]): readonly number[] {
  if (windows.length === 0) return DEFAULT_WINDOWS_MS;
  if (windows.length > MAX_WINDOWS) throw invalidArgument('windows', `must have at most ${MAX_WINDOWS} entries`);
  return windows.map((window, index) => {
    const ms = durationMs(window);
    if (!Number.isSafeInteger(ms) || ms < MIN_WINDOW_MS || ms > MAX_WINDOW_MS) {
      throw invalidArgument(`windows[${index}]`, `must be whole milliseconds between ${formatMs(MIN_WINDOW_MS)} and ${formatMs(MAX_WINDOW_MS)}`);
    }
    return ms;
  });
}

function instant(field: string, ms: number): number {
  if (!Number.isSafeInteger(ms)) throw invalidArgument(field, 'is out of range');
  return ms;
}
