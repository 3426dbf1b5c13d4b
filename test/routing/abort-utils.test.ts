import { describe, expect, it } from 'vitest';
import { linkedController, raceAbort, realSleep, startTimer } from '../../src/core/routing/abort-utils.js';
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

  it('raceAbort settles with the promise or rejects at the abort', async () => {
    const controller = new AbortController();
    await expect(raceAbort(Promise.resolve(1), controller.signal)).resolves.toBe(1);
    const never = raceAbort(new Promise(() => {}), controller.signal);
    controller.abort(new Error('gone'));
    await expect(never).rejects.toThrow('gone');
    await expect(raceAbort(Promise.reject(new Error('late')), controller.signal)).rejects.toThrow('gone');
  });

  it('linkedController follows its parent until disposed', () => {
    const parent = new AbortController();
    const first = linkedController(parent.signal);
    const second = linkedController(parent.signal);
    second.dispose();
    parent.abort('why');
    expect(first.controller.signal.reason).toBe('why');
    expect(second.controller.signal.aborted).toBe(false);
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
