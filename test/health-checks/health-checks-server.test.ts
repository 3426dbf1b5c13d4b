// Scheduled health checks on a started gateway, over Connect JSON as a console
// would call them: checks created through the admin API run on their own
// (polled for, no timing assumed), their runs and status are listed, the
// route health shows them beside an untouched live breaker, nothing reaches
// the request log, and the gateway's latest() accessor reports them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultUpstream, type FaultUpstream } from '../fixtures/fault-upstream.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';
import { adminCaller } from '../helpers/admin-call.js';

type Json = Record<string, unknown>;

let gateway: StartedGateway;
let upstream: FaultUpstream;

async function admin(method: string, body: object): Promise<Json> {
  return (await adminCaller(gateway.url, gateway.adminToken)(method, body)) as Json;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  upstream = await startFaultUpstream();
  gateway = await startGateway();
  await admin('ProvidersService/CreateProvider', {
    id: 'fault',
    name: 'Fault fixture',
    type: 'PROVIDER_TYPE_OPENAI',
    baseUrl: upstream.baseUrl,
    apiKey: upstream.apiKey,
    models: [{ upstreamModel: 'ok-x' }, { upstreamModel: 'down-x' }],
  });
  await admin('RoutesService/CreateRoute', {
    name: 'flaky-tier',
    strategy: 'ROUTE_STRATEGY_PRIORITY',
    targets: [{ providerId: 'fault', upstreamModel: 'down-x' }],
  });
});
afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
});

describe('scheduled health checks on a started gateway', () => {
  let okId = '';
  let downId = '';

  it('runs checks created through the admin API and lists their runs and status', async () => {
    okId = String(((await admin('HealthChecksService/CreateHealthCheck', { name: 'ok model', providerId: 'fault', upstreamModel: 'ok-x', interval: '10s' })).check as Json).id);
    downId = String(((await admin('HealthChecksService/CreateHealthCheck', { name: 'down model', providerId: 'fault', upstreamModel: 'down-x', interval: '10s' })).check as Json).id);

    const runs = await until('a run of each check', async () => {
      const { runs = [] } = (await admin('HealthChecksService/ListHealthCheckRuns', { pageSize: 50 })) as { runs?: Json[] };
      const checks = new Set(runs.map((run) => run.checkId));
      return checks.has(okId) && checks.has(downId) ? runs : undefined;
    });
    expect(runs.find((run) => run.checkId === okId)).toMatchObject({ ok: true, providerId: 'fault', upstreamModel: 'ok-x', attempts: 1 });
    expect(runs.find((run) => run.checkId === downId)).toMatchObject({ errorKind: 'unavailable', upstreamStatus: 503, upstreamModel: 'down-x' });

    const { status } = (await admin('HealthChecksService/GetHealthCheckStatus', { id: okId })) as { status: { lastRun: Json; summaries: Json[] } };
    expect(status.lastRun).toMatchObject({ checkId: okId, ok: true });
    expect(status.summaries.map((summary) => summary.window)).toEqual(['3600s', '86400s', '604800s']);
    expect(status.summaries[0]).toMatchObject({ successRate: 1 });
    expect(Number(status.summaries[0]!.runs)).toBeGreaterThanOrEqual(1);
    const down = (await admin('HealthChecksService/GetHealthCheckStatus', { id: downId })) as { status: { summaries: Json[] } };
    expect(down.status.summaries[0]).toMatchObject({ lastFailure: { errorKind: 'unavailable', upstreamStatus: 503 } });
    expect(down.status.summaries[0]!.successRate).toBeUndefined(); // 0: the JSON default is left out

    expect(gateway.logLines.some((line) => line.includes('running the scheduled health checks (lease taken)'))).toBe(true);

    // A gauge per check from its newest run, for dashboards and alerts.
    const scrape = await fetch(`${gateway.url}/metrics`, { headers: { authorization: `Bearer ${gateway.adminToken}` } });
    const text = await scrape.text();
    expect(text).toContain('llm_gateway_health_check_up{check="ok model",target="fault/ok-x"} 1');
    expect(text).toContain('llm_gateway_health_check_up{check="down model",target="fault/down-x"} 0');
    expect(text).toMatch(/llm_gateway_health_check_latency_seconds\{check="ok model",target="fault\/ok-x"\} \d/);
  });

  it('shows the last check beside the live breaker, which the probes left alone', async () => {
    await admin('HealthChecksService/CreateHealthCheck', { name: 'tier', route: 'flaky-tier', interval: '10s' });
    const health = await until('the route check', async () => {
      const answer = (await admin('RoutesService/GetRouteHealth', { name: 'flaky-tier' })) as { targets: Json[]; routeCheck?: Json };
      return answer.routeCheck ? answer : undefined;
    });
    expect(health.routeCheck).toMatchObject({ errorKind: 'unavailable', upstreamStatus: 503 });
    const [target] = health.targets;
    expect(target).toMatchObject({ providerId: 'fault', upstreamModel: 'down-x', breaker: 'BREAKER_STATE_CLOSED', lastCheck: { checkId: downId, errorKind: 'unavailable' } });
    // The live dispatcher never saw the probes: no attempt, no failure counted.
    expect(target!.attempts).toBeUndefined();
    expect(target!.consecutiveFailures).toBeUndefined();
  });

  it('writes no request-log row and reports the results through latest()', async () => {
    await gateway.gateway.requestLog.flush();
    const { requests = [] } = (await admin('UsageService/ListRequests', { pageSize: 10 })) as { requests?: Json[] };
    expect(requests).toEqual([]);
    expect(upstream.calls('ok-x')).toBeGreaterThanOrEqual(1);

    const latest = await gateway.gateway.healthChecks.latest();
    expect(latest.map(({ check, run }) => [check.name, run?.ok])).toEqual(
      expect.arrayContaining([
        ['ok model', true],
        ['down model', false],
      ]),
    );
  });

  it('on shutdown logs that it gave the lease up, not that it is held elsewhere', async () => {
    const closing = gateway;
    gateway = undefined as unknown as StartedGateway; // closed here, not again in afterAll
    await closing.close();
    const lease = closing.logLines.filter((line) => line.includes('scheduled health checks')).map((line) => (JSON.parse(line) as Json).msg);
    expect(lease).toEqual(['running the scheduled health checks (lease taken)', 'stopped running the scheduled health checks (lease released)']);
  });
});
