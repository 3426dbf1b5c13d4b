// The health-check runner as the gateway composes it (lease holder, executor
// over the provider catalog and route table, run recording), on a database file
// that several runners can share, against the fault upstream registered as
// provider `fault`; driven by tick() on a fake clock.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { create } from '@bufbuild/protobuf';
import { CreateProviderRequestSchema, ProviderType } from '../../gen/llmgateway/v1/providers_service_pb.js';
import { HEALTH_CHECK_LEASE } from '../../src/compose-health-checks.js';
import { createReferenceFinder } from '../../src/core/admin/references.js';
import { createProviderAdmin } from '../../src/core/admin/providers/provider-admin.js';
import { createProviderCatalog } from '../../src/core/completion/provider-catalog.js';
import { createCheckExecutor } from '../../src/core/health-checks/check-executor.js';
import { createHealthCheckRunner, type HealthCheckRunner } from '../../src/core/health-checks/health-check-runner.js';
import { createLeaseHolder, type LeaseChange } from '../../src/core/health-checks/lease-holder.js';
import { createRouteTable } from '../../src/core/routing/route-table.js';
import { createMasterKeyRing, type MasterKeyRing } from '../../src/core/secrets/master-key-ring.js';
import type { HealthCheckRunRecord } from '../../src/domain/health-check.js';
import { createProviderAdapter } from '../../src/providers/registry.js';
import { openStorage, type GatewayStorage } from '../../src/storage/index.js';
import { startFaultUpstream, type FaultUpstream } from '../fixtures/fault-upstream.js';

export const LEASE_TTL_MS = 30_000;
export const RENEW_EVERY_MS = 10_000;

export interface FakeClock {
  now(): number;
  advance(ms: number): void;
}

export interface TestRunner {
  runner: HealthCheckRunner;
  storage: GatewayStorage;
  errors: unknown[];
  /** Each time it started or stopped holding the lease, and why (what its log line says). */
  leaseChanges: LeaseChange[];
  /** Ticks, then waits until the runs it started are recorded. */
  pass(): Promise<void>;
}

export interface RunnerHarness {
  upstream: FaultUpstream;
  storage: GatewayStorage;
  clock: FakeClock;
  /** A runner on its own connection to the shared database, holding the lease as `holder`. */
  runner(holder: string): Promise<TestRunner>;
  /** Every recorded run, newest first. */
  runs(checkId?: string): Promise<HealthCheckRunRecord[]>;
  close(): Promise<void>;
}

export async function startRunnerHarness(models: string[]): Promise<RunnerHarness> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-health-checks-'));
  const upstream = await startFaultUpstream();
  const keyRing: MasterKeyRing = createMasterKeyRing(randomBytes(32));
  const storage = await openStorage({ dataDir });
  let time = 1_800_000_000_000;
  const clock: FakeClock = { now: () => time, advance: (ms) => (time += ms) };
  await createProviderAdmin({ providers: storage.providers, keyRing, references: createReferenceFinder(storage), onChange: () => undefined }).create(
    create(CreateProviderRequestSchema, {
      id: 'fault',
      name: 'Fault fixture',
      type: ProviderType.OPENAI,
      baseUrl: upstream.baseUrl,
      apiKey: upstream.apiKey,
      models: models.map((upstreamModel) => ({ upstreamModel })),
    }),
  );
  const opened: GatewayStorage[] = [storage];
  const runners: HealthCheckRunner[] = [];

  return {
    upstream,
    storage,
    clock,
    async runner(holder) {
      const own = await openStorage({ dataDir });
      opened.push(own);
      const errors: unknown[] = [];
      const leaseChanges: LeaseChange[] = [];
      const lease = createLeaseHolder({
        leases: own.jobLeases,
        name: HEALTH_CHECK_LEASE,
        holder,
        ttlMs: LEASE_TTL_MS,
        renewEveryMs: RENEW_EVERY_MS,
        now: clock.now,
        onChange: (change) => leaseChanges.push(change),
        onError: (error) => errors.push(error),
      });
      const catalog = createProviderCatalog({ providers: own.providers, keyRing, createAdapter: createProviderAdapter });
      const runner = createHealthCheckRunner({
        checks: own.healthChecks,
        runs: own.healthCheckRuns,
        lease,
        execute: createCheckExecutor({ catalog, routes: createRouteTable({ routes: own.routes }), now: clock.now }),
        now: clock.now,
        onError: (error) => errors.push(error),
      });
      runners.push(runner);
      return {
        runner,
        storage: own,
        errors,
        leaseChanges,
        async pass() {
          await runner.tick();
          await runner.idle();
        },
      };
    },
    async runs(checkId) {
      return (await storage.healthCheckRuns.list(checkId ? { checkId } : {}, { limit: 1000 })).items;
    },
    async close() {
      await Promise.all(runners.map((runner) => runner.stop()));
      await Promise.all(opened.map((each) => each.close()));
      await upstream.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
