// The overview's circuit-breaker panel logic: every route read (all pages), at most N health calls at
// once, only open / half-open targets kept, open ones first, one unreadable route reported without
// hiding the others.
import { describe, expect, it } from 'vitest';
import { create } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { BreakerState, GetRouteHealthResponseSchema, type GetRouteHealthResponse } from '../../gen/llmgateway/v1/routes_service_pb.js';
import { listAllRouteNames, mapWithConcurrency, readBreakers, summarizeBreakers } from '../../console/src/format/breakers.js';

const target = (upstreamModel: string, breaker: BreakerState, extra: object = {}) =>
  ({ providerId: 'fixture', upstreamModel, breaker, consecutiveFailures: 0, errorRate: 0, attempts: 0, ...extra });
const health = (...targets: ReturnType<typeof target>[]) => create(GetRouteHealthResponseSchema, { targets });
const pages = (...names: string[][]) => async (token: string) => {
  const index = token === '' ? 0 : Number(token);
  return { names: names[index] ?? [], nextPageToken: index + 1 < names.length ? String(index + 1) : '' };
};

describe('reading every route', () => {
  it('follows the page tokens to the last page', async () => {
    expect(await listAllRouteNames(pages(['a', 'b'], ['c'], ['d']))).toEqual(['a', 'b', 'c', 'd']);
  });

  it('stops when the gateway hands back a token it already gave', async () => {
    let calls = 0;
    const names = await listAllRouteNames(async () => ({ names: [`r${(calls += 1)}`], nextPageToken: 'same' }));
    expect(names).toEqual(['r1', 'r2']);
  });

  it('runs at most the limit at once and keeps the order of the answers', async () => {
    let running = 0;
    let most = 0;
    const results = await mapWithConcurrency([5, 1, 4, 2, 3, 0, 2], 3, async (delay) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, delay));
      running -= 1;
      return delay * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30, 0, 20]);
    expect(most).toBe(3);
    expect(await mapWithConcurrency([], 4, async (item) => item)).toEqual([]);
  });
});

describe('the tripped breakers', () => {
  const answers: Record<string, GetRouteHealthResponse> = {
    smart: health(target('ok', BreakerState.CLOSED), target('flaky', BreakerState.HALF_OPEN, { consecutiveFailures: 1, attempts: 9 })),
    backup: health(target('down', BreakerState.OPEN, { consecutiveFailures: 5, errorRate: 0.75, attempts: 8, opensUntil: { seconds: 1_800_000_000n, nanos: 500_000_000 } })),
    quiet: health(target('ok', BreakerState.CLOSED), target('never-used', BreakerState.UNSPECIFIED)),
  };
  const read = async (route: string) => {
    const answer = answers[route];
    if (!answer) throw new ConnectError(`route "${route}" not found`, Code.NotFound);
    return answer;
  };

  it('keeps only open and half-open targets, open first, with failures and the probe time', async () => {
    const report = await readBreakers(pages(['smart', 'quiet'], ['backup']), read);
    expect(report.tripped.map((row) => `${row.route} ${row.providerId}/${row.upstreamModel} ${BreakerState[row.state]}`)).toEqual([
      'backup fixture/down OPEN',
      'smart fixture/flaky HALF_OPEN',
    ]);
    expect(report.tripped[0]).toMatchObject({ consecutiveFailures: 5, errorRate: 0.75, attempts: 8, probeAtMs: 1_800_000_000_500 });
    expect(report.tripped[1]?.probeAtMs).toBeUndefined();
    expect(report.routesRead).toBe(3);
    expect(report.unreadable).toEqual([]);
    expect(summarizeBreakers(report.tripped)).toEqual({ open: 1, halfOpen: 1, routes: 2 });
  });

  it('reports a route whose health cannot be read, and still shows the others', async () => {
    const report = await readBreakers(pages(['backup', 'deleted-meanwhile']), read);
    expect(report.tripped.map((row) => row.upstreamModel)).toEqual(['down']);
    expect(report.routesRead).toBe(1);
    expect(report.unreadable).toEqual([{ route: 'deleted-meanwhile', message: expect.stringContaining('not found') }]);
  });

  it('is empty when every breaker is closed or there are no routes', async () => {
    expect((await readBreakers(pages(['quiet']), read)).tripped).toEqual([]);
    const none = await readBreakers(pages([]), read);
    expect(none).toEqual({ tripped: [], routesRead: 0, unreadable: [] });
    expect(summarizeBreakers(none.tripped)).toEqual({ open: 0, halfOpen: 0, routes: 0 });
  });

  it('fails as a whole when the routes cannot be listed', async () => {
    await expect(readBreakers(async () => { throw new ConnectError('denied', Code.PermissionDenied); }, read)).rejects.toThrow('denied');
  });
});
