// The response cache shared through the real Redis: each "replica" is its own
// in-process cache in front of its own connection. An entry filled on one is a
// hit on another; identical concurrent misses on different replicas make one
// upstream call (unary and stream); a dead filler's lock expires and a waiter
// takes over; oversized answers are not shared; without Redis, a plain miss.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatResponse, StreamChunk } from '../../gen/llmgateway/v1/chat_pb.js';
import { createResponseCache, type ResponseCache } from '../../src/core/cache/response-cache.js';
import { createSharedResponseCache } from '../../src/core/shared-store/shared-response-cache.js';
import { createSharedStoreHealth, type SharedFeature } from '../../src/core/shared-store/shared-store-health.js';
import type { SharedCacheStore } from '../../src/core/shared-store/shared-cache-store.js';
import { createRedisCacheStore } from '../../src/redis/redis-cache-store.js';
import { connectRedis } from '../../src/redis/redis-client.js';
import { sampleResponse, sampleStream } from '../cache/helpers.js';
import { TEST_REDIS_URL } from '../setup/redis-url.js';

const opened: Array<{ close(): unknown }> = [];
const errors: unknown[] = [];

afterEach(async () => {
  await new Promise((resolve) => setTimeout(resolve, 100)); // lock releases are sent behind the answer
  for (const item of opened.splice(0)) await item.close();
  expect(errors.splice(0)).toEqual([]);
});

interface Replica {
  cache: ResponseCache;
  store: SharedCacheStore;
  fallbacks: SharedFeature[];
}

async function replicas(count: number, options: { lockMs?: number; maxEntryBytes?: number; url?: string; prefix?: string } = {}): Promise<Replica[]> {
  const prefix = options.prefix ?? `test:${randomUUID()}:`;
  return Promise.all(
    Array.from({ length: count }, async () => {
      const connection = connectRedis(options.url ?? TEST_REDIS_URL, () => {}, options.url ? 200 : 5_000) // generous: a loaded machine must not turn a slow answer into a fallback;
      opened.push(connection);
      if (!options.url) expect(await connection.ready(5_000)).toBe(true);
      const store = createRedisCacheStore({ connection, keyPrefix: prefix, lockMs: options.lockMs ?? 5_000, onError: (error) => errors.push(error) });
      const fallbacks: SharedFeature[] = [];
      const health = createSharedStoreHealth({ onTransition: () => {}, probe: () => connection.ping() });
      health.onFallback((feature) => fallbacks.push(feature));
      const local = createResponseCache({ maxBytes: 1_000_000, ttlMs: 60_000 });
      const cache = createSharedResponseCache({ local, store, health, ttlMs: 60_000, maxEntryBytes: options.maxEntryBytes ?? 1_000_000, pollMs: 20 });
      return { cache, store, fallbacks };
    }),
  );
}

/** An upstream that counts its calls and answers after `delayMs`. */
function upstream(delayMs = 100) {
  const counter = { calls: 0 };
  const compute = async (): Promise<ChatResponse> => {
    counter.calls += 1;
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    return sampleResponse('shared answer');
  };
  const open = async function* (): AsyncGenerator<StreamChunk> {
    counter.calls += 1;
    for (const chunk of sampleStream('streamed answer')) {
      await new Promise((resolve) => setTimeout(resolve, delayMs / 10));
      yield chunk;
    }
  };
  return { counter, compute, open };
}

