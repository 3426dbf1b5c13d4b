// Request-log part of the conformance suite: round trips, idempotent batches,
// newest-first keyset pagination under every filter, aggregates with nearest-rank
// percentiles, UTC day groups, bounded retention deletes.
import { expect, test } from 'vitest';
import type { RequestLogFilter, RequestLogRecord } from '../../src/domain/request-log.js';
import { InvalidCursorError } from '../../src/storage/index.js';
import type { ConformanceContext } from './conformance.js';
import { BEYOND_2038_MS, collectPages, makeRequestLog } from './fixtures.js';

const MIDNIGHT = Date.UTC(2026, 10, 27); // 2026-11-27T00:00:00Z
/** An aggregate's cache fields when no row read or wrote a prompt cache and none was a cache hit. */
const NO_CACHE = { cachedInputTokens: 0, cacheWriteTokens: 0, cacheHits: 0, cacheHitInputTokens: 0, cacheHitOutputTokens: 0 };

function newestFirst(left: RequestLogRecord, right: RequestLogRecord): number {
  if (left.time !== right.time) return right.time - left.time;
  return left.id < right.id ? 1 : left.id > right.id ? -1 : 0;
}

/** 60 rows over few instants (many ties), keys, models, providers and statuses. */
function dataSet(): RequestLogRecord[] {
  const statuses = ['ok', 'ok', 'error', 'ok', 'canceled'] as const;
  return Array.from({ length: 60 }, (_, index) =>
    makeRequestLog({
      id: `r-${String((index * 37) % 60).padStart(3, '0')}`,
      time: MIDNIGHT - 3 + (index % 7), // straddles midnight, seven distinct instants
      keyId: `key-${index % 3}`,
      requestedModel: index % 4 === 0 ? 'smart' : 'gpt-4o',
      upstreamModel: index % 5 === 0 ? 'claude-sonnet-4' : index % 4 === 0 ? 'gpt-4o-mini' : 'gpt-4o',
      providerId: index % 5 === 0 ? 'anthropic' : 'openai',
      status: statuses[index % statuses.length] ?? 'ok',
      latencyMs: 10 + ((index * 13) % 50),
    }),
  );
}

function matches(record: RequestLogRecord, filter: RequestLogFilter): boolean {
  return (
    (!filter.keyId || record.keyId === filter.keyId) &&
    (!filter.model || record.requestedModel === filter.model || record.upstreamModel === filter.model) &&
    (!filter.providerId || record.providerId === filter.providerId) &&
    (!filter.status || record.status === filter.status) &&
    (filter.from === undefined || filter.from === null || record.time >= filter.from) &&
    (filter.to === undefined || filter.to === null || record.time < filter.to)
  );
}

/** The p-th percentile by nearest rank: the ⌈p·n/100⌉-th smallest value. */
export function nearestRank(values: number[], percent: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((percent * sorted.length) / 100)) - 1] ?? 0;
}

