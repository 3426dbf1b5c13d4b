// What the console reads, over Connect's in-memory transport, from runs placed
// at known times: the status summaries per window (runs, success rate, average
// and p95 latency of the successful runs, the last failure), the runs listing,
// the newest scheduled result in RoutesService.GetRouteHealth and the metrics'
// latest() accessor; and the retention of runs.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Code, ConnectError, createClient, type Client } from '@connectrpc/connect';
import { durationFromMs, durationMs, timestampFromMs, timestampMs } from '@bufbuild/protobuf/wkt';
import { HealthChecksService, type HealthCheckSummary } from '../../gen/llmgateway/v1/health_checks_service_pb.js';
import { RoutesService } from '../../gen/llmgateway/v1/routes_service_pb.js';
import { composeHealthChecks } from '../../src/compose-health-checks.js';
import { createProviderCatalog } from '../../src/core/completion/provider-catalog.js';
import { createRouteTable } from '../../src/core/routing/route-table.js';
import { createProviderAdapter } from '../../src/providers/registry.js';
import { adminHeaders, createInMemoryServices, type InMemoryServices } from '../helpers/in-memory-services.js';
import { makeHealthCheck, makeRun } from '../storage/conformance-health-checks.js';
import { makeProvider, makeRoute } from '../storage/fixtures.js';

const admin = { headers: adminHeaders };
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const NOW = 1_800_000_000_000;

async function failure(promise: Promise<unknown>): Promise<ConnectError> {
  try {
    await promise;
  } catch (error) {
    return ConnectError.from(error);
  }
  throw new Error('expected the call to fail');
}

/** A summary as plain numbers: [window ms, runs, failures, success rate, average ms, p95 ms, last failure id]. */
function plain(summary: HealthCheckSummary) {
  return [
    durationMs(summary.window!),
    summary.runs,
    summary.failures,
    Number(summary.successRate.toFixed(4)),
    summary.averageLatency ? durationMs(summary.averageLatency) : null,
    summary.p95Latency ? durationMs(summary.p95Latency) : null,
    summary.lastFailure?.id ?? null,
  ];
}