const textOf = (response: ChatResponse) => JSON.stringify(response.choices[0]?.message?.content);
const collect = async (chunks: AsyncIterable<StreamChunk>) => {
  const all: StreamChunk[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return all;
};

describe('response cache shared through Redis', () => {
  it('serves on replica B, as a hit at cost 0, an entry filled on replica A', async () => {
    const [a, b] = await replicas(2);
    const source = upstream(0);
    const key = `k-${randomUUID()}`;
    const filled = await a!.cache.getOrCompute(key, source.compute);
    expect(filled.hit).toBe(false);
    expect(filled.response.usage?.costUsd).toBeCloseTo(0.0042, 9);
    const served = await b!.cache.getOrCompute(key, source.compute);
    expect(source.counter.calls).toBe(1);
    expect(served.hit).toBe(true);
    expect(served.response.route?.cacheHit).toBe(true);
    expect(served.response.usage?.costUsd).toBe(0);
    expect(textOf(served.response)).toBe(textOf(filled.response));
  });

  it('serves a caller that may only be served what is stored (its budget cannot pay a call) another replica’s entry, and does not wait for a fill', async () => {
    const prefix = `test:${randomUUID()}:`;
    const [a, b] = await replicas(2, { prefix, lockMs: 600_000 });
    const key = `k-${randomUUID()}`;
    const refusal = new Error('over budget');
    const refused = () => Promise.reject(refusal);
    // Another replica is filling (it holds the lock, for longer than the test): refused at once, not after the fill.
    const filling = await a!.store.claim(key);
    expect(filling).not.toBeNull();
    await expect(b!.cache.getOrCompute(key, refused, { storedOnly: true })).rejects.toBe(refusal);
    filling!.release();
    const source = upstream(0);
    await a!.cache.getOrCompute(key, source.compute);
    const served = await b!.cache.getOrCompute(key, refused, { storedOnly: true });
    expect(served.hit).toBe(true);
    expect(source.counter.calls).toBe(1);
  });

  it('a refresh (no-cache) calls upstream though an entry is shared, and shares its fresh answer with every replica', async () => {
    const [a, b, c] = await replicas(3);
    const key = `k-${randomUUID()}`;
    let calls = 0;
    const answering = (text: string) => async () => ((calls += 1), sampleResponse(text));
    await a!.cache.getOrCompute(key, answering('first answer'));
    const refreshed = await b!.cache.getOrCompute(key, answering('fresh answer'), { refresh: true });
    expect(refreshed.hit).toBe(false);
    expect(calls).toBe(2);
    const served = await c!.cache.getOrCompute(key, answering('never asked'));
    expect(served.hit).toBe(true);
    expect(textOf(served.response)).toBe(JSON.stringify(sampleResponse('fresh answer').choices[0]?.message?.content));
    expect(calls).toBe(2);
  });

  it('makes one upstream call for 9 identical concurrent misses on 3 replicas; exactly one request pays', async () => {
    const group = await replicas(3);
    const source = upstream(300);
    const key = `k-${randomUUID()}`;
    const answers = await Promise.all(group.flatMap((replica) => Array.from({ length: 3 }, () => replica.cache.getOrCompute(key, source.compute))));
    expect(source.counter.calls).toBe(1);
    expect(answers.filter((answer) => !answer.hit)).toHaveLength(1);
    expect(new Set(answers.map((answer) => textOf(answer.response))).size).toBe(1);
  });

  it('makes one upstream stream for identical concurrent stream misses on 3 replicas, replayed whole on the others', async () => {
    const group = await replicas(3);
    const source = upstream(200);
    const key = `s-${randomUUID()}`;
    const streams = await Promise.all(group.map((replica) => collect(replica.cache.stream(key, source.open).chunks)));
    expect(source.counter.calls).toBe(1);
    const expected = sampleStream('streamed answer').map((chunk) => chunk.event.case);
    for (const chunks of streams) expect(chunks.map((chunk) => chunk.event.case)).toEqual(expected);
    const paid = streams.filter((chunks) => chunks.some((chunk) => chunk.event.case === 'usage' && chunk.event.value.costUsd > 0));
    expect(paid).toHaveLength(1);
  });

  it('lets a waiter take over when the filler died holding the lock (it expires)', async () => {
    const prefix = `test:${randomUUID()}:`;
    const [b] = await replicas(1, { lockMs: 600, prefix });
    const key = `k-${randomUUID()}`;
    // Replica A claims the fill lock, then dies: its connection goes, so the lock is never renewed nor released.
    const connection = connectRedis(TEST_REDIS_URL, () => {}, 200);
    expect(await connection.ready(5_000)).toBe(true);
    const dead = createRedisCacheStore({ connection, keyPrefix: prefix, lockMs: 600, onError: () => {} });
    expect(await dead.claim(key)).not.toBeNull();
    await connection.close();
    expect(await b!.store.isLocked(key)).toBe(true);
    const source = upstream(0);
    const served = await b!.cache.getOrCompute(key, source.compute);
    expect(served.hit).toBe(false);
    expect(source.counter.calls).toBe(1);
  });

  it('serves but does not share an answer larger than the entry bound', async () => {
    const [a, b] = await replicas(2, { maxEntryBytes: 64 });
    const source = upstream(0);
    const key = `k-${randomUUID()}`;
    await a!.cache.getOrCompute(key, source.compute);
    const again = await b!.cache.getOrCompute(key, source.compute);
    expect(again.hit).toBe(false);
    expect(source.counter.calls).toBe(2);
  });

  it('without Redis: every replica calls upstream itself (a miss of the shared tier), counted', async () => {
    const [alone] = await replicas(1, { url: 'redis://127.0.0.1:1' });
    const source = upstream(0);
    const answer = await alone!.cache.getOrCompute(`k-${randomUUID()}`, source.compute);
    expect(answer.hit).toBe(false);
    expect(source.counter.calls).toBe(1);
    expect(alone!.fallbacks).toEqual(['cache']);
  });
});
