import { describe, expect, it, vi } from 'vitest';
import { clone, toBinary } from '@bufbuild/protobuf';
import { ChatResponseSchema, type ChatResponse } from '../../gen/llmgateway/v1/chat_pb.js';
import { markResponseAsHit } from '../../src/core/cache/cache-marks.js';
import { createResponseCache } from '../../src/core/cache/response-cache.js';
import { ENTRY_OVERHEAD_BYTES } from '../../src/core/cache/stored-entry.js';
import { GatewayError } from '../../src/domain/gateway-error.js';
import { deferred, fakeClock, sampleResponse, settle } from './helpers.js';

const big = { maxBytes: 1_000_000, ttlMs: 60_000 };
/** What a hit receives: the answer marked, with an id of its own (any). */
const asHit = (response: ChatResponse) => ({ ...markResponseAsHit(clone(ChatResponseSchema, response)), id: expect.stringMatching(/^gen-/) });

describe('response cache (unary)', () => {
  it('misses, then hits with a marked copy of the stored answer', async () => {
    const cache = createResponseCache(big);
    const compute = vi.fn(async () => sampleResponse());
    const first = await cache.getOrCompute('k', compute);
    expect(first.hit).toBe(false);
    expect(first.response).toEqual(sampleResponse());
    const second = await cache.getOrCompute('k', compute);
    expect(compute).toHaveBeenCalledTimes(1);
    expect(second.hit).toBe(true);
    expect(second.response).toEqual(asHit(sampleResponse()));
    expect(second.response.route?.cacheHit).toBe(true);
    expect(second.response.usage?.costUsd).toBe(0);
    expect(second.response.usage?.totalTokens).toBe(13);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1, coalesced: 0, entries: 1 });
  });

  it('hands out copies: mutating a returned answer never changes the stored one', async () => {
    const cache = createResponseCache(big);
    const first = await cache.getOrCompute('k', async () => sampleResponse());
    first.response.usage!.inputTokens = 999;
    first.response.choices[0]!.message!.content = [];
    const second = await cache.getOrCompute('k', async () => sampleResponse('other'));
    expect(second.response).toEqual(asHit(sampleResponse()));
    second.response.route!.providerId = 'changed';
    second.response.warnings.length = 0;
    const third = await cache.getOrCompute('k', async () => sampleResponse('other'));
    expect(third.response).toEqual(asHit(sampleResponse()));
    expect(third.response).not.toBe(second.response);
  });

  it('a hit also gets a route when the stored answer had none', async () => {
    const cache = createResponseCache(big);
    const bare = sampleResponse();
    bare.route = undefined;
    await cache.getOrCompute('k', async () => bare);
    const hit = await cache.getOrCompute('k', async () => bare);
    expect(hit.response.route?.cacheHit).toBe(true);
  });

  it('expires entries after the TTL (fake clock)', async () => {
    const clock = fakeClock();
    const cache = createResponseCache({ maxBytes: 1_000_000, ttlMs: 1_000, now: clock.now });
    const compute = vi.fn(async () => sampleResponse());
    await cache.getOrCompute('k', compute);
    clock.advance(999);
    expect((await cache.getOrCompute('k', compute)).hit).toBe(true);
    clock.advance(2);
    expect(cache.stats().entries).toBe(0);
    expect((await cache.getOrCompute('k', compute)).hit).toBe(false);
    expect(compute).toHaveBeenCalledTimes(2);
  });

  it('stays within its byte bound, evicting the least recently used entry', async () => {
    const size = toBinary(ChatResponseSchema, sampleResponse()).byteLength + 'k1'.length + ENTRY_OVERHEAD_BYTES;
    const cache = createResponseCache({ maxBytes: Math.floor(size * 2.5), ttlMs: 60_000 });
    await cache.getOrCompute('k1', async () => sampleResponse());
    await cache.getOrCompute('k2', async () => sampleResponse());
    expect(cache.stats()).toMatchObject({ entries: 2, bytes: size * 2 });
    expect((await cache.getOrCompute('k1', async () => sampleResponse())).hit).toBe(true); // k1 now most recent
    await cache.getOrCompute('k3', async () => sampleResponse());
    const stats = cache.stats();
    expect(stats.entries).toBe(2);
    expect(stats.bytes).toBeLessThanOrEqual(Math.floor(size * 2.5));
    expect((await cache.getOrCompute('k1', async () => sampleResponse())).hit).toBe(true);
    expect((await cache.getOrCompute('k3', async () => sampleResponse())).hit).toBe(true);
    expect((await cache.getOrCompute('k2', async () => sampleResponse())).hit).toBe(false); // k2 was evicted
  });

  it('serves but does not store an answer larger than maxEntryBytes', async () => {
    const cache = createResponseCache({ maxBytes: 1_000_000, ttlMs: 60_000, maxEntryBytes: 100 });
    const result = await cache.getOrCompute('k', async () => sampleResponse('x'.repeat(500)));
    expect(result.hit).toBe(false);
    expect(cache.stats()).toMatchObject({ entries: 0, bytes: 0 });
    expect((await cache.getOrCompute('k', async () => sampleResponse())).hit).toBe(false);
  });

  it('single-flight: K=10 concurrent identical misses make one upstream call and all get equal answers', async () => {
    const cache = createResponseCache(big);
    const upstream = deferred<ChatResponse>();
    const compute = vi.fn(() => upstream.promise);
    const pending = Array.from({ length: 10 }, () => cache.getOrCompute('k', compute));
    await settle();
    expect(compute).toHaveBeenCalledTimes(1);
    expect(cache.stats()).toMatchObject({ misses: 1, coalesced: 9, inFlight: 1 });
    upstream.resolve(sampleResponse());
    const results = await Promise.all(pending);
    expect(results.filter((result) => !result.hit)).toHaveLength(1);
    expect(results[0]!.hit).toBe(false); // the earliest waiter is the one charged
    for (const result of results) {
      expect(result.hit ? result.response : asHit(result.response)).toEqual(asHit(sampleResponse()));
    }
    expect(new Set(results.map((result) => result.response)).size).toBe(10); // ten distinct copies
    expect(cache.stats()).toMatchObject({ inFlight: 0, entries: 1 });
    expect((await cache.getOrCompute('k', compute)).hit).toBe(true);
    expect(compute).toHaveBeenCalledTimes(1);
  });

  it('does not cache a failure: every waiter gets the error and the next request calls again', async () => {
    const cache = createResponseCache(big);
    const upstream = deferred<ChatResponse>();
    const failing = vi.fn(() => upstream.promise);
    const pending = Array.from({ length: 5 }, () => cache.getOrCompute('k', failing));
    const failure = new GatewayError('unavailable', 'upstream down', { retryable: true });
    upstream.reject(failure);
    const outcomes = await Promise.allSettled(pending);
    for (const outcome of outcomes) expect(outcome).toEqual({ status: 'rejected', reason: failure });
    expect(failing).toHaveBeenCalledTimes(1);
    expect(cache.stats()).toMatchObject({ entries: 0, inFlight: 0 });

    const thrown = vi.fn(() => {
      throw new Error('synchronous failure');
    });
    await expect(cache.getOrCompute('k', thrown)).rejects.toThrow('synchronous failure');

    const compute = vi.fn(async () => sampleResponse());
    expect((await cache.getOrCompute('k', compute)).hit).toBe(false);
    expect(compute).toHaveBeenCalledTimes(1);
  });

  it('a leaving leader neither cancels the shared call nor leaves followers hanging; the next waiter pays', async () => {
    const cache = createResponseCache(big);
    const upstream = deferred<ChatResponse>();
    let shared: AbortSignal | undefined;
    const compute = vi.fn((signal: AbortSignal) => {
      shared = signal;
      return upstream.promise;
    });
    const leader = new AbortController();
    const leaderResult = cache.getOrCompute('k', compute, { signal: leader.signal });
    const followers = [cache.getOrCompute('k', compute), cache.getOrCompute('k', compute, { signal: new AbortController().signal })];
    await settle();
    leader.abort();
    await expect(leaderResult).rejects.toMatchObject({ kind: 'canceled' });
    expect(shared?.aborted).toBe(false);
    upstream.resolve(sampleResponse());
    const [first, second] = await Promise.all(followers);
    expect(first!.hit).toBe(false);
    expect(first!.response).toEqual(sampleResponse());
    expect(second!.hit).toBe(true);
    expect(compute).toHaveBeenCalledTimes(1);
    expect((await cache.getOrCompute('k', compute)).hit).toBe(true);
  });

  it('when every waiter leaves, the shared call is aborted, nothing is stored and a new request starts afresh', async () => {
    const cache = createResponseCache(big);
    const calls: { signal: AbortSignal; answer: ReturnType<typeof deferred<ChatResponse>> }[] = [];
    const compute = vi.fn((signal: AbortSignal) => {
      const answer = deferred<ChatResponse>();
      calls.push({ signal, answer });
      return answer.promise;
    });
    const one = new AbortController();
    const two = new AbortController();
    const errors = [one, two].map((controller) =>
      cache.getOrCompute('k', compute, { signal: controller.signal }).then(
        () => null,
        (error: unknown) => error,
      ),
    );
    await settle();
    one.abort();
    await settle();
    expect(calls[0]!.signal.aborted).toBe(false);
    two.abort();
    for (const error of await Promise.all(errors)) expect(error).toMatchObject({ kind: 'canceled' });
    expect(calls[0]!.signal.aborted).toBe(true);
    expect(cache.stats().inFlight).toBe(0);

    const fresh = cache.getOrCompute('k', compute);
    await settle();
    expect(compute).toHaveBeenCalledTimes(2);
    calls[0]!.answer.resolve(sampleResponse('late answer of the abandoned call'));
    calls[1]!.answer.resolve(sampleResponse());
    expect((await fresh).response).toEqual(sampleResponse());
    expect((await cache.getOrCompute('k', compute)).response).toEqual(asHit(sampleResponse()));
  });

  it('rejects at once for an already-aborted signal, without calling upstream', async () => {
    const cache = createResponseCache(big);
    const compute = vi.fn(async () => sampleResponse());
    await expect(cache.getOrCompute('k', compute, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(GatewayError);
    expect(compute).not.toHaveBeenCalled();
  });

  it('keeps entries of different keys apart', async () => {
    const cache = createResponseCache(big);
    await cache.getOrCompute('a', async () => sampleResponse('A'));
    await cache.getOrCompute('b', async () => sampleResponse('B'));
    const a = await cache.getOrCompute('a', async () => sampleResponse('wrong'));
    expect(a.response.choices[0]!.message!.content[0]!.kind.value).toMatchObject({ text: 'A' });
    cache.delete('a');
    expect((await cache.getOrCompute('a', async () => sampleResponse('A'))).hit).toBe(false);
    cache.clear();
    expect(cache.stats()).toMatchObject({ entries: 0, bytes: 0 });
  });
});
