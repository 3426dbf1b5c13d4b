// An operator asks after the fact why a request was slow or why provider B served it: the
// request-log row (UsageService.ListRequests over connect-node) and the request's log line both
// list its attempts — provider, upstream model, outcome, upstream status, duration — the same
// facts the client saw in x-gateway-attempts. A route [a target that answers 500, a target that
// answers], called through the official OpenAI SDK. On SQLite, and on MariaDB when the MySQL tier runs.
import { randomBytes } from 'node:crypto';
import { durationMs } from '@bufbuild/protobuf/wkt';
import { afterAll, beforeAll, describe, expect, inject, it, test } from 'vitest';
import { usageClient } from '../helpers/usage-client.js';
import { startRoutingHarness, type RoutingHarness } from '../routing/routing-harness.js';
import { createFreshMysqlDatabase, type FreshMysqlDatabase } from '../setup/mariadb.js';

function describeAttemptTrail(environment: () => Record<string, string>): void {
  let harness: RoutingHarness;

  beforeAll(async () => {
    harness = await startRoutingHarness(environment());
    await harness.addFaultProvider('pa', ['error500-a']);
    await harness.addFaultProvider('pb', ['ok-b']);
    await harness.admin('RoutesService/CreateRoute', {
      name: 'trail-route',
      strategy: 'ROUTE_STRATEGY_PRIORITY',
      targets: [
        { providerId: 'pa', upstreamModel: 'error500-a' },
        { providerId: 'pb', upstreamModel: 'ok-b' },
      ],
      settings: { backoffBase: '0.01s', backoffCap: '0.05s', maxRetries: 0 },
    });
  });
  afterAll(async () => harness?.close());

  it('the row and the log line list both attempts: pa failed with 500, pb answered', async () => {
    const { response } = await harness.openai.chat.completions
      .create({ model: 'trail-route', messages: [{ role: 'user', content: 'Hi' }] })
      .withResponse();
    const header = response.headers.get('x-gateway-attempts') ?? '';
    expect(header.split(', ').map((entry) => entry.replace(/ \d+ms$/, ''))).toEqual(['pa/error500-a=unavailable 500', 'pb/ok-b=ok 200']);
    await harness.gateway.gateway.requestLog.flush();

    const { requests } = await usageClient(harness.gateway.url, harness.gateway.adminToken).listRequests({ filter: { providerId: 'pb' } });
    const row = requests.find((entry) => entry.requestedModel === 'trail-route');
    expect(row).toBeDefined();
    expect(row!.attempts).toBe(2);
    expect(row!.attemptTrail.map((attempt) => [attempt.providerId, attempt.upstreamModel, attempt.outcome, attempt.upstreamStatus])).toEqual([
      ['pa', 'error500-a', 'unavailable', 500],
      ['pb', 'ok-b', 'ok', 200],
    ]);
    for (const attempt of row!.attemptTrail) expect(durationMs(attempt.duration!)).toBeGreaterThanOrEqual(0);

    const line = harness.gateway.logLines
      .map((text) => JSON.parse(text) as Record<string, unknown>)
      .find((entry) => entry['msg'] === 'request completed' && entry['model'] === 'trail-route');
    expect(line).toBeDefined();
    expect(line!['attempts']).toBe(2);
    const trail = line!['attemptTrail'] as Array<Record<string, unknown>>;
    expect(trail.map((attempt) => [attempt['provider'], attempt['upstreamModel'], attempt['outcome'], attempt['status']])).toEqual([
      ['pa', 'error500-a', 'unavailable', 500],
      ['pb', 'ok-b', 'ok', 200],
    ]);
    for (const attempt of trail) expect(typeof attempt['durationMs']).toBe('number');
    // Ids, models and outcomes only: never the provider's key or a body.
    expect(JSON.stringify(trail)).not.toContain(harness.upstream.apiKey);
    expect(JSON.stringify(trail)).not.toContain('The server had an error');
  });

  it('a request no upstream saw (an unknown model) has an empty trail', async () => {
    await harness.openai.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'Hi' }] }).catch(() => undefined);
    await harness.gateway.gateway.requestLog.flush();
    const { requests } = await usageClient(harness.gateway.url, harness.gateway.adminToken).listRequests({});
    const row = requests.find((entry) => entry.requestedModel === 'no-such-model');
    expect(row).toMatchObject({ attempts: 0, attemptTrail: [] });
  });
}

describe('the attempt trail of a request, SQLite', () => {
  describeAttemptTrail(() => ({}));
});

const serverUrl = inject('mysqlServerUrl');
if (serverUrl === null) {
  test.skip(`MySQL tier NOT RUN: ${inject('mysqlUnavailableReason') ?? 'no server'}`, () => {});
} else {
  describe('the attempt trail of a request, MariaDB', () => {
    let database: FreshMysqlDatabase | undefined;
    beforeAll(async () => {
      database = await createFreshMysqlDatabase(serverUrl);
    });
    afterAll(async () => database?.drop());
    describeAttemptTrail(() => ({
      DATABASE_URL: database!.url,
      GATEWAY_MASTER_KEY: randomBytes(32).toString('base64'),
      GATEWAY_ADMIN_TOKEN: `gw-admin-${randomBytes(16).toString('hex')}`,
    }));
  });
}
