// The upstream quotas' queue on the in-memory limiter, without a server: the
// order requests are served in, a newcomer never overtaking a waiting request,
// a provider's quota shared by its models while each model keeps its own, a
// refused model quota spending none of the provider's requests, and a request
// that leaves the queue.
import { describe, expect, it } from 'vitest';
import type { ProviderModelRecord, ProviderRecord, UpstreamQuotaRecord } from '../../src/domain/provider.js';
import { createInMemoryRateLimiter } from '../../src/core/limits/in-memory-rate-limiter.js';
import { UpstreamQuotaError } from '../../src/core/quotas/quota-error.js';
import { createUpstreamQuotas, type UpstreamQuotas } from '../../src/core/quotas/upstream-quotas.js';
import type { PlannedTarget } from '../../src/core/routing/route-plan.js';
import { makeProvider } from '../storage/fixtures.js';

/** Lets the admissions in progress reach the queue (each asks the limiter first). */
const settled = () => new Promise((resolve) => setImmediate(resolve));

const quota = (limits: Partial<UpstreamQuotaRecord>): UpstreamQuotaRecord => ({ requestsPerMinute: 0, tokensPerMinute: 0, maxConcurrent: 0, ...limits });

function targetOf(provider: ProviderRecord, upstreamModel: string): PlannedTarget {
  const model: ProviderModelRecord = provider.models.find((candidate) => candidate.upstreamModel === upstreamModel)!;
  return {
    key: `${provider.id}/${upstreamModel}`,
    provider: { record: provider, connection: {} as never, adapter: () => ({}) as never },
    model,
    target: { upstreamModel, deployment: '' },
    weight: 1,
  };
}

const quotasWith = (maxLength = 10, maxWaitMs = 30_000): UpstreamQuotas =>
  createUpstreamQuotas({ limiter: createInMemoryRateLimiter(), defaultQueue: { maxLength, maxWaitMs }, pollMs: 5 });

const model = (upstreamModel: string, limits?: Partial<UpstreamQuotaRecord>): ProviderModelRecord => ({
  upstreamModel,
  alias: '',
  enabled: true,
  deployment: '',
  prices: null,
  ...(limits ? { quota: quota(limits) } : {}),
});

describe('the queue of a target over its quota', () => {
  it('serves waiting requests in arrival order as slots free, and a newcomer does not overtake them', async () => {
    const provider = makeProvider({ id: 'fifo', quota: quota({ maxConcurrent: 1 }), models: [model('m')] });
    const target = targetOf(provider, 'm');
    const quotas = quotasWith();
    const signal = new AbortController().signal;
    const first = await quotas.admit(target, 0, signal);
    const served: string[] = [];
    const waiting = ['second', 'third', 'fourth'].map((name) =>
      quotas.admit(target, 0, signal).then((pass) => {
        served.push(name);
        return pass;
      }),
    );
    await settled();
    expect(quotas.stats()).toEqual([expect.objectContaining({ inFlight: 1, queueDepth: 3 })]);
    expect(await quotas.tryAdmit(target, 0)).toBeUndefined(); // the queue is ahead of it
    first.settle(0);
    (await waiting[0]!).settle(0);
    (await waiting[1]!).release();
    (await waiting[2]!).settle(0);
    expect(served).toEqual(['second', 'third', 'fourth']);
    expect(quotas.stats()).toEqual([expect.objectContaining({ inFlight: 0, queueDepth: 0 })]);
  });

  it('shares the provider’s quota between its models, while each model keeps its own', async () => {
    const provider = makeProvider({ id: 'shared', quota: quota({ maxConcurrent: 3 }), models: [model('small', { maxConcurrent: 1 }), model('large')] });
    const quotas = quotasWith(0);
    const small = targetOf(provider, 'small');
    const large = targetOf(provider, 'large');
    expect(await quotas.tryAdmit(small, 0)).toBeDefined();
    expect(await quotas.tryAdmit(small, 0)).toBeUndefined(); // the model's own 1
    expect(await quotas.tryAdmit(large, 0)).toBeDefined();
    expect(await quotas.tryAdmit(large, 0)).toBeDefined();
    expect(await quotas.tryAdmit(large, 0)).toBeUndefined(); // the provider's 3
    const refused = await quotas.admit(large, 0, new AbortController().signal).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(UpstreamQuotaError);
    expect((refused as UpstreamQuotaError).message).toContain('provider shared allows 3 concurrent requests, and has no request queue');
    expect((refused as UpstreamQuotaError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
  });

  it('spends none of the provider’s requests per minute when the model’s own quota refuses', async () => {
    const provider = makeProvider({ id: 'metered', quota: quota({ requestsPerMinute: 3 }), models: [model('tight', { requestsPerMinute: 1 }), model('other')] });
    const quotas = quotasWith(0);
    const tight = targetOf(provider, 'tight');
    expect(await quotas.tryAdmit(tight, 0)).toBeDefined();
    for (let index = 0; index < 5; index += 1) expect(await quotas.tryAdmit(tight, 0)).toBeUndefined();
    const other = targetOf(provider, 'other');
    expect(await quotas.tryAdmit(other, 0)).toBeDefined();
    expect(await quotas.tryAdmit(other, 0)).toBeDefined();
    expect(await quotas.tryAdmit(other, 0)).toBeUndefined();
  });

  it('reserves a request’s tokens against tokens per minute and corrects them to the usage', async () => {
    const provider = makeProvider({ id: 'tokens', quota: quota({ tokensPerMinute: 1_000 }), models: [model('m')] });
    const quotas = quotasWith(0);
    const target = targetOf(provider, 'm');
    const pass = await quotas.tryAdmit(target, 800);
    expect(pass).toBeDefined();
    expect(await quotas.tryAdmit(target, 300)).toBeUndefined(); // 800 reserved
    pass!.settle(100); // it used 100
    expect(await quotas.tryAdmit(target, 800)).toBeDefined();
    const tooLarge = await quotas.admit(target, 5_000, new AbortController().signal).catch((error: unknown) => error);
    expect((tooLarge as Error).message).toContain('needs more tokens than provider tokens allows per minute');
  });

  it('lets a request that leaves the queue go, with its abort reason, and serves the next', async () => {
    const provider = makeProvider({ id: 'leaving', quota: quota({ maxConcurrent: 1 }), models: [model('m')] });
    const quotas = quotasWith();
    const target = targetOf(provider, 'm');
    const first = await quotas.admit(target, 0, new AbortController().signal);
    const leaving = new AbortController();
    const left = quotas.admit(target, 0, leaving.signal).catch((error: unknown) => error);
    const staying = quotas.admit(target, 0, new AbortController().signal);
    await settled();
    leaving.abort(new Error('client left'));
    expect(((await left) as Error).message).toBe('client left');
    expect(quotas.stats()[0]?.queueDepth).toBe(1);
    first.release(0);
    (await staying).settle(0);
    expect(quotas.stats()[0]).toMatchObject({ inFlight: 0, queueDepth: 0 });
  });

  it('lets targets without a quota through untouched', async () => {
    const quotas = quotasWith(0);
    const target = targetOf(makeProvider({ id: 'free', models: [model('m')] }), 'm');
    for (let index = 0; index < 100; index += 1) expect(await quotas.tryAdmit(target, 1_000_000)).toBeDefined();
    expect(quotas.stats()).toEqual([]);
  });
});
