import { describe, expect, it } from 'vitest';
import type { Attempt } from '../../gen/llmgateway/v1/chat_pb.js';
import { GatewayError } from '../../src/domain/gateway-error.js';
import { createDispatcher, type DispatcherOptions } from '../../src/core/routing/dispatcher.js';
import { attemptsBehind } from '../../src/core/routing/failed-attempts.js';
import { drive, FakeClock, FakeUpstreams, plan, target } from './helpers.js';

const a = target('a');
const b = target('b');
const c = target('c');

function setup(scripts: Record<string, string[]>, options: DispatcherOptions = {}) {
  const clock = new FakeClock();
  const upstreams = new FakeUpstreams(scripts);
  const dispatcher = createDispatcher({ now: clock.now, sleep: clock.sleep, random: () => 0.5, ...options });
  return { clock, upstreams, dispatcher };
}

const outcomes = (attempts: Attempt[]) => attempts.map((attempt) => `${attempt.providerId}:${attempt.outcome}:${attempt.upstreamStatus}`);

async function rejection(promise: Promise<unknown>): Promise<GatewayError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof GatewayError)) throw new Error(`expected a GatewayError, got ${String(error)}`);
  return error;
}

describe('dispatcher: unary', () => {
  it('serves from the first healthy target and records the attempt', async () => {
    const { clock, upstreams, dispatcher } = setup({});
    const result = await drive(clock, dispatcher.unary(plan([a, b]), upstreams.call, new AbortController().signal));
    expect(result.value).toBe('answer from a/m');
    expect(result.served).toBe(a);
    expect(outcomes(result.attempts)).toEqual(['a:ok:0']);
    expect(result.attempts[0]!.upstreamModel).toBe('m');
    expect(clock.pending).toBe(0); // deadline and attempt timers cleaned up
  });

  it('first down, second rate limited: every request is served by the third, attempts visible', async () => {
    const { clock, upstreams, dispatcher } = setup({ 'a/m': ['503'], 'b/m': ['429'] });
    const route = plan([a, b, c], { settings: { maxRetries: 0 } });
    for (let request = 0; request < 4; request += 1) {
      const result = await drive(clock, dispatcher.unary(route, upstreams.call, new AbortController().signal));
      expect(result.served).toBe(c);
      // a's breaker opens after 5 failures; until then it is tried and fails over.
      expect(outcomes(result.attempts)).toEqual(['a:unavailable:503', 'b:resource_exhausted:429', 'c:ok:0']);
    }
  });

  it('retries the same target with backoff, then fails over; a failed target is not tried again', async () => {
    const { clock, upstreams, dispatcher } = setup({ 'a/m': ['500'], 'b/m': ['500', 'ok'] });
    const route = plan([a, b], { settings: { maxRetries: 2, backoffBaseMs: 100, backoffCapMs: 1_000 } });
    const result = await drive(clock, dispatcher.unary(route, upstreams.call, new AbortController().signal));
    expect(result.served).toBe(b);
    expect(outcomes(result.attempts)).toEqual(['a:unavailable:500', 'a:unavailable:500', 'a:unavailable:500', 'b:unavailable:500', 'b:ok:0']);
    expect(upstreams.callsTo('a/m')).toBe(3);
    // Full jitter with random() = 0.5: 0.5·100, 0.5·200 on a, then 0.5·100 on b.
    expect(clock.requested.filter((ms) => ms < 1_000)).toEqual([50, 100, 50]);
  });

  it('returns a 400 at once: no retry, no failover, breaker untouched', async () => {
    const { clock, upstreams, dispatcher } = setup({ 'a/m': ['400'] });
    const error = await rejection(drive(clock, dispatcher.unary(plan([a, b], { settings: { maxRetries: 3 } }), upstreams.call, new AbortController().signal)));
    expect(error.kind).toBe('invalid_argument');
    expect(upstreams.totalCalls).toBe(1);
    expect(dispatcher.healthOf('a/m')).toMatchObject({ breaker: 'closed', consecutiveFailures: 0, errorRate: 0, attempts: 1 });
  });

  it('throws the last error with its kind, status and retry-after when every target fails; attempts reach onAttempt', async () => {
    const { clock, upstreams, dispatcher } = setup({ 'a/m': ['503'], 'b/m': ['429:30'] });
    const seen: string[] = [];
    const error = await rejection(
      drive(
        clock,
        dispatcher.unary(plan([a, b], { settings: { maxRetries: 0 } }), upstreams.call, new AbortController().signal, {
          onAttempt: (attempt, planned) => seen.push(`${planned.key}:${attempt.outcome}`),
        }),
      ),
    );
    expect(error).toMatchObject({ kind: 'resource_exhausted', upstreamStatus: 429, retryAfterSeconds: 30 });
    expect(seen).toEqual(['a/m:unavailable', 'b/m:resource_exhausted']);
    // …and stay with the error, for the request's row (failed-attempts.ts).
    expect(outcomes([...attemptsBehind(error)])).toEqual(['a:unavailable:503', 'b:resource_exhausted:429']);
  });

  it('honours a short retry-after on the same target, and fails over at once on a long one', async () => {
    const short = setup({ 'a/m': ['429:2', 'ok'] });
    const route = plan([a, b], { settings: { maxRetries: 1, maxRetryAfterMs: 5_000 } });
    const served = await drive(short.clock, short.dispatcher.unary(route, short.upstreams.call, new AbortController().signal));
    expect(served.served).toBe(a);
    expect(short.clock.requested).toContain(2_000);

    const long = setup({ 'a/m': ['429:6', 'ok'] });
    const startedAt = long.clock.now();
    const failedOver = await drive(long.clock, long.dispatcher.unary(route, long.upstreams.call, new AbortController().signal));
    expect(failedOver.served).toBe(b);
    expect(long.upstreams.callsTo('a/m')).toBe(1);
    expect(long.clock.now()).toBe(startedAt); // failed over without waiting
  });

  it('never waits beyond the total deadline: stops with the last error', async () => {
    const { clock, upstreams, dispatcher } = setup({ 'a/m': ['429:8'] });
    const route = plan([a, b], { settings: { maxRetries: 3, maxRetryAfterMs: 10_000, totalDeadlineMs: 5_000 } });
    const startedAt = clock.now();
    const error = await rejection(drive(clock, dispatcher.unary(route, upstreams.call, new AbortController().signal)));
    expect(error).toMatchObject({ kind: 'resource_exhausted', retryAfterSeconds: 8 });
    expect(upstreams.totalCalls).toBe(1);
    expect(clock.now()).toBe(startedAt); // no wait happened
  });

  it('times out a hanging attempt (counts for the breaker) and fails over', async () => {
    const { clock, upstreams, dispatcher } = setup({ 'a/m': ['hang'] });
    const route = plan([a, b], { settings: { maxRetries: 0, attemptTimeoutMs: 1_000 } });
    const result = await drive(clock, dispatcher.unary(route, upstreams.call, new AbortController().signal));
    expect(result.served).toBe(b);
    expect(outcomes(result.attempts)).toEqual(['a:deadline_exceeded:0', 'b:ok:0']);
    expect(upstreams.aborted.get('a/m')).toBe(1);
    expect(dispatcher.healthOf('a/m')).toMatchObject({ consecutiveFailures: 1, latencyMs: 1_000 });
  });

  it('the total deadline ends a hanging attempt as deadline_exceeded and stops', async () => {
    const { clock, upstreams, dispatcher } = setup({ 'a/m': ['hang'] });
    const route = plan([a, b], { settings: { attemptTimeoutMs: 60_000, totalDeadlineMs: 10_000 } });
    const error = await rejection(drive(clock, dispatcher.unary(route, upstreams.call, new AbortController().signal)));
    expect(error).toMatchObject({ kind: 'deadline_exceeded', upstreamStatus: 0 });
    expect(upstreams.callsTo('b/m')).toBe(0);
  });

  it('an upstream that ignores its signal cannot hold the attempt past its timeout', async () => {
    const { clock, dispatcher } = setup({});
    let calls = 0;
    const deaf = (planned: typeof a) => (calls++ === 0 ? new Promise<string>(() => {}) : Promise.resolve(planned.key));
    const result = await drive(clock, dispatcher.unary(plan([a, b], { settings: { maxRetries: 0, attemptTimeoutMs: 500 } }), deaf, new AbortController().signal));
    expect(result.value).toBe('b/m');
  });

  it('cancel stops retries at once: during a backoff wait and during an attempt', async () => {
    const { clock, upstreams, dispatcher } = setup({ 'a/m': ['500'], 'b/m': ['hang'] });
    const caller = new AbortController();
    const route = plan([a, b], { settings: { maxRetries: 3, backoffBaseMs: 10_000, backoffCapMs: 10_000 } });
    const pending = dispatcher.unary(route, upstreams.call, caller.signal);
    pending.catch(() => {});
    await new Promise((resolve) => setImmediate(resolve));
    expect(upstreams.callsTo('a/m')).toBe(1); // now sleeping in backoff
    caller.abort();
    const error = await rejection(pending);
    expect(error.kind).toBe('canceled');
    expect(upstreams.totalCalls).toBe(1);
    expect(clock.pending).toBe(0); // the sleep and the deadline timer were aborted

    const second = setup({ 'a/m': ['hang'] });
    const caller2 = new AbortController();
    const seen: Attempt[] = [];
    const hanging = second.dispatcher.unary(route, second.upstreams.call, caller2.signal, { onAttempt: (attempt) => seen.push(attempt) });
    hanging.catch(() => {});
    await new Promise((resolve) => setImmediate(resolve));
    caller2.abort();
    expect((await rejection(hanging)).kind).toBe('canceled');
    expect(second.upstreams.aborted.get('a/m')).toBe(1);
    expect(outcomes(seen)).toEqual(['a:canceled:0']);
    expect(second.dispatcher.healthOf('a/m').consecutiveFailures).toBe(0); // cancellations never count
  });

  it('a caller that already aborted makes no call', async () => {
    const { clock, upstreams, dispatcher } = setup({});
    const caller = new AbortController();
    caller.abort();
    expect((await rejection(drive(clock, dispatcher.unary(plan([a]), upstreams.call, caller.signal)))).kind).toBe('canceled');
    expect(upstreams.totalCalls).toBe(0);
  });

  it('an error the adapter marked final (e.g. a spent quota) fails over without retrying the same target', async () => {
    const { clock, dispatcher } = setup({});
    const calls: string[] = [];
    const call = async (planned: typeof a) => {
      calls.push(planned.key);
      if (planned === a) throw new GatewayError('resource_exhausted', 'insufficient_quota', { upstreamStatus: 429, retryable: false });
      return 'ok';
    };
    await drive(clock, dispatcher.unary(plan([a, b], { settings: { maxRetries: 3 } }), call, new AbortController().signal));
    expect(calls).toEqual(['a/m', 'b/m']);
  });

  it('anything that is not a GatewayError stops at once and is recorded as internal', async () => {
    const { clock, dispatcher } = setup({});
    const seen: Attempt[] = [];
    const call = async () => {
      throw new TypeError('bug');
    };
    const error = await drive(clock, dispatcher.unary(plan([a, b]), call, new AbortController().signal, { onAttempt: (attempt) => seen.push(attempt) })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TypeError);
    expect(outcomes(seen)).toEqual(['a:internal:0']);
  });

  it('one error instance thrown by every call (a misconfigured provider): each failed dispatch keeps its own attempts', async () => {
    const { clock, dispatcher } = setup({});
    const shared = new GatewayError('failed_precondition', 'provider a has no endpoint', { provider: 'a', upstreamStatus: 0 });
    const call = async () => {
      throw shared;
    };
    const first = await rejection(drive(clock, dispatcher.unary(plan([a]), call, new AbortController().signal)));
    const second = await rejection(drive(clock, dispatcher.unary(plan([b]), call, new AbortController().signal)));
    expect(outcomes([...attemptsBehind(first)])).toEqual(['a:failed_precondition:0']);
    expect(outcomes([...attemptsBehind(second)])).toEqual(['b:failed_precondition:0']);
    // The second is a copy: the same kind of error, message and fields, its own attempts.
    expect(second).not.toBe(first);
    expect(second).toBeInstanceOf(GatewayError);
    expect(second).toMatchObject({ kind: 'failed_precondition', message: 'provider a has no endpoint', provider: 'a' });
  });
});
