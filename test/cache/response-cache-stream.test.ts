import { describe, expect, it } from 'vitest';
import { clone } from '@bufbuild/protobuf';
import { StreamChunkSchema, type StreamChunk } from '../../gen/llmgateway/v1/chat_pb.js';
import { markChunkAsHit } from '../../src/core/cache/cache-marks.js';
import { createResponseCache } from '../../src/core/cache/response-cache.js';
import { GatewayError } from '../../src/domain/gateway-error.js';
import { collect, FakeUpstream, fakeClock, reader, sampleStream, settle } from './helpers.js';

const options = { maxBytes: 1_000_000, ttlMs: 60_000 };
/** What a hit receives: the chunks marked, its start with an id of its own (any). */
const asHit = (chunks: StreamChunk[]) =>
  chunks.map((chunk) => {
    const marked = markChunkAsHit(clone(StreamChunkSchema, chunk));
    if (marked.event.case !== 'start') return marked;
    return { ...marked, event: { case: 'start', value: { ...marked.event.value, id: expect.stringMatching(/^gen-/) } } };
  });
const complete = () => new FakeUpstream().push(...sampleStream()).end();

describe('response cache (stream)', () => {
  it('passes a miss through, then replays the same chunks in the same order, marked as a hit', async () => {
    const cache = createResponseCache(options);
    const upstream = complete();
    const miss = cache.stream('k', upstream.open);
    expect(miss.hit).toBe(false);
    const original = await collect(miss.chunks);
    expect(original).toEqual(sampleStream());

    const again = new FakeUpstream();
    const hit = cache.stream('k', again.open);
    expect(hit.hit).toBe(true);
    const replayed = await collect(hit.chunks);
    expect(again.opened).toBe(0);
    expect(replayed).toEqual(asHit(original));
    // Only the marks differ: route chunks say cache_hit (and list no attempts), usage costs nothing, the start
    // has an id of its own; everything else is identical.
    const routes = replayed.filter((chunk) => chunk.event.case === 'route');
    expect(routes).toHaveLength(2);
    for (const chunk of routes) expect(chunk.event.case === 'route' && chunk.event.value.cacheHit).toBe(true);
    const usage = replayed.find((chunk) => chunk.event.case === 'usage');
    expect(usage?.event.value).toMatchObject({ costUsd: 0, totalTokens: 19 });
    for (const chunk of routes) expect(chunk.event.case === 'route' && chunk.event.value.attempts).toEqual([]);
    const start = (chunks: StreamChunk[]) => chunks.find((chunk) => chunk.event.case === 'start')?.event.value as { id: string };
    expect(start(replayed).id).not.toBe(start(original).id);
    const unmarked = (chunks: StreamChunk[]) => chunks.filter((chunk) => !['route', 'usage', 'start'].includes(chunk.event.case ?? ''));
    expect(unmarked(replayed)).toEqual(unmarked(sampleStream()));
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1, entries: 1 });
  });

  it('hands out copies: mutating passed-through or replayed chunks never changes the stored stream', async () => {
    const cache = createResponseCache(options);
    for (const chunk of await collect(cache.stream('k', complete().open).chunks)) {
      if (chunk.event.case === 'textDelta') chunk.event.value.text = 'tampered';
    }
    const first = await collect(cache.stream('k', complete().open).chunks);
    for (const chunk of first) if (chunk.event.case === 'usage') chunk.event.value.inputTokens = 0;
    expect(await collect(cache.stream('k', complete().open).chunks)).toEqual(asHit(sampleStream()));
  });

  it('does not store a stream that failed; the caller sees the chunks so far, then the error', async () => {
    const cache = createResponseCache(options);
    const failure = new GatewayError('unavailable', 'connection reset', { retryable: true });
    const upstream = new FakeUpstream().push(...sampleStream().slice(0, 5)).fail(failure);
    const seen: StreamChunk[] = [];
    await expect(
      (async () => {
        for await (const chunk of cache.stream('k', upstream.open).chunks) seen.push(chunk);
      })(),
    ).rejects.toBe(failure);
    expect(seen).toEqual(sampleStream().slice(0, 5));
    expect(cache.stats()).toMatchObject({ entries: 0, inFlight: 0 });
    const retry = complete();
    const next = cache.stream('k', retry.open);
    expect(next.hit).toBe(false);
    expect(await collect(next.chunks)).toEqual(sampleStream());
    expect(retry.opened).toBe(1);
  });

  it('does not store a stream the caller abandoned (break), and stops the upstream', async () => {
    const cache = createResponseCache(options);
    const upstream = complete();
    for await (const chunk of cache.stream('k', upstream.open).chunks) {
      if (chunk.event.case === 'textDelta') break;
    }
    await settle();
    expect(upstream.signals[0]!.aborted).toBe(true);
    expect(upstream.closed).toBe(1);
    expect(cache.stats()).toMatchObject({ entries: 0, inFlight: 0 });
    expect(cache.stream('k', complete().open).hit).toBe(false);
  });

  it('a caller whose signal aborts while waiting for upstream leaves at once; nothing is stored', async () => {
    const cache = createResponseCache(options);
    const upstream = new FakeUpstream().push(...sampleStream().slice(0, 2)); // then silence
    const caller = new AbortController();
    const read = reader(cache.stream('k', upstream.open, { signal: caller.signal }).chunks);
    expect(await read.take(2)).toEqual(sampleStream().slice(0, 2));
    const pending = read.next();
    await settle();
    caller.abort();
    await expect(pending).rejects.toMatchObject({ kind: 'canceled' });
    expect(upstream.signals[0]!.aborted).toBe(true);
    await settle();
    expect(upstream.closed).toBe(1);
    expect(cache.stats()).toMatchObject({ entries: 0, inFlight: 0 });
  });

  it('opens nothing until the caller reads, and an aborted caller that never read leaves nothing behind', async () => {
    const cache = createResponseCache(options);
    const upstream = complete();
    const caller = new AbortController();
    cache.stream('k', upstream.open, { signal: caller.signal });
    await settle();
    expect(upstream.opened).toBe(0);
    caller.abort();
    expect(cache.stats().inFlight).toBe(0);
    expect(cache.stream('k', complete().open).hit).toBe(false);
  });

  it('concurrent identical misses share one upstream stream; a late joiner still gets the whole stream', async () => {
    const cache = createResponseCache(options);
    const upstream = new FakeUpstream();
    const all = sampleStream();
    const leader = cache.stream('k', upstream.open);
    const early = cache.stream('k', upstream.open);
    expect([leader.hit, early.hit]).toEqual([false, true]);
    const leaderRead = reader(leader.chunks);
    const earlyRead = reader(early.chunks);
    upstream.push(...all.slice(0, 4));
    const leaderFirst = await leaderRead.take(4);
    const earlyFirst = await earlyRead.take(2);
    const late = cache.stream('k', upstream.open); // joins mid-stream
    expect(late.hit).toBe(true);
    upstream.push(...all.slice(4)).end();
    const [leaderRest, earlyRest, lateAll] = await Promise.all([leaderRead.rest(), earlyRead.rest(), collect(late.chunks)]);

    expect(upstream.opened).toBe(1);
    expect([...leaderFirst, ...leaderRest]).toEqual(all); // the opener is charged: unmarked
    expect([...earlyFirst, ...earlyRest]).toEqual(asHit(all));
    expect(lateAll).toEqual(asHit(all));
    expect(cache.stats()).toMatchObject({ misses: 1, coalesced: 2, entries: 1, inFlight: 0 });
    expect(await collect(cache.stream('k', new FakeUpstream().open).chunks)).toEqual(asHit(all));
  });

  it('K=10 concurrent stream misses: one upstream call, every caller gets the full stream', async () => {
    const cache = createResponseCache(options);
    const upstream = new FakeUpstream();
    const streams = Array.from({ length: 10 }, () => cache.stream('k', upstream.open));
    const results = Promise.all(streams.map((stream) => collect(stream.chunks)));
    upstream.push(...sampleStream()).end();
    const lists = await results;
    expect(upstream.opened).toBe(1);
    expect(streams.filter((stream) => !stream.hit)).toHaveLength(1);
    expect(lists[0]).toEqual(sampleStream());
    for (const list of lists.slice(1)) expect(list).toEqual(asHit(sampleStream()));
  });

  it('when the opener leaves mid-stream the others keep reading, the next one pays, and the stream is stored', async () => {
    const cache = createResponseCache(options);
    const upstream = new FakeUpstream();
    const all = sampleStream();
    const leaderRead = reader(cache.stream('k', upstream.open).chunks);
    const follower = cache.stream('k', upstream.open);
    const followerRead = reader(follower.chunks);
    upstream.push(...all.slice(0, 5));
    await leaderRead.take(5);
    const followerFirst = await followerRead.take(3);
    await leaderRead.stop();
    expect(upstream.signals[0]!.aborted).toBe(false);
    upstream.push(...all.slice(5)).end();
    const followerRest = await followerRead.rest();

    expect(follower.hit).toBe(true); // the up-front flag (header) …
    expect(followerFirst).toEqual(asHit(all.slice(0, 3)));
    expect(followerRest).toEqual(all.slice(3)); // … but it inherited the bill: usage and final route unmarked
    expect(cache.stats().entries).toBe(1);
    expect(upstream.opened).toBe(1);
  });

  it('once the payer has received the usage, a follower is never charged again', async () => {
    const cache = createResponseCache(options);
    const upstream = new FakeUpstream();
    const all = sampleStream();
    const usageAt = all.findIndex((chunk) => chunk.event.case === 'usage');
    const leaderRead = reader(cache.stream('k', upstream.open).chunks);
    const followerRead = reader(cache.stream('k', upstream.open).chunks);
    upstream.push(...all.slice(0, usageAt + 1));
    await leaderRead.take(usageAt + 1);
    await leaderRead.stop();
    upstream.push(...all.slice(usageAt + 1)).end();
    expect(await followerRead.rest()).toEqual(asHit(all));
  });

  it('every consumer of a shared stream gets the upstream error; nothing is stored', async () => {
    const cache = createResponseCache(options);
    const failure = new GatewayError('unavailable', 'boom');
    const upstream = new FakeUpstream();
    const outcomes = Promise.allSettled(Array.from({ length: 3 }, () => collect(cache.stream('k', upstream.open).chunks)));
    upstream.push(...sampleStream().slice(0, 3)).fail(failure);
    for (const outcome of await outcomes) expect(outcome).toEqual({ status: 'rejected', reason: failure });
    expect(upstream.opened).toBe(1);
    expect(cache.stats()).toMatchObject({ entries: 0, inFlight: 0 });
  });

  it('when every consumer leaves, the shared upstream is aborted and a new request opens afresh', async () => {
    const cache = createResponseCache(options);
    const upstream = new FakeUpstream().push(...sampleStream().slice(0, 2));
    const one = new AbortController();
    const two = new AbortController();
    const readOne = reader(cache.stream('k', upstream.open, { signal: one.signal }).chunks);
    const readTwo = reader(cache.stream('k', upstream.open, { signal: two.signal }).chunks);
    await readOne.take(2);
    await readTwo.take(1);
    one.abort();
    await settle();
    expect(upstream.signals[0]!.aborted).toBe(false);
    two.abort();
    await expect(readTwo.next()).rejects.toMatchObject({ kind: 'canceled' });
    expect(upstream.signals[0]!.aborted).toBe(true);
    const fresh = complete();
    const next = cache.stream('k', fresh.open);
    expect(next.hit).toBe(false);
    expect(await collect(next.chunks)).toEqual(sampleStream());
    expect(fresh.opened).toBe(1);
  });

  it('stream entries expire with the TTL and are kept apart from unary entries', async () => {
    const clock = fakeClock();
    const cache = createResponseCache({ ...options, ttlMs: 500, now: clock.now });
    await collect(cache.stream('k', complete().open).chunks);
    clock.advance(499);
    expect(cache.stream('k', complete().open).hit).toBe(true);
    clock.advance(2);
    expect(cache.stream('k', complete().open).hit).toBe(false);
  });

  it('a replay stops when its caller aborts', async () => {
    const cache = createResponseCache(options);
    await collect(cache.stream('k', complete().open).chunks);
    const caller = new AbortController();
    const read = reader(cache.stream('k', complete().open, { signal: caller.signal }).chunks);
    await read.take(2);
    caller.abort();
    await expect(read.next()).rejects.toMatchObject({ kind: 'canceled' });
  });
});
