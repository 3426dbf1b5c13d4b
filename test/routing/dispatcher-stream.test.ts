import { describe, expect, it } from 'vitest';
import type { Attempt, StreamChunk } from '../../gen/llmgateway/v1/chat_pb.js';
import { GatewayError } from '../../src/domain/gateway-error.js';
import { createDispatcher } from '../../src/core/routing/dispatcher.js';
import { attemptsBehind } from '../../src/core/routing/failed-attempts.js';
import type { PlannedTarget } from '../../src/core/routing/route-plan.js';
import { collect, drive, FakeClock, FakeUpstreams, plan, target, text, textOf, warning } from './helpers.js';

const a = target('a');
const b = target('b');
const c = target('c');

function setup(scripts: Record<string, string[]>) {
  const clock = new FakeClock();
  const upstreams = new FakeUpstreams(scripts);
  const dispatcher = createDispatcher({ now: clock.now, sleep: clock.sleep, random: () => 0.5 });
  return { clock, upstreams, dispatcher };
}

const outcomes = (attempts: Attempt[]) => attempts.map((attempt) => `${attempt.providerId}:${attempt.outcome}:${attempt.upstreamStatus}`);
const cases = (chunks: StreamChunk[]) => chunks.map((chunk) => chunk.event.case);

describe('dispatcher: streams', () => {
  it('streams from the first target; leading warnings are released with the first chunk', async () => {
    const { clock, upstreams, dispatcher } = setup({ 'a/m': ['warn-ok'] });
    const dispatch = dispatcher.stream(plan([a, b]), upstreams.open, new AbortController().signal);
    const chunks = await drive(clock, collect(dispatch.chunks));
    expect(cases(chunks)).toEqual(['warning', 'textDelta', 'textDelta', 'finish']);
    expect(dispatch.result().served).toBe(a);
    expect(outcomes(dispatch.result().attempts)).toEqual(['a:ok:0']);
    expect(clock.pending).toBe(0);
  });

  it('fails over before the first chunk (failed attempts’ warnings are dropped)', async () => {
    const { clock, upstreams, dispatcher } = setup({ 'a/m': ['503'], 'b/m': ['pre-stream'] });
    const dispatch = dispatcher.stream(plan([a, b, c], { settings: { maxRetries: 0 } }), upstreams.open, new AbortController().signal);
    const chunks = await drive(clock, collect(dispatch.chunks));
    expect(textOf(chunks)).toBe('hello from c/m and more');
    expect(cases(chunks)).not.toContain('warning');
    expect(dispatch.result().served).toBe(c);
    expect(outcomes(dispatch.result().attempts)).toEqual(['a:unavailable:503', 'b:unavailable:200', 'c:ok:0']);
  });

  it('an input usage before the first chunk is a leading note too: an attempt that sent only that still fails over', async () => {
    const { clock, upstreams, dispatcher } = setup({ 'a/m': ['input-break'], 'b/m': ['input-ok'] });
    const dispatch = dispatcher.stream(plan([a, b], { settings: { maxRetries: 0 } }), upstreams.open, new AbortController().signal);
    const chunks = await drive(clock, collect(dispatch.chunks));
    // The failed attempt's input usage is dropped; the serving one's is released with its first chunk.
    expect(cases(chunks)).toEqual(['inputUsage', 'textDelta', 'textDelta', 'finish']);
    expect(chunks[0]?.event.value).toMatchObject({ inputTokens: 7 });
    expect(dispatch.result().served).toBe(b);
    expect(outcomes(dispatch.result().attempts)).toEqual(['a:unavailable:200', 'b:ok:0']);
  });

  it('first down, second rate limited: the third serves every stream', async () => {
    const { clock, upstreams, dispatcher } = setup({ 'a/m': ['reset'], 'b/m': ['429'] });
    for (let request = 0; request < 3; request += 1) {
      const dispatch = dispatcher.stream(plan([a, b, c], { settings: { maxRetries: 0 } }), upstreams.open, new AbortController().signal);
      expect(textOf(await drive(clock, collect(dispatch.chunks)))).toBe('hello from c/m and more');
      expect(outcomes(dispatch.result().attempts)).toEqual(['a:unavailable:0', 'b:resource_exhausted:429', 'c:ok:0']);
    }
  });

  it('does not fail over after the first chunk: the error ends the stream', async () => {
    const { clock, upstreams, dispatcher } = setup({ 'a/m': ['mid-stream'] });
    const dispatch = dispatcher.stream(plan([a, b], { settings: { maxRetries: 2 } }), upstreams.open, new AbortController().signal);
    const received: StreamChunk[] = [];
    const consume = async () => {
      for await (const chunk of dispatch.chunks) received.push(chunk);
    };
    const error = await drive(clock, consume()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).upstreamStatus).toBe(200);
    expect(textOf(received)).toBe('hello from a/m');
    expect(upstreams.callsTo('b/m')).toBe(0);
    expect(upstreams.callsTo('a/m')).toBe(1);
    expect(dispatch.result().served).toBe(a);
    expect(outcomes(dispatch.result().attempts)).toEqual(['a:unavailable:200']);
    expect(outcomes([...attemptsBehind(error)])).toEqual(['a:unavailable:200']);
    expect(dispatcher.healthOf('a/m').consecutiveFailures).toBe(1); // a broken stream counts
  });

  it('after the first chunk, only the upstream\'s silence counts against the stream idle timeout, not a slow consumer', async () => {
    const clock = new FakeClock();
    const upstreams = new FakeUpstreams({ 'a/m': ['ok'], 'b/m': ['stall'] });
    const dispatcher = createDispatcher({ now: clock.now, sleep: clock.sleep, random: () => 0.5, streamIdleTimeoutMs: 1_000 });
    // A consumer that takes 5 s per chunk: every chunk is there, the stream ends normally.
    const slowReader = async () => {
      const received: StreamChunk[] = [];
      for await (const chunk of dispatcher.stream(plan([a]), upstreams.open, new AbortController().signal).chunks) {
        received.push(chunk);
        await clock.sleep(5_000, new AbortController().signal);
      }
      return received;
    };
    expect(textOf(await drive(clock, slowReader()))).toBe('hello from a/m and more');
    // An upstream silent after its first chunk: cut, deadline_exceeded, its call aborted; no failover after output.
    const stalled = dispatcher.stream(plan([b, c], { settings: { maxRetries: 1 } }), upstreams.open, new AbortController().signal);
    const received: StreamChunk[] = [];
    const error = await drive(clock, (async () => {
      for await (const chunk of stalled.chunks) received.push(chunk);
    })()).catch((caught: unknown) => caught);
    expect(textOf(received)).toBe('hello from b/m');
    expect(error).toMatchObject({ kind: 'deadline_exceeded', message: 'provider b sent nothing for 1000 ms after its stream began' });
    expect(upstreams.aborted.get('b/m')).toBe(1);
    expect(upstreams.callsTo('c/m')).toBe(0);
    expect(outcomes(stalled.result().attempts)).toEqual(['b:deadline_exceeded:0']);
    expect(clock.pending).toBe(0);
  });

  it('an upstream that opens and sends nothing within the attempt timeout counts as failed', async () => {
    const { clock, upstreams, dispatcher } = setup({ 'a/m': ['empty'] });
    const dispatch = dispatcher.stream(plan([a, b], { settings: { maxRetries: 0, attemptTimeoutMs: 2_000 } }), upstreams.open, new AbortController().signal);
    expect(textOf(await drive(clock, collect(dispatch.chunks)))).toBe('hello from b/m and more');
    // A timeout is a timeout whoever notices it (docs/errors.md): deadline_exceeded, retryable.
    expect(outcomes(dispatch.result().attempts)).toEqual(['a:deadline_exceeded:0', 'b:ok:0']);
    expect(upstreams.aborted.get('a/m')).toBe(1);
    expect(dispatcher.healthOf('a/m')).toMatchObject({ consecutiveFailures: 1, latencyMs: 2_000 });
  });

  it('a stream that ends without any chunk fails over', async () => {
    const { clock, upstreams, dispatcher } = setup({ 'a/m': ['ends-empty'] });
    const dispatch = dispatcher.stream(plan([a, b], { settings: { maxRetries: 0 } }), upstreams.open, new AbortController().signal);
    expect(textOf(await drive(clock, collect(dispatch.chunks)))).toBe('hello from b/m and more');
    expect(outcomes(dispatch.result().attempts)).toEqual(['a:unavailable:200', 'b:ok:0']);
  });

  it('the first-chunk timeout stops once the stream has started (a slow body is not cut)', async () => {
    const clock = new FakeClock();
    const dispatcher = createDispatcher({ now: clock.now, sleep: clock.sleep });
    async function* slowBody(_: PlannedTarget, signal: AbortSignal): AsyncGenerator<StreamChunk> {
      yield text('first');
      await clock.sleep(5_000, signal); // longer than the attempt timeout
      yield text(' second');
    }
    const dispatch = dispatcher.stream(plan([a], { settings: { attemptTimeoutMs: 1_000 } }), slowBody, new AbortController().signal);
    expect(textOf(await drive(clock, collect(dispatch.chunks)))).toBe('first second');
    expect(outcomes(dispatch.result().attempts)).toEqual(['a:ok:0']);
  });

  it('the total deadline bounds the search for a target, not a stream that is already flowing', async () => {
    const clock = new FakeClock();
    const dispatcher = createDispatcher({ now: clock.now, sleep: clock.sleep });
    // Twenty chunks a second apart: twice the total deadline.
    async function* long(_: PlannedTarget, signal: AbortSignal): AsyncGenerator<StreamChunk> {
      for (let index = 0; index < 20; index += 1) {
        yield text('.');
        await clock.sleep(1_000, signal);
      }
    }
    const dispatch = dispatcher.stream(plan([a, b], { settings: { totalDeadlineMs: 10_000 } }), long, new AbortController().signal);
    const received = await drive(clock, collect(dispatch.chunks));
    expect(received).toHaveLength(20);
    expect(dispatch.result().served?.key).toBe('a/m');
    expect(dispatch.result().attempts.map((attempt) => attempt.outcome)).toEqual(['ok']);
  });

  it('retries a 400 never: it surfaces at once', async () => {
    const { clock, upstreams, dispatcher } = setup({ 'a/m': ['400'] });
    const dispatch = dispatcher.stream(plan([a, b], { settings: { maxRetries: 2 } }), upstreams.open, new AbortController().signal);
    const error = await drive(clock, collect(dispatch.chunks)).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'invalid_argument' });
    expect(upstreams.totalCalls).toBe(1);
    expect(dispatch.result().served).toBeUndefined();
  });

  it('a consumer that stops early aborts the upstream; nothing counts against the target', async () => {
    const { upstreams, dispatcher } = setup({});
    let upstreamSignal: AbortSignal | undefined;
    let closed = false;
    async function* endless(_: PlannedTarget, signal: AbortSignal): AsyncGenerator<StreamChunk> {
      upstreamSignal = signal;
      try {
        for (let index = 0; ; index += 1) yield text(`${index} `);
      } finally {
        closed = true;
      }
    }
    const dispatch = dispatcher.stream(plan([a]), endless, new AbortController().signal);
    let seen = 0;
    for await (const _ of dispatch.chunks) if (++seen === 3) break;
    await new Promise((resolve) => setImmediate(resolve));
    expect(upstreamSignal?.aborted).toBe(true);
    expect(closed).toBe(true);
    expect(outcomes(dispatch.result().attempts)).toEqual(['a:canceled:0']);
    expect(dispatcher.healthOf('a/m')).toMatchObject({ breaker: 'closed', consecutiveFailures: 0 });
    expect(upstreams.totalCalls).toBe(0);
  });

  it('the caller’s cancel mid-stream ends it as canceled and aborts the upstream', async () => {
    const { upstreams, dispatcher } = setup({});
    const caller = new AbortController();
    let upstreamSignal: AbortSignal | undefined;
    async function* stalls(_: PlannedTarget, signal: AbortSignal): AsyncGenerator<StreamChunk> {
      upstreamSignal = signal;
      yield warning('w');
      yield text('one');
      await new Promise(() => {}); // deaf to its signal
    }
    const dispatch = dispatcher.stream(plan([a, b]), stalls, caller.signal);
    const iterator = dispatch.chunks[Symbol.asyncIterator]();
    expect((await iterator.next()).value?.event.case).toBe('warning');
    expect((await iterator.next()).value?.event.case).toBe('textDelta');
    const pending = iterator.next();
    caller.abort();
    await expect(pending).rejects.toMatchObject({ kind: 'canceled' });
    expect(upstreamSignal?.aborted).toBe(true);
    expect(outcomes(dispatch.result().attempts)).toEqual(['a:canceled:0']);
    expect(upstreams.callsTo('b/m')).toBe(0);
  });

  it('cancel before the first chunk stops the failover at once', async () => {
    const { clock, upstreams, dispatcher } = setup({ 'a/m': ['500'] });
    const caller = new AbortController();
    const dispatch = dispatcher.stream(plan([a, b], { settings: { maxRetries: 3, backoffBaseMs: 10_000, backoffCapMs: 10_000 } }), upstreams.open, caller.signal);
    const pending = collect(dispatch.chunks);
    pending.catch(() => {});
    await new Promise((resolve) => setImmediate(resolve));
    caller.abort();
    await expect(pending).rejects.toMatchObject({ kind: 'canceled' });
    expect(upstreams.totalCalls).toBe(1);
    expect(clock.pending).toBe(0);
  });
});