describe('health-check status, runs and results', () => {
  let services: InMemoryServices;
  let client: Client<typeof HealthChecksService>;

  beforeEach(async () => {
    services = await createInMemoryServices();
    services.setNow(NOW);
    client = createClient(HealthChecksService, services.transport);
    const { storage } = services;
    await storage.providers.insert(makeProvider());
    await storage.routes.insert(makeRoute({ name: 'smart', targets: [{ providerId: 'prov-1', upstreamModel: 'gpt-4o', route: '', weight: 1 }] }));
    await storage.healthChecks.insert(makeHealthCheck({ id: 'hc_a', name: 'a' }));
    await storage.healthChecks.insert(makeHealthCheck({ id: 'hc_b', name: 'b (never ran)' }));
    await storage.healthChecks.insert(makeHealthCheck({ id: 'hc_off', name: 'disabled', enabled: false }));
    await storage.healthChecks.insert(makeHealthCheck({ id: 'hc_route', name: 'route', providerId: '', upstreamModel: '', route: 'smart' }));
    const ofA = (overrides: Parameters<typeof makeRun>[0]) => makeRun({ checkId: 'hc_a', ...overrides });
    const runs = [
      ofA({ id: 'r1', time: NOW - 10 * MINUTE, latencyMs: 100 }),
      ofA({ id: 'r2', time: NOW - 20 * MINUTE, latencyMs: 300 }),
      ofA({ id: 'r3', time: NOW - 30 * MINUTE, ok: false, latencyMs: 5_000, errorKind: 'unavailable', errorMessage: 'overloaded', upstreamStatus: 503 }),
      ofA({ id: 'r4', time: NOW - 2 * HOUR, latencyMs: 200 }),
      ofA({ id: 'r5', time: NOW - 3 * HOUR, ok: false, latencyMs: 30_000, errorKind: 'deadline_exceeded' }),
      ofA({ id: 'r6', time: NOW - 2 * DAY, latencyMs: 1_000 }),
      ofA({ id: 'r7', time: NOW - 8 * DAY, latencyMs: 50 }),
      // A disabled check's newer run on the same target, and the route's run.
      makeRun({ id: 'off1', checkId: 'hc_off', time: NOW - MINUTE, ok: false, errorKind: 'unavailable' }),
      makeRun({ id: 'rt1', checkId: 'hc_route', time: NOW - 5 * MINUTE, ok: false, errorKind: 'unavailable', upstreamStatus: 502 }),
    ];
    for (const run of runs) await storage.healthCheckRuns.insert(run);
  });
  afterEach(() => services.close());

  it('summarises each default window: runs, success rate, average and p95 of the successful runs, the last failure', async () => {
    const { status } = await client.getHealthCheckStatus({ id: 'hc_a' }, admin);
    expect(status?.check?.name).toBe('a');
    expect(status?.lastRun).toMatchObject({ id: 'r1', ok: true, checkId: 'hc_a' });
    expect(timestampMs(status!.lastRun!.time!)).toBe(NOW - 10 * MINUTE);
    expect(status!.summaries.map(plain)).toEqual([
      // 1 h: 100 and 300 ms ok, one failure; p95 = the ⌈0.95·2⌉ = 2nd of [100, 300].
      [HOUR, 3, 1, 0.6667, 200, 300, 'r3'],
      // 24 h: + 200 ms ok and a timeout.
      [DAY, 5, 2, 0.6, 200, 300, 'r3'],
      // 7 d: + 1 000 ms ok; p95 = the 4th of [100, 200, 300, 1000]. The 8-day-old run is outside.
      [7 * DAY, 6, 2, 0.6667, 400, 1_000, 'r3'],
    ]);
    expect(status!.summaries[0]?.lastFailure).toMatchObject({ errorKind: 'unavailable', errorMessage: 'overloaded', upstreamStatus: 503 });
  });

  it('takes windows of its own; a check without runs has empty summaries', async () => {
    const { status } = await client.getHealthCheckStatus({ id: 'hc_a', windows: [durationFromMs(15 * MINUTE), durationFromMs(4 * HOUR)] }, admin);
    expect(status!.summaries.map(plain)).toEqual([
      [15 * MINUTE, 1, 0, 1, 100, 100, null],
      [4 * HOUR, 5, 2, 0.6, 200, 300, 'r3'],
    ]);
    const never = (await client.getHealthCheckStatus({ id: 'hc_b' }, admin)).status!;
    expect(never.lastRun).toBeUndefined();
    expect(never.summaries.map(plain)).toEqual([
      [HOUR, 0, 0, 0, null, null, null],
      [DAY, 0, 0, 0, null, null, null],
      [7 * DAY, 0, 0, 0, null, null, null],
    ]);
    expect((await failure(client.getHealthCheckStatus({ id: 'hc_missing' }, admin))).code).toBe(Code.NotFound);
    const tooShort = await failure(client.getHealthCheckStatus({ id: 'hc_a', windows: [durationFromMs(1_000)] }, admin));
    expect(tooShort.rawMessage).toBe('windows[0]: must be whole milliseconds between 1 min and 2160 h');
    const tooMany = await failure(client.getHealthCheckStatus({ id: 'hc_a', windows: Array(6).fill(durationFromMs(HOUR)) }, admin));
    expect(tooMany.rawMessage).toBe('windows: must have at most 5 entries');
  });

  it('lists every check with its status, a page at a time', async () => {
    const first = await client.listHealthCheckStatuses({ pageSize: 3, windows: [durationFromMs(HOUR)] }, admin);
    expect(first.statuses.map((status) => [status.check?.id, status.lastRun?.id ?? null, status.summaries[0]?.runs])).toEqual([
      ['hc_a', 'r1', 3],
      ['hc_b', null, 0],
      ['hc_off', 'off1', 1],
    ]);
    const second = await client.listHealthCheckStatuses({ pageSize: 3, pageToken: first.nextPageToken }, admin);
    expect(second.statuses.map((status) => status.check?.id)).toEqual(['hc_route']);
    expect(second.nextPageToken).toBe('');
    expect((await failure(client.listHealthCheckStatuses({ pageSize: 101 }, admin))).rawMessage).toBe('page_size: must be between 1 and 100');
  });

  it('lists runs newest first, by check, failures only, within a time range, a page at a time', async () => {
    const ofA = await client.listHealthCheckRuns({ checkId: 'hc_a', pageSize: 4 }, admin);
    expect(ofA.runs.map((run) => run.id)).toEqual(['r1', 'r2', 'r3', 'r4']);
    const rest = await client.listHealthCheckRuns({ checkId: 'hc_a', pageSize: 4, pageToken: ofA.nextPageToken }, admin);
    expect(rest.runs.map((run) => run.id)).toEqual(['r5', 'r6', 'r7']);
    expect(rest.nextPageToken).toBe('');
    const failures = await client.listHealthCheckRuns({ failuresOnly: true }, admin);
    expect(failures.runs.map((run) => run.id)).toEqual(['off1', 'rt1', 'r3', 'r5']);
    const range = await client.listHealthCheckRuns({ from: timestampFromMs(NOW - 3 * HOUR), to: timestampFromMs(NOW - 20 * MINUTE) }, admin);
    expect(range.runs.map((run) => run.id)).toEqual(['r3', 'r4', 'r5']);
    expect(durationMs(range.runs[0]!.latency!)).toBe(5_000);
    const backwards = await failure(client.listHealthCheckRuns({ from: timestampFromMs(NOW), to: timestampFromMs(NOW - 1) }, admin));
    expect(backwards.rawMessage).toBe('to: must be after from');
  });

  it('GetRouteHealth shows the newest run of the enabled checks of each target and of the route, beside the live breaker', async () => {
    const routes = createClient(RoutesService, services.transport);
    const health = await routes.getRouteHealth({ name: 'smart' }, admin);
    expect(health.targets).toHaveLength(1);
    // The disabled check's newer failure is not shown; the breaker is the live one, untouched by checks.
    expect(health.targets[0]).toMatchObject({ providerId: 'prov-1', upstreamModel: 'gpt-4o', errorRate: 0, lastCheck: { id: 'r1', ok: true } });
    expect(health.routeCheck).toMatchObject({ id: 'rt1', ok: false, errorKind: 'unavailable', upstreamStatus: 502 });

    await services.storage.healthChecks.replace(makeHealthCheck({ id: 'hc_a', name: 'a', enabled: false }));
    await services.storage.healthChecks.delete('hc_route');
    const none = await routes.getRouteHealth({ name: 'smart' }, admin);
    expect(none.targets[0]?.lastCheck).toBeUndefined();
    expect(none.routeCheck).toBeUndefined();
  });

  it('latest(): every check with its newest run, for a gauge', async () => {
    const latest = await services.healthChecks.latest();
    expect(latest.map(({ check, run }) => [check.id, check.enabled, run?.id ?? null, run?.ok ?? null])).toEqual([
      ['hc_a', true, 'r1', true],
      ['hc_b', true, null, null],
      ['hc_off', false, 'off1', false],
      ['hc_route', true, 'rt1', false],
    ]);
  });

  it('retention deletes the runs older than GATEWAY_HEALTH_CHECK_RETENTION_DAYS', async () => {
    const { storage, keyRing } = services;
    const parts = composeHealthChecks({
      storage,
      catalog: createProviderCatalog({ providers: storage.providers, keyRing, createAdapter: createProviderAdapter }),
      routeTable: createRouteTable({ routes: storage.routes }),
      retentionDays: 7,
      log: { error: () => undefined, info: () => undefined },
      onChange: () => undefined,
      now: () => NOW,
    });
    expect(await parts.retention.runOnce()).toBe(1);
    const left = await client.listHealthCheckRuns({ checkId: 'hc_a' }, admin);
    expect(left.runs.map((run) => run.id)).toEqual(['r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
    await parts.stop();
  });
});
