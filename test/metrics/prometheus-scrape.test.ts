// A real Prometheus (Debian's package) scrapes the built gateway running with
// `--workers 2`, configured with the README's own scrape job (so that example
// cannot drift) and the alert rules of deploy/: after known traffic, spread
// over both workers, the query API shows the whole gateway — the sums equal
// what was sent, not one worker's share — the rules load, the error-rate alert
// counts a first burst on a series new to it, and every query of the Grafana
// dashboard evaluates to data.
import type { ChildProcess } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { startFaultUpstream, type FaultUpstream } from '../fixtures/fault-upstream.js';
import { checkStartScript, freePort, START_FLAGS, startGatewayProcess, waitFor, type GatewayProcess } from '../helpers/gateway-process.js';
import { assertAvailable, prometheusAvailability, prometheusRequired, startPrometheus, warnNotRun, type RunningPrometheus } from '../helpers/prometheus.js';
import { request } from '../server/helpers.js';
import { dashboardQueries } from './promql-names.js';

const ADMIN_TOKEN = 'gw-admin-prometheus-test-0123456789';
const METRICS_TOKEN = 'gw-metrics-prometheus-test-0123456789';

const availability = prometheusAvailability();
warnNotRun('the Prometheus scrape test (test/metrics/prometheus-scrape.test.ts)', availability);

let upstream: FaultUpstream;
let gateway: GatewayProcess | undefined;
let prometheus: RunningPrometheus | undefined;
let base = '';
let workDir = '';
const children: ChildProcess[] = [];
/** The process prefix of each answer's x-request-id: which worker served it. */
const servedBy = new Set<string>();

async function admin(method: string, body: object): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await request(`${base}/llmgateway.v1.${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: JSON.parse(response.body) as Record<string, unknown> };
}

async function createKey(body: object): Promise<string> {
  const created = await admin('KeysService/CreateKey', body);
  expect(created.status).toBe(200);
  return String(created.json['secret']);
}

/** One kept-alive connection: what is sent on it reaches one worker (each keeps its own response cache). */
const oneConnection = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** A body sent on `oneConnection`: its status and headers. */
function postOnOneConnection(url: string, headers: Record<string, string>, body: string): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const outgoing = http.request(url, { method: 'POST', headers, agent: oneConnection }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers }));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/**
 * One chat completion on the OpenAI shim, on a fresh connection (the primary hands each to the next
 * worker), or with `sameWorker` on one kept-alive connection.
 */
async function chat(secret: string, model: string, options: { stream?: boolean; text?: string; sameWorker?: boolean } = {}): Promise<number> {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${secret}` };
  const body = JSON.stringify({ model, stream: options.stream ?? false, messages: [{ role: 'user', content: options.text ?? 'Say hello' }] });
  const url = `${base}/v1/chat/completions`;
  const response = options.sameWorker ? await postOnOneConnection(url, headers, body) : await request(url, { method: 'POST', headers, body });
  const requestId = String(response.headers['x-request-id']);
  servedBy.add(requestId.slice(0, requestId.lastIndexOf('_')));
  return response.status;
}

/**
 * The README's Prometheus block, with this machine's target, token file, rule file and a 1 s interval
 * (and rules evaluated every second: the default is a minute).
 */
function scrapeConfigFromReadme(target: string, tokenFile: string): string {
  const readme = readFileSync('README.md', 'utf8');
  const block = /```yaml prometheus\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('README has no ```yaml prometheus block');
  const replacements: Array<[string, string]> = [
    ["targets: ['gateway.internal:8080']", `targets: ['${target}']`],
    ['credentials_file: /etc/prometheus/llm-gateway-metrics.token', `credentials_file: ${tokenFile}`],
    ['/etc/prometheus/llm-gateway-alerts.yml', path.resolve('deploy/prometheus/alerts.yml')],
    ['scrape_interval: 15s', 'scrape_interval: 1s'],
  ];
  let config = `global:\n  evaluation_interval: 1s\n${block}`;
  for (const [from, to] of replacements) {
    // The README must still say what the test replaces: otherwise the example changed and this test must follow.
    if (!config.includes(from)) throw new Error(`the README's Prometheus block no longer contains ${JSON.stringify(from)}`);
    config = config.replace(from, to);
  }
  return config;
}

