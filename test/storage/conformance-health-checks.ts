// Health checks, their runs (listing, newest per check, summaries, retention) and job leases:
// part of the conformance suite (SQLite and MySQL).
import { expect, test } from 'vitest';
import type { HealthCheckRecord, HealthCheckRunRecord } from '../../src/domain/health-check.js';
import { StorageConflictError } from '../../src/domain/storage-conflict-error.js';
import { InvalidCursorError } from '../../src/storage/index.js';
import type { ConformanceContext } from './conformance.js';
import { BEYOND_2038_MS, collectPages, YEAR_9999_MS } from './fixtures.js';

export function makeHealthCheck(overrides: Partial<HealthCheckRecord> = {}): HealthCheckRecord {
  return {
    id: 'hc_1',
    name: 'primary model',
    enabled: true,
    providerId: 'prov-1',
    upstreamModel: 'gpt-4o',
    route: '',
    intervalMs: 60_000,
    timeoutMs: 30_000,
    prompt: 'Reply with OK.',
    maxOutputTokens: 16,
    createdAt: 1_750_000_000_000,
    updatedAt: 1_750_000_000_000,
    ...overrides,
  };
}

export function makeRun(overrides: Partial<HealthCheckRunRecord> = {}): HealthCheckRunRecord {
  return {
    id: 'run-1',
    checkId: 'hc_1',
    time: 1_750_000_000_000,
    ok: true,
    latencyMs: 120,
    errorKind: '',
    errorMessage: '',
    upstreamStatus: 0,
    providerId: 'prov-1',
    upstreamModel: 'gpt-4o',
    attempts: 1,
    ...overrides,
  };
}

