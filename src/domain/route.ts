// A route (a virtual model): its strategy, targets and settings, and its repository.
import type { ExpertRoutingRecord } from './expert-routing.js';
import type { Page } from './page.js';
import type { ProvidersRepository } from './provider.js';
import type { Versioned, VersionedRepository } from './versioned-record.js';

export type RouteStrategyName = 'priority' | 'weighted' | 'round-robin' | 'least-latency' | 'affinity' | 'expert';

export interface RouteTargetRecord {
  /** A provider model (providerId + upstreamModel) or another route (route); never both. */
  providerId: string;
  upstreamModel: string;
  route: string;
  weight: number;
  /** Out of rotation: tried only after the targets that are not (absent = false). */
  drained?: boolean;
}

export interface RouteSettingsRecord {
  maxRetries: number;
  backoffBaseMs: number;
  backoffCapMs: number;
  attemptTimeoutMs: number;
  totalDeadlineMs: number;
  failoverStatuses: number[];
  affinityScope: 'session' | 'user' | 'key';
  affinityTtlMs: number;
  maxRetryAfterMs: number;
}

export interface RouteRecord {
  /** The public model name; the primary key. */
  name: string;
  description: string;
  strategy: RouteStrategyName;
  targets: RouteTargetRecord[];
  settings: RouteSettingsRecord;
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
  /** Only on 'expert' routes (absent otherwise). */
  expert?: ExpertRoutingRecord;
}

export interface RoutesRepository extends VersionedRepository<RouteRecord> {
  /** Throws StorageConflictError when the name exists. */
  insert(route: RouteRecord): Promise<void>;
  get(name: string): Promise<RouteRecord | null>;
  /** Ordered by name. */
  list(options: { limit: number; cursor?: string | null }): Promise<Page<RouteRecord>>;
  /** The same page, each route with its version. */
  listVersioned(options: { limit: number; cursor?: string | null }): Promise<Page<Versioned<RouteRecord>>>;
  listAll(): Promise<RouteRecord[]>;
  /** Unconditional: route writes go through underWriteLock, which makes them take turns. */
  replace(route: RouteRecord): Promise<boolean>;
  delete(name: string): Promise<boolean>;
  /**
   * Runs `work` holding the lock every route write takes, across every process on the database, in one
   * transaction: what `work` reads of the routes cannot change until it has written, so a check across
   * routes (references exist, no cycle) still holds when the write lands. `work` reads and writes
   * through `scope` only.
   */
  underWriteLock<T>(work: (scope: RouteWriteScope) => Promise<T>): Promise<T>;
}

/** The repositories a route write uses while it holds the lock (the same transaction). */
export interface RouteWriteScope {
  routes: Pick<RoutesRepository, 'get' | 'getVersioned' | 'listAll' | 'insert' | 'replace' | 'replaceIfVersion' | 'delete'>;
  providers: Pick<ProvidersRepository, 'get'>;
}
