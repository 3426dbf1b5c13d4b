// UsageService through Connect's in-memory transport: filters, pagination,
// aggregates, key spend against budgets, validation and the admin token.
import { beforeEach, afterEach, describe, expect, it } from 'vitest';
import { Code, ConnectError, createClient, type Client } from '@connectrpc/connect';
import { durationMs, timestampFromMs, timestampMs } from '@bufbuild/protobuf/wkt';
import { RequestStatus, UsageGrouping, UsageService } from '../../gen/llmgateway/v1/usage_service_pb.js';
import { BudgetPeriod, BudgetUnit, KeysService } from '../../gen/llmgateway/v1/keys_service_pb.js';
import { adminHeaders, createInMemoryServices, type InMemoryServices } from '../helpers/in-memory-services.js';
import { makeKey, makeRequestLog } from '../storage/fixtures.js';

const options = { headers: adminHeaders };
const NOW = Date.UTC(2026, 10, 26, 15, 30); // Thursday 2026-11-26 15:30 UTC

async function failure(promise: Promise<unknown>): Promise<ConnectError> {
  try {
    await promise;
  } catch (error) {
    return ConnectError.from(error);
  }
  throw new Error('expected the call to fail');
}

describe('UsageService', () => {
  let services: InMemoryServices;
  let usage: Client<typeof UsageService>;

  beforeEach(async () => {
    services = await createInMemoryServices();
    services.setNow(NOW);
    usage = createClient(UsageService, services.transport);
    await services.storage.requestLogs.insertBatch(
      Array.from({ length: 23 }, (_, index) =>
        makeRequestLog({
          id: `req-${String(index).padStart(2, '0')}`,
          time: NOW - 60_000 * (index % 5),
          keyId: index % 2 === 0 ? 'key-a' : 'key-b',
          providerId: index % 3 === 0 ? 'anthropic' : 'openai',
          upstreamModel: index % 3 === 0 ? 'claude-sonnet-4' : 'gpt-4o',
          status: index % 7 === 0 ? 'error' : 'ok',
          errorKind: index % 7 === 0 ? 'unavailable' : '',
          latencyMs: 100 + index,
          ttftMs: index === 1 ? 42 : null,
          stream: index === 1,
        }),
      ),
    );
  });

  afterEach(async () => {
    await services.close();
  });

  it('lists newest first with cursor pagination and every filter', async () => {
    const ids: string[] = [];
    let pageToken = '';
    let pages = 0;
    do {
      const page = await usage.listRequests({ pageSize: 5, pageToken }, options);
      ids.push(...page.requests.map((entry) => entry.id));
      pageToken = page.nextPageToken;
      pages += 1;
    } while (pageToken !== '');
    expect(pages).toBe(5);
    expect(new Set(ids).size).toBe(23);
    const all = (await usage.listRequests({ pageSize: 500 }, options)).requests;
    expect(all.map((entry) => entry.id)).toEqual(ids);
    const times = all.map((entry) => timestampMs(entry.time!));
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    const streamed = all.find((entry) => entry.id === 'req-01')!;
    expect(streamed).toMatchObject({ keyId: 'key-b', stream: true, status: RequestStatus.OK, surface: 'openai', requestBody: '' });
    expect(durationMs(streamed.latency!)).toBe(101);
    expect(durationMs(streamed.timeToFirstToken!)).toBe(42);
    expect(all.find((entry) => entry.id === 'req-02')?.timeToFirstToken).toBeUndefined();

    const list = async (filter: Parameters<typeof usage.listRequests>[0]['filter']) =>
      (await usage.listRequests({ filter, pageSize: 500 }, options)).requests.map((entry) => entry.id).sort();
    expect(await list({ keyId: 'key-a' })).toHaveLength(12);
    expect(await list({ model: 'claude-sonnet-4', status: RequestStatus.ERROR })).toEqual(['req-00', 'req-21']);
    expect(await list({ providerId: 'openai', keyId: 'key-b' })).toHaveLength(7);
    expect(await list({ from: timestampFromMs(NOW - 60_000), to: timestampFromMs(NOW) })).toEqual(['req-01', 'req-06', 'req-11', 'req-16', 'req-21']);
    expect(await list({ model: 'smart' })).toHaveLength(23); // the requested model
  });

  it('aggregates by key, model, provider and day', async () => {
    const byKey = (await usage.aggregateUsage({ groupBy: UsageGrouping.KEY }, options)).rows;
    expect(byKey.map((row) => [row.group, row.requests, row.errors])).toEqual([
      ['key-a', 12, 2], // req-00, req-14
      ['key-b', 11, 2], // req-07, req-21
    ]);
    expect(byKey[0]?.inputTokens).toBe(1200n);
    expect(byKey[0]?.outputTokens).toBe(240n);
    expect(byKey[0]?.costUsd).toBeCloseTo(12 * 0.00045, 12);
    // key-a latencies 100, 102 … 122: p50 = 6th of 12, p95 = 12th.
    expect(durationMs(byKey[0]!.p50Latency!)).toBe(110);
    expect(durationMs(byKey[0]!.p95Latency!)).toBe(122);

    const byModel = (await usage.aggregateUsage({ groupBy: UsageGrouping.MODEL, filter: { status: RequestStatus.OK } }, options)).rows;
    expect(byModel.map((row) => [row.group, row.requests, row.errors])).toEqual([
      ['claude-sonnet-4', 6, 0],
      ['gpt-4o', 13, 0],
    ]);
    const byProvider = (await usage.aggregateUsage({ groupBy: UsageGrouping.PROVIDER, filter: { keyId: 'key-b' } }, options)).rows;
    expect(byProvider.map((row) => [row.group, row.requests])).toEqual([
      ['anthropic', 4],
      ['openai', 7],
    ]);
    const byDay = (await usage.aggregateUsage({ groupBy: UsageGrouping.DAY }, options)).rows;
    expect(byDay.map((row) => [row.group, row.requests])).toEqual([['2026-11-26', 23]]);
  });

  it('reports a key’s spend in its current budget period and what remains', async () => {
    const { keys, keySpend } = services.storage;
    await keys.insert(makeKey({ id: 'usd-month', budget: { amount: 10, unit: 'usd', period: 'month' } }));
    await keySpend.add('usd-month', 'month:2026-11', 5000, 2.5);
    await keySpend.add('usd-month', 'month:2026-10', 9999, 99); // last month: not counted
    const month = await usage.getKeySpend({ keyId: 'usd-month' }, options);
    expect(month).toMatchObject({ keyId: 'usd-month', spentUsd: 2.5, spentTokens: 5000n, remaining: 7.5 });
    expect(month.budget).toMatchObject({ amount: 10, unit: BudgetUnit.USD, period: BudgetPeriod.MONTH });
    expect(timestampMs(month.periodStart!)).toBe(Date.UTC(2026, 10, 1));
    expect(timestampMs(month.periodEnd!)).toBe(Date.UTC(2026, 11, 1));

    await keys.insert(makeKey({ id: 'tokens-week', budget: { amount: 1000, unit: 'tokens', period: 'week' } }));
    await keySpend.add('tokens-week', 'week:2026-W48', 1500, 0.01);
    const week = await usage.getKeySpend({ keyId: 'tokens-week' }, options);
    expect(week).toMatchObject({ spentTokens: 1500n, remaining: 0 }); // over budget: never below 0
    expect(timestampMs(week.periodStart!)).toBe(Date.UTC(2026, 10, 23));

    await keys.insert(makeKey({ id: 'forever', budget: { amount: 5, unit: 'usd', period: 'total' } }));
    const total = await usage.getKeySpend({ keyId: 'forever' }, options);
    expect(total).toMatchObject({ spentUsd: 0, spentTokens: 0n, remaining: 5 });
    expect(timestampMs(total.periodStart!)).toBe(0);
    expect(total.periodEnd).toBeUndefined();

    await keys.insert(makeKey({ id: 'no-budget' }));
    await keySpend.add('no-budget', 'month:2026-11', 7, 0.07);
    const unbudgeted = await usage.getKeySpend({ keyId: 'no-budget' }, options);
    expect(unbudgeted).toMatchObject({ spentTokens: 7n, spentUsd: 0.07 });
    expect(unbudgeted.budget).toBeUndefined();
    expect(unbudgeted.remaining).toBeUndefined();

    expect((await failure(usage.getKeySpend({ keyId: 'missing' }, options))).code).toBe(Code.NotFound);
    expect((await failure(usage.getKeySpend({ keyId: ' ' }, options))).code).toBe(Code.InvalidArgument);
  });

  it('reports a key without a budget its month\'s spend from the request log, and a budget set later counts what its period already spent', async () => {
    const keysClient = createClient(KeysService, services.transport);
    const id = (await keysClient.createKey({ name: 'budget-set-later' }, options)).key!.id;
    await services.storage.requestLogs.insertBatch([
      makeRequestLog({ id: 'later-1', keyId: id, time: NOW - 3_600_000, inputTokens: 100, outputTokens: 20, costUsd: 0.3 }),
      // Earlier this month, not today.
      makeRequestLog({ id: 'later-2', keyId: id, time: Date.UTC(2026, 10, 2, 8), inputTokens: 50, outputTokens: 10, costUsd: 0.2 }),
      // Last month: not counted.
      makeRequestLog({ id: 'later-3', keyId: id, time: Date.UTC(2026, 9, 31, 23), inputTokens: 999, outputTokens: 1, costUsd: 5 }),
      // A cache hit spends nothing, whatever usage its stored answer carries.
      makeRequestLog({ id: 'later-4', keyId: id, time: NOW - 60_000, cacheHit: true, inputTokens: 100, outputTokens: 20, costUsd: 0 }),
      // A stream cut short is charged for what it consumed.
      makeRequestLog({ id: 'later-5', keyId: id, time: NOW - 1_000, status: 'canceled', inputTokens: 10, outputTokens: 2, costUsd: 0.05 }),
    ]);
    const spendOf = (keyId: string) => usage.getKeySpend({ keyId }, options);

    const unbudgeted = await spendOf(id);
    expect(unbudgeted.spentUsd).toBeCloseTo(0.55, 12);
    expect(unbudgeted.spentTokens).toBe(192n);
    expect(unbudgeted.budget).toBeUndefined();
    expect(unbudgeted.remaining).toBeUndefined();
    expect(timestampMs(unbudgeted.periodStart!)).toBe(Date.UTC(2026, 10, 1));
    expect(timestampMs(unbudgeted.periodEnd!)).toBe(Date.UTC(2026, 11, 1));

    const setBudget = (amount: number, period: BudgetPeriod) =>
      keysClient.updateKey({ id, budget: { amount, unit: BudgetUnit.USD, period }, updateMask: { paths: ['budget'] } }, options);
    await setBudget(0.5, BudgetPeriod.DAY);
    const today = await spendOf(id);
    expect(today.spentUsd).toBeCloseTo(0.35, 12);
    expect(today.spentTokens).toBe(132n);
    expect(today.remaining).toBeCloseTo(0.15, 12);
    expect(timestampMs(today.periodStart!)).toBe(Date.UTC(2026, 10, 26));

    await setBudget(0.5, BudgetPeriod.MONTH);
    expect(await spendOf(id)).toMatchObject({ spentTokens: 192n, remaining: 0 });
    // Another amount in the same period: what was spent is counted once, not again.
    await setBudget(1, BudgetPeriod.MONTH);
    const raised = await spendOf(id);
    expect(raised.spentUsd).toBeCloseTo(0.55, 12);
    expect(raised.remaining).toBeCloseTo(0.45, 12);
  });

  it('validates page size, page token, grouping, status and time range', async () => {
    const invalid = async (promise: Promise<unknown>, text: string) => {
      const error = await failure(promise);
      expect(error.code).toBe(Code.InvalidArgument);
      expect(error.rawMessage).toContain(text);
    };
    await invalid(usage.listRequests({ pageSize: 501 }, options), 'page_size');
    await invalid(usage.listRequests({ pageSize: -1 }, options), 'page_size');
    await invalid(usage.listRequests({ pageToken: 'garbage' }, options), 'page_token');
    await invalid(usage.listRequests({ filter: { status: 42 as RequestStatus } }, options), 'filter.status');
    await invalid(
      usage.listRequests({ filter: { from: timestampFromMs(NOW), to: timestampFromMs(NOW) } }, options),
      'filter.to',
    );
    await invalid(usage.aggregateUsage({}, options), 'group_by');
    expect((await usage.listRequests({}, options)).requests).toHaveLength(23); // default page size 50
  });

  it('requires the admin token on every method', async () => {
    for (const call of [
      () => usage.listRequests({}),
      () => usage.aggregateUsage({ groupBy: UsageGrouping.KEY }),
      () => usage.getKeySpend({ keyId: 'key-a' }),
      () => usage.listRequests({}, { headers: { authorization: 'Bearer wrong-token-wrong-token-wrong' } }),
    ]) {
      expect((await failure(call())).code).toBe(Code.Unauthenticated);
    }
  });
});
