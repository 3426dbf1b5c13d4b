// Scheduled health checks: the check (a target, an interval, a prompt), its
// recorded runs, the summaries over windows of runs, and their repositories.
import type { Page } from './page.js';
import type { Versioned, VersionedRepository } from './versioned-record.js';

/** A provider model (providerId + upstreamModel, route '') or a route (route, the others ''). */
export interface HealthCheckTarget {
  providerId: string;
  upstreamModel: string;
  route: string;
}

export interface HealthCheckRecord extends HealthCheckTarget {
  id: string;
  name: string;
  enabled: boolean;
  intervalMs: number;
  timeoutMs: number;
  /** The user message sent. */
  prompt: string;
  maxOutputTokens: number;
  createdAt: number;
  updatedAt: number;
}

/** One execution of a check. */
export interface HealthCheckRunRecord {
  id: string;
  checkId: string;
  /** Epoch ms when the run started. */
  time: number;
  ok: boolean;
  latencyMs: number;
  /** GatewayError kind ('' when ok). */
  errorKind: string;
  /** '' when ok; safe to show (never a credential). */
  errorMessage: string;
  /** The upstream's HTTP status on an upstream error; 0 otherwise. */
  upstreamStatus: number;
  /** Who answered, or the last target tried ('' when none was). */
  providerId: string;
  upstreamModel: string;
  attempts: number;
}

/** The runs of one check within a time range. Latency figures cover the successful runs only. */
export interface HealthCheckRunSummary {
  runs: number;
  failures: number;
  /** null without a successful run. */
  averageLatencyMs: number | null;
  /** Nearest-rank 95th percentile; null without a successful run. */
  p95LatencyMs: number | null;
  /** The newest failed run in the range. */
  lastFailure: HealthCheckRunRecord | null;
}

export interface HealthCheckRunFilter {
  checkId?: string | null;
  /** Inclusive epoch ms. */
  from?: number | null;
  /** Exclusive epoch ms. */
  to?: number | null;
  failuresOnly?: boolean;
}

export interface HealthChecksRepository extends VersionedRepository<HealthCheckRecord> {
  /** Throws StorageConflictError when the id or the name exists. */
  insert(check: HealthCheckRecord): Promise<void>;
  get(id: string): Promise<HealthCheckRecord | null>;
  /** Ordered by id. */
  list(options: { limit: number; cursor?: string | null }): Promise<Page<HealthCheckRecord>>;
  /** The same page, each check with its version. */
  listVersioned(options: { limit: number; cursor?: string | null }): Promise<Page<Versioned<HealthCheckRecord>>>;
  /** Every check, enabled or not, ordered by id. */
  listAll(): Promise<HealthCheckRecord[]>;
  /** Throws StorageConflictError when the new name is taken. */
  replace(check: HealthCheckRecord): Promise<boolean>;
  delete(id: string): Promise<boolean>;
}

export interface HealthCheckRunsRepository {
  insert(run: HealthCheckRunRecord): Promise<void>;
  /** Newest first; `cursor` is the nextCursor of the previous page. */
  list(filter: HealthCheckRunFilter, options: { limit: number; cursor?: string | null }): Promise<Page<HealthCheckRunRecord>>;
  /** The newest run of each check that has one. */
  latest(checkIds: readonly string[]): Promise<Map<string, HealthCheckRunRecord>>;
  /** Per check, its runs with from ≤ time < to; a check without runs is absent. */
  summarize(checkIds: readonly string[], from: number, to: number): Promise<Map<string, HealthCheckRunSummary>>;
  /** Deletes up to `limit` runs older than `cutoff` (epoch ms); returns how many. */
  deleteOlderThan(cutoff: number, limit: number): Promise<number>;
}