export function describeHealthChecksConformance(context: ConformanceContext): void {
  test('checks: insert, get, list, replace, delete; names are unique', async () => {
    const { healthChecks } = context.storage();
    const check = makeHealthCheck();
    await healthChecks.insert(check);
    expect(await healthChecks.get('hc_1')).toEqual(check);
    expect(await healthChecks.get('missing')).toBeNull();
    await expect(healthChecks.insert(makeHealthCheck({ id: 'hc_2' }))).rejects.toBeInstanceOf(StorageConflictError);
    await expect(healthChecks.insert(makeHealthCheck({ name: 'other' }))).rejects.toBeInstanceOf(StorageConflictError);

    const route = makeHealthCheck({
      id: 'hc_2',
      name: '路由 ✓',
      enabled: false,
      providerId: '',
      upstreamModel: '',
      route: 'smart',
      intervalMs: 86_400_000,
      timeoutMs: 120_000,
      prompt: 'Say "hi"\n'.repeat(200),
      maxOutputTokens: 256,
      createdAt: BEYOND_2038_MS,
      updatedAt: YEAR_9999_MS,
    });
    await healthChecks.insert(route);
    expect(await healthChecks.get('hc_2')).toEqual(route);
    const pages = await collectPages((cursor) => healthChecks.list({ limit: 1, cursor }));
    expect(pages.items.map((item) => item.id)).toEqual(['hc_1', 'hc_2']);
    expect(await healthChecks.listAll()).toEqual([check, route]);

    await expect(healthChecks.replace({ ...route, name: 'primary model' })).rejects.toBeInstanceOf(StorageConflictError);
    expect(await healthChecks.replace({ ...route, enabled: true })).toBe(true);
    expect((await healthChecks.get('hc_2'))?.enabled).toBe(true);
    expect(await healthChecks.replace(makeHealthCheck({ id: 'missing', name: 'x' }))).toBe(false);
    expect(await healthChecks.delete('hc_1')).toBe(true);
    expect(await healthChecks.delete('hc_1')).toBe(false);
  });

  test('runs: newest first with filters and a stable cursor; over-long texts are cut to their columns', async () => {
    const { healthCheckRuns } = context.storage();
    const runs = [
      makeRun({ id: 'a1', time: 1000 }),
      makeRun({ id: 'a2', time: 2000, ok: false, errorKind: 'unavailable', errorMessage: 'é'.repeat(1500), upstreamStatus: 503 }),
      makeRun({ id: 'a3', time: 2000 }),
      makeRun({ id: 'b1', checkId: 'hc_2', time: 1500, ok: false, errorKind: 'deadline_exceeded' }),
    ];
    for (const run of runs) await healthCheckRuns.insert(run);
    const all = await collectPages((cursor) => healthCheckRuns.list({}, { limit: 2, cursor }));
    expect(all.items.map((run) => run.id)).toEqual(['a3', 'a2', 'b1', 'a1']);
    expect(all.items[1]?.errorMessage).toBe('é'.repeat(1000));
    expect(all.items[1]).toMatchObject({ ok: false, errorKind: 'unavailable', upstreamStatus: 503 });

    const ofCheck = await healthCheckRuns.list({ checkId: 'hc_1', from: 1000, to: 2000 }, { limit: 10 });
    expect(ofCheck.items.map((run) => run.id)).toEqual(['a1']);
    const failures = await healthCheckRuns.list({ failuresOnly: true }, { limit: 10 });
    expect(failures.items.map((run) => run.id)).toEqual(['a2', 'b1']);
    await expect(healthCheckRuns.list({}, { limit: 2, cursor: 'nope' })).rejects.toBeInstanceOf(InvalidCursorError);
  });

  test('runs: the newest per check, with one index seek each', async () => {
    const { healthCheckRuns } = context.storage();
    for (const run of [
      makeRun({ id: 'a1', time: 1000 }),
      makeRun({ id: 'a2', time: 3000, ok: false }),
      makeRun({ id: 'b1', checkId: 'hc_2', time: 2000 }),
    ]) {
      await healthCheckRuns.insert(run);
    }
    const latest = await healthCheckRuns.latest(['hc_1', 'hc_2', 'hc_none']);
    expect([...latest.keys()].sort()).toEqual(['hc_1', 'hc_2']);
    expect(latest.get('hc_1')?.id).toBe('a2');
    expect(latest.get('hc_2')?.id).toBe('b1');
    expect((await healthCheckRuns.latest([])).size).toBe(0);
  });

  test('summaries: runs, failures, average and nearest-rank p95 of the successful runs, the newest failure, per range', async () => {
    const { healthCheckRuns } = context.storage();
    // hc_1: 20 successes with latencies 10…200 ms and 5 failures (latency 9 000 ms, ignored by the figures).
    for (let index = 0; index < 20; index += 1) {
      await healthCheckRuns.insert(makeRun({ id: `ok-${index}`, time: 10_000 + index, latencyMs: (20 - index) * 10 }));
    }
    for (let index = 0; index < 5; index += 1) {
      await healthCheckRuns.insert(makeRun({ id: `fail-${index}`, time: 20_000 + index, ok: false, latencyMs: 9_000, errorKind: 'unavailable' }));
    }
    // hc_2: failures only; hc_3: outside the range.
    await healthCheckRuns.insert(makeRun({ id: 'b1', checkId: 'hc_2', time: 15_000, ok: false, errorKind: 'deadline_exceeded' }));
    await healthCheckRuns.insert(makeRun({ id: 'c1', checkId: 'hc_3', time: 5_000 }));

    const summaries = await healthCheckRuns.summarize(['hc_1', 'hc_2', 'hc_3'], 10_000, 30_000);
    expect([...summaries.keys()].sort()).toEqual(['hc_1', 'hc_2']);
    const first = summaries.get('hc_1')!;
    expect({ ...first, lastFailure: first.lastFailure?.id }).toEqual({
      runs: 25,
      failures: 5,
      averageLatencyMs: 105,
      // ⌈0.95 · 20⌉ = 19th of 10, 20, … 200.
      p95LatencyMs: 190,
      lastFailure: 'fail-4',
    });
    expect(summaries.get('hc_2')).toMatchObject({ runs: 1, failures: 1, averageLatencyMs: null, p95LatencyMs: null });
    expect(summaries.get('hc_2')?.lastFailure?.id).toBe('b1');

    // A narrower range: the last 3 successes (30, 20, 10 ms) and no failure.
    const narrow = (await healthCheckRuns.summarize(['hc_1'], 10_017, 20_000)).get('hc_1')!;
    expect(narrow).toEqual({ runs: 3, failures: 0, averageLatencyMs: 20, p95LatencyMs: 30, lastFailure: null });
    expect((await healthCheckRuns.summarize([], 0, 1)).size).toBe(0);
  });

  test('runs: deleteOlderThan removes at most `limit` of the oldest runs per call', async () => {
    const { healthCheckRuns } = context.storage();
    for (let index = 0; index < 13; index += 1) await healthCheckRuns.insert(makeRun({ id: `old-${index}`, time: 1000 + index }));
    for (let index = 0; index < 3; index += 1) await healthCheckRuns.insert(makeRun({ id: `new-${index}`, time: 5000 + index }));
    expect(await healthCheckRuns.deleteOlderThan(5000, 10)).toBe(10);
    expect(await healthCheckRuns.deleteOlderThan(5000, 10)).toBe(3);
    expect(await healthCheckRuns.deleteOlderThan(5000, 10)).toBe(0);
    expect((await healthCheckRuns.list({}, { limit: 100 })).items.map((run) => run.id)).toEqual(['new-2', 'new-1', 'new-0']);
    await expect(healthCheckRuns.deleteOlderThan(5000, 0)).rejects.toBeInstanceOf(RangeError);
  });

  test('job leases: one holder at a time; renewed by its holder; taken over after expiry or release', async () => {
    const first = context.storage().jobLeases;
    const second = (await context.openAnother()).jobLeases;
    expect(await first.get('job')).toBeNull();
    expect(await first.tryAcquire('job', 'A', 1000, 31_000)).toBe(true);
    expect(await second.tryAcquire('job', 'B', 1000, 31_000)).toBe(false);
    expect(await first.tryAcquire('job', 'A', 11_000, 41_000)).toBe(true); // renewed
    expect(await second.tryAcquire('job', 'B', 40_999, 70_999)).toBe(false);
    expect(await first.get('job')).toEqual({ holder: 'A', expiresAt: 41_000 });
    // A stopped renewing: B takes over once the lease expired; A cannot renew it back.
    expect(await second.tryAcquire('job', 'B', 41_000, 71_000)).toBe(true);
    expect(await first.tryAcquire('job', 'A', 41_001, 71_001)).toBe(false);
    // Release by someone else changes nothing; by the holder it frees the lease at once.
    await first.release('job', 'A');
    expect(await first.tryAcquire('job', 'A', 42_000, 72_000)).toBe(false);
    await second.release('job', 'B');
    expect(await first.tryAcquire('job', 'A', 42_000, 72_000)).toBe(true);
    // Other jobs are separate leases.
    expect(await second.tryAcquire('other', 'B', 42_000, 72_000)).toBe(true);
  });

  test('job leases: of concurrent takers of a free lease, exactly one wins', async () => {
    const stores = [context.storage(), await context.openAnother(), await context.openAnother()];
    for (let round = 0; round < 10; round += 1) {
      const name = `race-${round}`;
      const outcomes = await Promise.all(stores.map((store, index) => store.jobLeases.tryAcquire(name, `holder-${index}`, 1000, 2000)));
      expect(outcomes.filter(Boolean)).toHaveLength(1);
      expect((await stores[0]!.jobLeases.get(name))?.holder).toBe(`holder-${outcomes.indexOf(true)}`);
    }
  });
}
