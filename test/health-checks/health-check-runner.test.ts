// The health-check runner on a fake clock against the fault upstream: what a
// run records, when checks are due, that probes never meet an open breaker,
// a timeout, and the lease (one runner of several runs; a successor takes over
// on release and on expiry).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeHealthCheck } from '../storage/conformance-health-checks.js';
import { makeRoute } from '../storage/fixtures.js';
import { LEASE_TTL_MS, RENEW_EVERY_MS, startRunnerHarness, type RunnerHarness } from './runner-harness.js';

const MINUTE = 60_000;

describe('the health-check runner', () => {
  let harness: RunnerHarness;

  beforeEach(async () => {
    harness = await startRunnerHarness(['ok-x', 'down-x', 'down-r', 'ok-z', 'hang-h', 'ok-off']);
    const { storage } = harness;
    await storage.healthChecks.insert(makeHealthCheck({ id: 'hc_ok', name: 'ok', providerId: 'fault', upstreamModel: 'ok-x', prompt: 'Are you there?', maxOutputTokens: 5 }));
    await storage.healthChecks.insert(makeHealthCheck({ id: 'hc_down', name: 'down', providerId: 'fault', upstreamModel: 'down-x' }));
    await storage.routes.insert(
      makeRoute({
        name: 'fallback-route',
        targets: [
          { providerId: 'fault', upstreamModel: 'down-r', route: '', weight: 1 },
          { providerId: 'fault', upstreamModel: 'ok-z', route: '', weight: 1 },
        ],
        settings: { ...makeRoute().settings, maxRetries: 0, backoffBaseMs: 1, backoffCapMs: 1 },
      }),
    );
    await storage.healthChecks.insert(makeHealthCheck({ id: 'hc_route', name: 'route', providerId: '', upstreamModel: '', route: 'fallback-route' }));
    await storage.healthChecks.insert(makeHealthCheck({ id: 'hc_off', name: 'off', enabled: false, providerId: 'fault', upstreamModel: 'ok-off' }));
  });
  afterEach(() => harness.close());

  it('records each run: ok, latency, error kind, upstream status, who answered and the attempts', async () => {
    const runner = await harness.runner('A');
    await runner.pass();
    const byCheck = new Map((await harness.runs()).map((run) => [run.checkId, run]));
    expect([...byCheck.keys()].sort()).toEqual(['hc_down', 'hc_ok', 'hc_route']); // not the disabled one
    expect(byCheck.get('hc_ok')).toMatchObject({
      ok: true,
      time: harness.clock.now(),
      errorKind: '',
      errorMessage: '',
      upstreamStatus: 0,
      providerId: 'fault',
      upstreamModel: 'ok-x',
      attempts: 1,
    });
    expect(byCheck.get('hc_down')).toMatchObject({ ok: false, errorKind: 'unavailable', upstreamStatus: 503, providerId: 'fault', upstreamModel: 'down-x', attempts: 1 });
    expect(byCheck.get('hc_down')?.errorMessage).not.toBe('');
    // The route failed over: the run is ok, served by the second target after two attempts.
    expect(byCheck.get('hc_route')).toMatchObject({ ok: true, providerId: 'fault', upstreamModel: 'ok-z', attempts: 2 });
    for (const run of byCheck.values()) expect(run.latencyMs).toBeGreaterThanOrEqual(0);
    // The check's own prompt and output limit went upstream.
    const body = harness.upstream.lastBody('ok-x') as { messages: Array<{ role: string; content: unknown }>; max_tokens?: number; max_completion_tokens?: number };
    expect(JSON.stringify(body.messages)).toContain('Are you there?');
    expect(body.max_completion_tokens ?? body.max_tokens).toBe(5);
    expect(harness.upstream.calls('ok-off')).toBe(0);
  });

  it('runs a check again only once its interval has passed', async () => {
    const runner = await harness.runner('A');
    await runner.pass();
    harness.clock.advance(MINUTE - 1);
    await runner.pass();
    expect(harness.upstream.calls('ok-x')).toBe(1);
    harness.clock.advance(1);
    await runner.pass();
    expect(harness.upstream.calls('ok-x')).toBe(2);
    expect((await harness.runs('hc_ok')).map((run) => run.time)).toEqual([harness.clock.now(), harness.clock.now() - MINUTE]);
  });

  it('a failing target is probed every time: the probes have no breaker to open', async () => {
    const runner = await harness.runner('A');
    for (let round = 0; round < 8; round += 1) {
      await runner.pass();
      harness.clock.advance(MINUTE);
    }
    expect(harness.upstream.calls('down-x')).toBe(8);
    const runs = await harness.runs('hc_down');
    expect(runs.map((run) => [run.errorKind, run.upstreamStatus])).toEqual(Array(8).fill(['unavailable', 503]));
  });

  it('a run without an answer within the timeout is a deadline_exceeded failure', async () => {
    await harness.storage.healthChecks.insert(makeHealthCheck({ id: 'hc_hang', name: 'hang', providerId: 'fault', upstreamModel: 'hang-h', timeoutMs: 1_000 }));
    const runner = await harness.runner('A');
    await runner.pass();
    expect((await harness.runs('hc_hang'))[0]).toMatchObject({ ok: false, errorKind: 'deadline_exceeded', upstreamStatus: 0, upstreamModel: 'hang-h' });
  });

  it('a target deleted or disabled after the check was saved fails its runs, named', async () => {
    await harness.storage.routes.delete('fallback-route');
    const provider = (await harness.storage.providers.get('fault'))!;
    await harness.storage.providers.replace({ ...provider, models: provider.models.map((model) => ({ ...model, enabled: model.upstreamModel !== 'ok-x' })) });
    const runner = await harness.runner('A');
    await runner.pass();
    expect((await harness.runs('hc_route'))[0]).toMatchObject({ ok: false, errorKind: 'not_found', attempts: 0, errorMessage: 'route "fallback-route" does not exist' });
    expect((await harness.runs('hc_ok'))[0]).toMatchObject({ ok: false, errorKind: 'failed_precondition', errorMessage: 'model "ok-x" of provider "fault" is disabled' });
  });

  it('one runner of two on one database runs the checks; the other takes over when it stops', async () => {
    const first = await harness.runner('A');
    const second = await harness.runner('B');
    await first.pass();
    await second.pass();
    expect(harness.upstream.calls('ok-x')).toBe(1);
    expect((await harness.storage.jobLeases.get('health-checks'))?.holder).toBe('A');

    // Both keep ticking through three intervals: only A runs, renewing its lease.
    for (let round = 0; round < 3; round += 1) {
      harness.clock.advance(MINUTE);
      await first.pass();
      await second.pass();
    }
    expect(harness.upstream.calls('ok-x')).toBe(4);

    // A stops (shutdown): it gives the lease up; B takes over at its next try and keeps A's cadence.
    await first.runner.stop();
    harness.clock.advance(RENEW_EVERY_MS);
    await second.pass();
    expect((await harness.storage.jobLeases.get('health-checks'))?.holder).toBe('B');
    expect(harness.upstream.calls('ok-x')).toBe(4); // A's last run was RENEW_EVERY_MS ago, within the interval
    harness.clock.advance(MINUTE);
    await second.pass();
    expect(harness.upstream.calls('ok-x')).toBe(5);
    expect(first.errors).toEqual([]);
    expect(second.errors).toEqual([]);
    // A says it gave the lease up, not that another holds it; B, which waited, said nothing until it took it.
    expect(first.leaseChanges).toEqual(['taken', 'released']);
    expect(second.leaseChanges).toEqual(['taken']);
  });

  it('a runner that stops renewing (a crash) is taken over once its lease expired, and then runs nothing', async () => {
    const first = await harness.runner('A');
    const second = await harness.runner('B');
    await first.pass();
    // A goes silent. B cannot take over before the lease expires …
    harness.clock.advance(LEASE_TTL_MS - 1);
    await second.pass();
    expect((await harness.storage.jobLeases.get('health-checks'))?.holder).toBe('A');
    // … and does once it has.
    harness.clock.advance(RENEW_EVERY_MS);
    await second.pass();
    expect((await harness.storage.jobLeases.get('health-checks'))?.holder).toBe('B');
    harness.clock.advance(MINUTE);
    await second.pass();
    expect(harness.upstream.calls('ok-x')).toBe(2);
    // A comes back: its lease is gone (held elsewhere, as it says), so it runs nothing.
    await first.pass();
    expect(first.leaseChanges).toEqual(['taken', 'held-elsewhere']);
    harness.clock.advance(MINUTE);
    await first.pass();
    await second.pass();
    expect(harness.upstream.calls('ok-x')).toBe(3);
    expect((await harness.runs('hc_ok')).length).toBe(3);
  });

  it('a holder that cannot reach the database to renew loses the lease at its expiry, saying so', async () => {
    const runner = await harness.runner('A');
    await runner.pass();
    await runner.storage.close();
    harness.clock.advance(RENEW_EVERY_MS);
    await runner.pass();
    expect(runner.leaseChanges).toEqual(['taken']); // kept until the expiry it last wrote
    harness.clock.advance(LEASE_TTL_MS);
    await runner.pass();
    expect(runner.leaseChanges).toEqual(['taken', 'expired']);
    expect(runner.errors.length).toBeGreaterThan(0);
  });

  it('without enabled checks no runner takes the lease (nothing is written); disabling the last one gives it up', async () => {
    const runner = await harness.runner('A');
    await runner.pass();
    expect((await harness.storage.jobLeases.get('health-checks'))?.holder).toBe('A');
    for (const check of await harness.storage.healthChecks.listAll()) await harness.storage.healthChecks.replace({ ...check, enabled: false });
    runner.runner.invalidate();
    harness.clock.advance(MINUTE);
    await runner.pass();
    expect(await harness.storage.jobLeases.get('health-checks')).toEqual({ holder: 'A', expiresAt: 0 });
    const other = await harness.runner('B');
    await other.pass();
    expect(await harness.storage.jobLeases.get('health-checks')).toEqual({ holder: 'A', expiresAt: 0 });
    expect(harness.upstream.calls('ok-x')).toBe(1);
  });

  it('an admin change is picked up at the next tick (invalidate), others within the reload period', async () => {
    const runner = await harness.runner('A');
    await runner.pass();
    await harness.storage.healthChecks.insert(makeHealthCheck({ id: 'hc_new', name: 'new', providerId: 'fault', upstreamModel: 'ok-z' }));
    await runner.pass();
    expect(harness.upstream.calls('ok-z')).toBe(1); // only the route's run so far
    runner.runner.invalidate();
    await runner.pass();
    expect(harness.upstream.calls('ok-z')).toBe(2);
    expect((await harness.runs('hc_new')).length).toBe(1);
  });
});