/** Polls `read` until it returns something `done` accepts; for sequencing (scrapes arrive every second), never for timing. */
async function eventually<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, limitMs = 30_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  let last: T | undefined;
  for (;;) {
    last = await read();
    if (done(last)) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const scalar = async (expression: string): Promise<number | undefined> => {
  const result = await prometheus!.query(expression);
  return result.length === 0 ? undefined : Number(result[0]!.value[1]);
};

/** The governed requests the traffic sends, and how many are answered. */
const SENT = 17;
const ANSWERED = 13;

describe.runIf(prometheusRequired(availability))('Prometheus scraping the gateway with --workers 2', () => {
  beforeAll(async () => {
    assertAvailable(availability);
    checkStartScript();
    upstream = await startFaultUpstream();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    workDir = mkdtempSync(path.join(os.tmpdir(), 'gw-prom-scrape-'));
    gateway = startGatewayProcess(
      {
        GATEWAY_PORT: String(port),
        GATEWAY_DATA_DIR: path.join(workDir, 'data'),
        GATEWAY_ADMIN_TOKEN: ADMIN_TOKEN,
        GATEWAY_METRICS_TOKEN: METRICS_TOKEN,
      },
      { nodeFlags: START_FLAGS, args: ['--workers', '2'] },
    );
    children.push(gateway.child);
    await waitFor(() => /all workers listening/.test(gateway!.output()), 'both workers to listen', 30_000);

    const prices = { inputPerMillion: 1000, outputPerMillion: 1000 };
    const provider = {
      id: 'fault',
      name: 'Fault fixture',
      type: 'PROVIDER_TYPE_OPENAI',
      baseUrl: upstream.baseUrl,
      apiKey: upstream.apiKey,
      models: ['ok-a', 'ok-s', 'ok-c', 'ok-x', 'bad-e', 'down-r', 'down-q'].map((upstreamModel) => ({ upstreamModel, prices })),
    };
    expect((await admin('ProvidersService/CreateProvider', provider)).status).toBe(200);
    // The same id again: refused as a conflict, and counted as a database constraint error.
    expect((await admin('ProvidersService/CreateProvider', provider)).status).toBe(409);
    const route = await admin('RoutesService/CreateRoute', {
      name: 'experts',
      strategy: 'ROUTE_STRATEGY_EXPERT',
      expert: {
        experts: [
          { name: 'code', description: 'Programming', providerId: 'fault', upstreamModel: 'ok-x' },
          { name: 'chat', description: 'Everything else', providerId: 'fault', upstreamModel: 'ok-a' },
        ],
        fallbackExpert: 'chat',
        classifier: { type: 'EXPERT_CLASSIFIER_TYPE_RULES', rules: [{ keywords: ['bug'], expert: 'code' }] },
      },
    });
    expect(route.status).toBe(200);

    const main = await createKey({ name: 'main' });
    const cached = await createKey({ name: 'cached', cacheEnabled: true });
    const limited = await createKey({ name: 'limited', rateLimits: { requestsPerMinute: 1 } });
    const budgeted = await createKey({ name: 'budgeted', budget: { amount: 1_000_000, unit: 'BUDGET_UNIT_TOKENS', period: 'BUDGET_PERIOD_MONTH' } });
    const broke = await createKey({ name: 'broke', budget: { amount: 0.000001, unit: 'BUDGET_UNIT_USD', period: 'BUDGET_PERIOD_MONTH' } });

    const statuses: number[] = [];
    for (let index = 0; index < 6; index += 1) statuses.push(await chat(main, 'fault/ok-a'));
    for (let index = 0; index < 2; index += 1) statuses.push(await chat(main, 'fault/ok-s', { stream: true }));
    statuses.push(await chat(cached, 'fault/ok-c', { text: 'cache me', sameWorker: true }), await chat(cached, 'fault/ok-c', { text: 'cache me', sameWorker: true }));
    statuses.push(await chat(limited, 'fault/ok-a'), await chat(limited, 'fault/ok-a'));
    statuses.push(await chat(budgeted, 'fault/ok-a'));
    statuses.push(await chat(broke, 'fault/ok-a'));
    statuses.push(await chat(main, 'fault/bad-e'));
    statuses.push(await chat(main, 'fault/down-r'));
    statuses.push(await chat(main, 'experts', { text: 'Why is there a bug here?' }));
    expect(statuses).toHaveLength(SENT);
    expect(statuses.filter((status) => status === 200)).toHaveLength(ANSWERED);

    const tokenFile = path.join(workDir, 'metrics.token');
    writeFileSync(tokenFile, METRICS_TOKEN);
    prometheus = await startPrometheus(scrapeConfigFromReadme(`127.0.0.1:${port}`, tokenFile));
    await eventually('the traffic in Prometheus', () => scalar('sum(llm_gateway_requests_total)'), (value) => value === SENT);
  }, 120_000);

  afterAll(async () => {
    oneConnection.destroy();
    await prometheus?.close();
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    if (gateway) await gateway.exited;
    await upstream?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('scrapes the whole gateway: both workers served, the sums are what was sent', async () => {
    expect(servedBy.size).toBe(2);
    expect(await scalar('up{job="llm-gateway"}')).toBe(1);
    expect(await scalar('sum(llm_gateway_requests_total)')).toBe(SENT);
    expect(await scalar('sum(llm_gateway_requests_total{outcome="ok"})')).toBe(ANSWERED);
    expect(await scalar('sum(llm_gateway_request_duration_seconds_count)')).toBe(SENT);
    expect(await scalar('sum(llm_gateway_requests_total{outcome="client_error", error_kind="invalid_argument", model="bad-e"})')).toBe(1);
    expect(await scalar('sum(llm_gateway_requests_total{outcome="server_error", model="down-r"})')).toBe(1);
    // ok-a answered 6 + 1 (limited) + 1 (budgeted) times, 5 input tokens each.
    expect(await scalar('sum(llm_gateway_tokens_total{direction="input", provider="fault", model="ok-a"})')).toBe(40);
    expect(await scalar('sum(llm_gateway_cost_usd_total) > 0')).toBeGreaterThan(0);
    expect(await scalar('sum(llm_gateway_time_to_first_token_seconds_count{model="ok-s"})')).toBe(2);
  });

  it('shows the cache, the refusals by kind, the expert decision, the estimate and the database error', async () => {
    expect(await scalar('sum(llm_gateway_cache_lookups_total{result="hit"})')).toBe(1);
    expect(await scalar('sum(llm_gateway_cache_lookups_total{result="miss"})')).toBe(1);
    expect(await scalar('sum(llm_gateway_limit_refusals_total{kind="requests"})')).toBe(1);
    expect(await scalar('sum(llm_gateway_limit_refusals_total{kind="budget"})')).toBe(1);
    expect(await scalar('sum(llm_gateway_expert_decisions_total{route="experts", expert="code", source="rules"})')).toBe(1);
    expect(await scalar('sum(llm_gateway_token_estimate_ratio_count)')).toBe(1);
    expect(await scalar('sum(llm_gateway_database_errors_total{kind="constraint"})')).toBe(1);
    expect(await scalar('sum(llm_gateway_upstream_attempts_total{outcome="ok"})')).toBe(ANSWERED - 1); // the cache hit made no attempt
  });

  it('loads the alert rules of deploy/prometheus/alerts.yml', async () => {
    const rules = (await (await fetch(`${prometheus!.url}/api/v1/rules`)).json()) as {
      data: { groups: Array<{ rules: Array<{ name: string; health: string }> }> };
    };
    const loaded = rules.data.groups.flatMap((group) => group.rules);
    expect(loaded.map((rule) => rule.name)).toContain('LlmGatewayCircuitBreakerOpen');
    expect(loaded).toHaveLength(10);
    await eventually('every rule evaluated', async () => {
      const again = (await (await fetch(`${prometheus!.url}/api/v1/rules`)).json()) as typeof rules;
      return again.data.groups.flatMap((group) => group.rules).map((rule) => rule.health);
    }, (health) => health.every((state) => state === 'ok'));
  });

  it('sees a first burst on a series Prometheus has not seen before in the error-rate alert', async () => {
    // Alone on its label set (a model not used yet), the series is first scraped already holding the burst.
    const main = await createKey({ name: 'burst' });
    const statuses = await Promise.all([0, 1, 2].map(() => chat(main, 'fault/down-q')));
    expect(statuses.every((status) => status >= 500)).toBe(true);
    await eventually('the burst in Prometheus', () => scalar('sum(llm_gateway_requests_total{model="down-q"})'), (value) => value === 3);
    const alerts = parseYaml(readFileSync('deploy/prometheus/alerts.yml', 'utf8')) as { groups: Array<{ rules: Array<{ alert: string; expr: string }> }> };
    const rule = alerts.groups.flatMap((group) => group.rules).find((candidate) => candidate.alert === 'LlmGatewayHighErrorRate')!;
    // 1 (down-r) + 3 server errors of 17 + 3 requests, every series new within the window: rate() alone sees none of it.
    expect(await scalar(rule.expr)).toBeCloseTo(4 / 20, 6);
  });

  it('evaluates every query of the Grafana dashboard to data', async () => {
    for (const { panel, expr } of dashboardQueries()) {
      const query = expr.replaceAll('$job', 'llm-gateway').replaceAll('$__rate_interval', '1m').replaceAll('$__range', '5m');
      await eventually(`data for "${panel}": ${query}`, () => prometheus!.query(query), (result) => result.length > 0, 10_000);
    }
  }, 120_000);
});
