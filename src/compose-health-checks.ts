// The scheduled health checks' parts, wired together for composeGateway: the
// admin and history behind HealthChecksService, the runner (started only where
// the background jobs run, and running checks only while it holds the
// 'health-checks' lease in the database), the retention of runs, and the
// newest results for the metrics and RoutesService.GetRouteHealth.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { createHealthCheckAdmin, type HealthCheckAdmin } from './core/admin/health-checks/health-check-admin.js';
import { createHealthCheckHistory, type HealthCheckHistory } from './core/admin/health-checks/health-check-history.js';
import type { ProviderCatalog } from './core/completion/provider-catalog.js';
import { createCheckExecutor } from './core/health-checks/check-executor.js';
import { createHealthCheckRunner, type HealthCheckRunner } from './core/health-checks/health-check-runner.js';
import { createLatestResults, type LatestResults } from './core/health-checks/latest-results.js';
import { createLeaseHolder, type LeaseChange } from './core/health-checks/lease-holder.js';
import { createReportThrottle } from './core/request-log/report-throttle.js';
import { createRetentionJob, type RetentionJob } from './core/request-log/retention.js';
import type { RouteTable } from './core/routing/route-table.js';
import { batchRowsFor } from './storage/batch-rows.js';
import type { GatewayStorage } from './storage/index.js';

/** The lease's name in job_leases. */
export const HEALTH_CHECK_LEASE = 'health-checks';

export interface HealthCheckTiming {
  /** How often the runner looks for due checks (default 1 s). */
  tickMs?: number;
  /** A lease not renewed for this long is taken over (default 30 s); renewed every third of it. */
  leaseTtlMs?: number;
  /** This process in job_leases (default host:pid:random). */
  holderId?: string;
}

/** Where the parts report (compose.ts's GatewayLog fits; not imported, compose.ts imports this file). */
export interface HealthCheckLog {
  error(details: object, message: string): void;
  info(details: object, message: string): void;
}

export interface HealthCheckParts {
  admin: HealthCheckAdmin;
  history: HealthCheckHistory;
  runner: HealthCheckRunner;
  results: LatestResults;
  /** Deletes runs older than the retention period (hourly, in batches like the request log's: storage/batch-rows.ts). */
  retention: RetentionJob;
  /** Starts the runner and the retention of runs. */
  start(): void;
  stop(): Promise<void>;
}

/** What the log says when this process starts or stops running the checks. */
const LEASE_CHANGE_MESSAGES: Record<LeaseChange, string> = {
  taken: 'running the scheduled health checks (lease taken)',
  'held-elsewhere': 'not running the scheduled health checks (lease held elsewhere)',
  expired: 'not running the scheduled health checks (the lease expired before it could be renewed)',
  released: 'stopped running the scheduled health checks (lease released)',
};

export function composeHealthChecks(options: {
  storage: GatewayStorage;
  catalog: ProviderCatalog;
  routeTable: RouteTable;
  retentionDays: number;
  log: HealthCheckLog;
  onChange: () => void;
  now: (() => number) | undefined;
  timing?: HealthCheckTiming;
}): HealthCheckParts {
  const { storage, log, now = Date.now, timing = {} } = options;
  const checks = storage.healthChecks;
  const runs = storage.healthCheckRuns;
  // While the database is away every tick fails alike: one line per kind every 30 s, with the count.
  const reports = createReportThrottle<string>(30_000, (report) => log.error({ err: report.error, count: report.count }, report.message));
  const holder = timing.holderId ?? `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const leaseTtlMs = timing.leaseTtlMs ?? 30_000;
  const lease = createLeaseHolder({
    leases: storage.jobLeases,
    name: HEALTH_CHECK_LEASE,
    holder,
    ttlMs: leaseTtlMs,
    renewEveryMs: Math.max(1, Math.floor(leaseTtlMs / 3)),
    now,
    onChange: (change) => log.info({ holder }, LEASE_CHANGE_MESSAGES[change]),
    onError: (error) => reports.add('lease', 1, (total) => `health-check lease: reaching the database failed ${total} time(s)`, error),
  });
  const runner = createHealthCheckRunner({
    checks,
    runs,
    lease,
    execute: createCheckExecutor({ catalog: options.catalog, routes: options.routeTable, now }),
    now,
    ...(timing.tickMs === undefined ? {} : { tickMs: timing.tickMs }),
    onError: (error, what) => reports.add(what, 1, (total) => `health checks: ${what} (${total} time(s))`, error),
  });
  const retention = createRetentionJob({
    repository: runs,
    retentionDays: options.retentionDays,
    batchSize: batchRowsFor(storage.database.dialect).retentionDelete,
    now,
    onDeleted: (count, cutoff) => log.info({ count, cutoff: new Date(cutoff).toISOString() }, 'deleted expired health-check runs'),
    onError: (error) => log.error({ err: error }, 'deleting expired health-check runs failed; retrying at the next interval'),
  });
  return {
    admin: createHealthCheckAdmin({ checks, providers: storage.providers, routes: storage.routes, onChange: options.onChange, now }),
    history: createHealthCheckHistory({ checks, runs, now }),
    runner,
    results: createLatestResults(checks, runs),
    retention,
    start() {
      runner.start();
      retention.start();
    },
    async stop() {
      await runner.stop();
      await retention.stop();
      reports.flushPending();
    },
  };
}
