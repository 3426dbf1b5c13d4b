import { describe, expect, it } from 'vitest';
import { AbortLatch } from '../../src/core/routing/abort-latch.js';
import { raceAbort, realSleep, startTimer } from '../../src/core/routing/abort-utils.js';
import { createDispatcher } from '../../src/core/routing/dispatcher.js';

describe('abort helpers', () => {
  it('realSleep resolves, and rejects with the reason when aborted', async () => {
    await expect(realSleep(1, new AbortController().signal)).resolves.toBeUndefined();
    const controller = new AbortController();
    const pending = realSleep(60_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
  });

  it('startTimer on the real clock fires once after its time, and never once stopped', async () => {
    const fired: string[] = [];
    startTimer(realSleep, 5, () => fired.push('kept'));
    const stop = startTimer(realSleep, 5, () => fired.push('stopped'));
    stop();
    stop();
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(fired).toEqual(['kept']);
  });

  it('startTimer on an injected clock waits on that clock', async () => {
    const waits: number[] = [];
    let wake: () => void = () => {};
    const sleep = (ms: number) => {
      waits.push(ms);
      return new Promise<void>((resolve) => (wake = resolve));
    };
    let fired = 0;
    startTimer(sleep, 1234, () => (fired += 1));
    expect(waits).toEqual([1234]);
    expect(fired).toBe(0);
    wake();
    await Promise.resolve();
    await Promise.resolve();
    expect(fired).toBe(1);
  });

  it('raceAbort settles with the promise or rejects at the abort, and leaves no listener behind', async () => {
    const latch = new AbortLatch();
    await expect(raceAbort(Promise.resolve(1), latch)).resolves.toBe(1);
    await expect(raceAbort(Promise.reject(new Error('first')), latch)).rejects.toThrow('first');
    const heard: unknown[] = [];
    latch.subscribe((reason) => heard.push(reason));
    const never = raceAbort(new Promise(() => {}), latch);
    latch.abort(new Error('gone'));
    await expect(never).rejects.toThrow('gone');
    expect(heard).toHaveLength(1); // only the listener still subscribed: the settled races unsubscribed
    await expect(raceAbort(Promise.reject(new Error('late')), latch)).rejects.toThrow('gone');
  });

  it('an AbortLatch aborts once, with the first reason, and tells only the listeners still subscribed', () => {
    const latch = new AbortLatch();
    const heard: string[] = [];
    latch.subscribe((reason) => heard.push(`first:${String(reason)}`));
    const unsubscribe = latch.subscribe((reason) => heard.push(`second:${String(reason)}`));
    unsubscribe();
    unsubscribe();
    latch.abort('why');
    latch.abort('again');
    expect(latch.reason).toBe('why');
    expect(heard).toEqual(['first:why']);
    latch.subscribe((reason) => heard.push(`late:${String(reason)}`));
    expect(heard).toEqual(['first:why', 'late:why']);
  });

  it('healthOf an unknown target is a closed breaker without samples', () => {
    expect(createDispatcher().healthOf('x/y')).toEqual({
      breaker: 'closed',
      latencyMs: null,
      errorRate: 0,
      consecutiveFailures: 0,
      openUntil: null,
      attempts: 0,
    });
  });
});