export function describeRequestLogsConformance(context: ConformanceContext): void {
  test('round trip with every field set, with nulls, and with values too long for their columns', async () => {
    const { requestLogs } = context.storage();
    const full = makeRequestLog({
      id: 'req-full',
      time: BEYOND_2038_MS,
      expert: 'coder',
      surface: 'anthropic',
      operation: 'embeddings',
      stream: true,
      status: 'error',
      errorKind: 'unavailable',
      errorMessage: 'upstream said “no” 🚫',
      attempts: 3,
      cacheHit: true,
      inputTokens: 2_000_000_000,
      cachedInputTokens: 7,
      cacheWriteTokens: 1_500_000_000,
      cacheWrite1hTokens: 600_000_000,
      reasoningTokens: 11,
      estimated: true,
      costUsd: 1234.5678,
      ttftMs: 123,
      clientIp: '2001:db8::1',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      requestBody: `{"messages":[{"content":"${'😀'.repeat(20_000)}"}]}`,
      responseBody: '',
    });
    const plain = makeRequestLog({ id: 'req-plain' });
    await requestLogs.insertBatch([full, plain]);
    const page = await requestLogs.list({}, { limit: 10 });
    expect(page.items).toEqual([full, plain]);
    expect(page.nextCursor).toBeNull();

    const longId = `id-${'x'.repeat(100)}`;
    await requestLogs.insertBatch([
      makeRequestLog({ id: longId, time: 5, userAgent: `ua ${'😀'.repeat(400)}`, errorMessage: 'e'.repeat(5000), costUsd: Number.NaN }),
    ]);
    const [stored] = (await requestLogs.list({ to: 6 }, { limit: 1 })).items;
    expect(stored?.id).toMatch(/^[0-9a-f]{64}$/);
    expect(stored?.userAgent.length).toBeLessThanOrEqual(300);
    expect(stored?.userAgent.startsWith('ua 😀😀')).toBe(true);
    expect(stored?.errorMessage).toBe('e'.repeat(1000));
    expect(stored?.costUsd).toBe(0);
    // A trace id is 32 hex digits; anything longer is cut to the column rather than failing the batch.
    await requestLogs.insertBatch([makeRequestLog({ id: 'long-trace', time: 20, traceId: 'f'.repeat(40) })]);
    expect((await requestLogs.list({ from: 20, to: 21 }, { limit: 1 })).items[0]?.traceId).toBe('f'.repeat(32));
    // The same long id maps to the same stored id: a retry is still skipped.
    await requestLogs.insertBatch([makeRequestLog({ id: longId, time: 5 })]);
    expect((await requestLogs.list({ to: 6 }, { limit: 10 })).items).toHaveLength(1);

    // A malformed record (a caller's bug) still becomes a row instead of failing its batch forever.
    const malformed = { id: 'odd', time: 7, status: 'weird', stream: 'yes', userAgent: '\ud800 lone' } as unknown as RequestLogRecord;
    await requestLogs.insertBatch([malformed]);
    const [odd] = (await requestLogs.list({ from: 7, to: 8 }, { limit: 1 })).items;
    expect(odd).toMatchObject({ id: 'odd', status: 'error', stream: false, keyId: '', latencyMs: 0, ttftMs: null, userAgent: '\ufffd lone', traceId: '' });
  });

  test('insertBatch is idempotent on id: retried and overlapping batches keep the first version', async () => {
    const { requestLogs } = context.storage();
    const first = Array.from({ length: 10 }, (_, index) => makeRequestLog({ id: `a-${index}`, time: 1000 + index }));
    await requestLogs.insertBatch(first);
    await requestLogs.insertBatch(first);
    const overlapping = [
      ...first.slice(5).map((record) => ({ ...record, costUsd: 99 })),
      ...Array.from({ length: 5 }, (_, index) => makeRequestLog({ id: `b-${index}`, time: 2000 + index })),
    ];
    await requestLogs.insertBatch(overlapping);
    await requestLogs.insertBatch([]);
    const all = await collectPages((cursor) => requestLogs.list({}, { limit: 4, cursor }));
    expect(all.items).toHaveLength(15);
    expect(all.items.filter((record) => record.costUsd === 99)).toEqual([]);
  });

  test('a batch larger than one statement (1 200 rows, some with 60 KiB bodies) is written whole', async () => {
    const { requestLogs } = context.storage();
    const body = 'é'.repeat(30_000);
    const rows = Array.from({ length: 1200 }, (_, index) =>
      makeRequestLog({ id: `big-${index}`, time: index, requestBody: index % 10 === 0 ? body : null }),
    );
    await requestLogs.insertBatch(rows);
    const all = await collectPages((cursor) => requestLogs.list({}, { limit: 500, cursor }));
    expect(all.items.map((record) => record.id)).toEqual([...rows].sort(newestFirst).map((record) => record.id));
    expect(all.items.find((record) => record.id === 'big-0')?.requestBody).toBe(body);
  });

  test('newest-first keyset pagination under every filter: no gaps, no duplicates', async () => {
    const { requestLogs } = context.storage();
    const records = dataSet();
    await requestLogs.insertBatch(records);
    const filters: RequestLogFilter[] = [
      {},
      { keyId: 'key-1' },
      { model: 'smart' }, // requested model
      { model: 'claude-sonnet-4' }, // upstream model
      { model: 'gpt-4o' }, // either
      { providerId: 'anthropic' },
      { status: 'error' },
      { status: 'canceled', keyId: 'key-0' },
      { from: MIDNIGHT },
      { to: MIDNIGHT },
      { from: MIDNIGHT - 1, to: MIDNIGHT + 2, providerId: 'openai', status: 'ok' },
      { keyId: 'nobody' },
      { keyId: null, model: null, providerId: null, status: null, from: null, to: null },
    ];
    for (const filter of filters) {
      const expected = records.filter((record) => matches(record, filter)).sort(newestFirst);
      for (const limit of [1, 7, 60]) {
        const all = await collectPages((cursor) => requestLogs.list(filter, { limit, cursor }));
        expect(all.items, JSON.stringify({ filter, limit })).toEqual(expected);
        expect(all.pageCount).toBe(Math.max(1, Math.ceil(expected.length / limit)));
      }
    }
  });

  test('a cursor stays valid while newer rows arrive and its own row is deleted', async () => {
    const { requestLogs } = context.storage();
    await requestLogs.insertBatch([1, 2, 3, 4].map((time) => makeRequestLog({ id: `t${time}`, time })));
    const first = await requestLogs.list({}, { limit: 2 });
    expect(first.items.map((record) => record.id)).toEqual(['t4', 't3']);
    await requestLogs.insertBatch([makeRequestLog({ id: 't9', time: 9 })]);
    await requestLogs.deleteOlderThan(4, 1); // deletes t1: the oldest
    const second = await requestLogs.list({}, { limit: 2, cursor: first.nextCursor });
    expect(second.items.map((record) => record.id)).toEqual(['t2']);
    expect(second.nextCursor).toBeNull();
    await expect(requestLogs.list({}, { limit: 2, cursor: 'nope' })).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(requestLogs.list({}, { limit: 0 })).rejects.toBeInstanceOf(RangeError);
  });

  test('aggregates by key, model and provider: counts, errors, sums and nearest-rank percentiles', async () => {
    const { requestLogs } = context.storage();
    const k1 = Array.from({ length: 20 }, (_, index) =>
      makeRequestLog({ id: `k1-${index}`, keyId: 'k1', latencyMs: (20 - index) * 10, costUsd: 0.25, inputTokens: 10, outputTokens: 1 }),
    );
    const k2 = [makeRequestLog({ id: 'k2-0', keyId: 'k2', latencyMs: 7, status: 'error', costUsd: 0, providerId: 'p2' })];
    const k3 = [5, 1, 3, 2].map((latencyMs, index) =>
      makeRequestLog({ id: `k3-${index}`, keyId: 'k3', latencyMs, status: index === 0 ? 'canceled' : 'ok', upstreamModel: 'm3' }),
    );
    await requestLogs.insertBatch([...k1, ...k2, ...k3]);

    const byKey = await requestLogs.aggregate('key', {});
    expect(byKey.map(({ costUsd, ...rest }) => rest)).toEqual([
      { group: 'k1', requests: 20, errors: 0, inputTokens: 200, outputTokens: 20, p50LatencyMs: 100, p95LatencyMs: 190, ...NO_CACHE },
      { group: 'k2', requests: 1, errors: 1, inputTokens: 100, outputTokens: 20, p50LatencyMs: 7, p95LatencyMs: 7, ...NO_CACHE },
      { group: 'k3', requests: 4, errors: 1, inputTokens: 400, outputTokens: 80, p50LatencyMs: 2, p95LatencyMs: 5, ...NO_CACHE },
    ]);
    expect(byKey[0]?.costUsd).toBeCloseTo(5, 10);
    expect(byKey[2]?.costUsd).toBeCloseTo(4 * 0.00045, 12);

    const byModel = await requestLogs.aggregate('model', {});
    expect(byModel.map((row) => [row.group, row.requests, row.p50LatencyMs])).toEqual([
      ['gpt-4o', 21, 100], // 7, 10, 20 … 200: the 11th of 21
      ['m3', 4, 2],
    ]);
    const byProvider = await requestLogs.aggregate('provider', { status: 'ok' });
    expect(byProvider.map((row) => [row.group, row.requests, row.errors])).toEqual([['prov-1', 23, 0]]);
    expect(await requestLogs.aggregate('provider', { keyId: 'nobody' })).toEqual([]);
  });

  test('aggregates on the mixed data set agree with a reference computed in JS', async () => {
    const { requestLogs } = context.storage();
    const records = dataSet();
    await requestLogs.insertBatch(records);
    const filter: RequestLogFilter = { from: MIDNIGHT - 2, providerId: 'openai' };
    const selected = records.filter((record) => matches(record, filter));
    const groups = new Map<string, RequestLogRecord[]>();
    for (const record of selected) groups.set(record.keyId, [...(groups.get(record.keyId) ?? []), record]);
    const expected = [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([group, rows]) => ({
      group,
      requests: rows.length,
      errors: rows.filter((row) => row.status !== 'ok').length,
      inputTokens: rows.length * 100,
      outputTokens: rows.length * 20,
      p50LatencyMs: nearestRank(rows.map((row) => row.latencyMs), 50),
      p95LatencyMs: nearestRank(rows.map((row) => row.latencyMs), 95),
      ...NO_CACHE,
    }));
    const actual = await requestLogs.aggregate('key', filter);
    expect(actual.map(({ costUsd, ...rest }) => rest)).toEqual(expected);
  });

  test('aggregates count cache hits apart: the token sums are what providers processed, the hits and what they served beside them', async () => {
    const { requestLogs } = context.storage();
    const served = { inputTokens: 4000, outputTokens: 50, cachedInputTokens: 1000, cacheWriteTokens: 1500, cacheWrite1hTokens: 600 };
    await requestLogs.insertBatch([
      makeRequestLog({ id: 'miss', keyId: 'cached', ...served, costUsd: 0.012525 }),
      // The gateway's response cache answered these with the stored answer: its tokens kept, cost 0.
      makeRequestLog({ id: 'hit-1', keyId: 'cached', ...served, cacheHit: true, costUsd: 0 }),
      makeRequestLog({ id: 'hit-2', keyId: 'cached', ...served, cacheHit: true, costUsd: 0 }),
      makeRequestLog({ id: 'plain', keyId: 'plain', inputTokens: 30, outputTokens: 5, cachedInputTokens: 10, cacheWriteTokens: 20 }),
    ]);
    const byKey = await requestLogs.aggregate('key', {});
    expect(byKey.map(({ p50LatencyMs, p95LatencyMs, ...rest }) => rest)).toEqual([
      {
        group: 'cached', requests: 3, errors: 0, costUsd: 0.012525,
        inputTokens: 4000, outputTokens: 50, cachedInputTokens: 1000, cacheWriteTokens: 1500,
        cacheHits: 2, cacheHitInputTokens: 8000, cacheHitOutputTokens: 100,
      },
      {
        group: 'plain', requests: 1, errors: 0, costUsd: 0.00045,
        inputTokens: 30, outputTokens: 5, cachedInputTokens: 10, cacheWriteTokens: 20,
        cacheHits: 0, cacheHitInputTokens: 0, cacheHitOutputTokens: 0,
      },
    ]);
    // The same tokens as the key's spend counts (spendOf: input + output, hits left out).
    const spend = await requestLogs.spendOf('cached', 0, null);
    expect(spend.tokens).toBe(byKey[0]!.inputTokens + byKey[0]!.outputTokens);
  });

  test('day groups are UTC days, split exactly at midnight', async () => {
    const { requestLogs } = context.storage();
    await requestLogs.insertBatch([
      makeRequestLog({ id: 'before', time: MIDNIGHT - 1, latencyMs: 1 }),
      makeRequestLog({ id: 'before-2', time: MIDNIGHT - 86_400_000, latencyMs: 3 }), // first instant of the 26th
      makeRequestLog({ id: 'at', time: MIDNIGHT, latencyMs: 5 }),
      makeRequestLog({ id: 'late', time: MIDNIGHT + 86_400_000 - 1, latencyMs: 9 }),
      makeRequestLog({ id: 'far', time: BEYOND_2038_MS }),
    ]);
    const byDay = await requestLogs.aggregate('day', {});
    expect(byDay.map((row) => [row.group, row.requests, row.p50LatencyMs, row.p95LatencyMs])).toEqual([
      ['2026-11-26', 2, 1, 3],
      ['2026-11-27', 2, 5, 9],
      ['2038-01-19', 1, 850, 850],
    ]);
    const fromMidnight = await requestLogs.aggregate('day', { from: MIDNIGHT, to: BEYOND_2038_MS });
    expect(fromMidnight.map((row) => row.group)).toEqual(['2026-11-27']);
  });

  test('hour groups are UTC hours, split exactly at the hour', async () => {
    const { requestLogs } = context.storage();
    const HOUR = 3_600_000;
    await requestLogs.insertBatch([
      makeRequestLog({ id: 'before', time: MIDNIGHT - 1, latencyMs: 1 }),
      makeRequestLog({ id: 'at', time: MIDNIGHT, latencyMs: 5 }),
      makeRequestLog({ id: 'late', time: MIDNIGHT + HOUR - 1, latencyMs: 9 }),
      makeRequestLog({ id: 'next', time: MIDNIGHT + HOUR, latencyMs: 2 }),
      makeRequestLog({ id: 'far', time: BEYOND_2038_MS }),
    ]);
    const byHour = await requestLogs.aggregate('hour', {});
    expect(byHour.map((row) => [row.group, row.requests, row.p50LatencyMs, row.p95LatencyMs])).toEqual([
      ['2026-11-26T23:00Z', 1, 1, 1],
      ['2026-11-27T00:00Z', 2, 5, 9],
      ['2026-11-27T01:00Z', 1, 2, 2],
      ['2038-01-19T03:00Z', 1, 850, 850],
    ]);
  });

  test('spendOf sums a key\'s tokens and cost over a time range, cache hits left out; 0 when nothing matches', async () => {
    const { requestLogs } = context.storage();
    await requestLogs.insertBatch([
      makeRequestLog({ id: 'first', keyId: 'spender', time: MIDNIGHT, inputTokens: 2_000_000_000, outputTokens: 1_000_000_000, costUsd: 0.25 }),
      makeRequestLog({ id: 'cut', keyId: 'spender', time: MIDNIGHT + 5, status: 'canceled', inputTokens: 7, outputTokens: 3, costUsd: 0.125 }),
      makeRequestLog({ id: 'hit', keyId: 'spender', time: MIDNIGHT + 6, cacheHit: true, inputTokens: 100, outputTokens: 20, costUsd: 0 }),
      makeRequestLog({ id: 'before', keyId: 'spender', time: MIDNIGHT - 1, inputTokens: 1, outputTokens: 1, costUsd: 1 }),
      makeRequestLog({ id: 'at-end', keyId: 'spender', time: MIDNIGHT + 10, inputTokens: 1, outputTokens: 1, costUsd: 2 }),
      makeRequestLog({ id: 'other', keyId: 'someone-else', time: MIDNIGHT + 1, costUsd: 4 }),
    ]);
    // Past 2^31 tokens: summed as whole numbers, exactly.
    expect(await requestLogs.spendOf('spender', MIDNIGHT, MIDNIGHT + 10)).toEqual({ tokens: 3_000_000_010, costUsd: 0.375 });
    expect(await requestLogs.spendOf('spender', MIDNIGHT, null)).toEqual({ tokens: 3_000_000_012, costUsd: 2.375 });
    expect(await requestLogs.spendOf('spender', 0, MIDNIGHT)).toEqual({ tokens: 2, costUsd: 1 });
    expect(await requestLogs.spendOf('nobody', 0, null)).toEqual({ tokens: 0, costUsd: 0 });
  });

  test('deleteOlderThan removes at most `limit` of the oldest rows per call', async () => {
    const { requestLogs } = context.storage();
    const old = Array.from({ length: 23 }, (_, index) => makeRequestLog({ id: `old-${index}`, time: 1000 + index }));
    const kept = Array.from({ length: 5 }, (_, index) => makeRequestLog({ id: `new-${index}`, time: 5000 + index }));
    await requestLogs.insertBatch([...kept, ...old]);
    expect(await requestLogs.deleteOlderThan(5000, 10)).toBe(10);
    const after = await collectPages((cursor) => requestLogs.list({}, { limit: 100, cursor }));
    expect(after.items.filter((record) => record.id.startsWith('old-')).map((record) => record.time).sort()).toEqual(
      old.slice(10).map((record) => record.time),
    );
    expect(await requestLogs.deleteOlderThan(5000, 10)).toBe(10);
    expect(await requestLogs.deleteOlderThan(5000, 10)).toBe(3);
    expect(await requestLogs.deleteOlderThan(5000, 10)).toBe(0);
    const rest = await requestLogs.list({}, { limit: 100 });
    expect(rest.items.map((record) => record.id)).toEqual(['new-4', 'new-3', 'new-2', 'new-1', 'new-0']);
    await expect(requestLogs.deleteOlderThan(5000, 0)).rejects.toBeInstanceOf(RangeError);
  });
}
