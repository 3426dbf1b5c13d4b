import { describe, expect, it } from 'vitest';
import { linkedController, raceAbort, realSleep } from '../../src/core/routing/abort-utils.js';
import { createDispatcher } from '../../src/core/routing/dispatcher.js';

describe('abort helpers', () => {
  it('realSleep resolves, and rejects with the reason when aborted', async () => {
    await expect(realSleep(1, new AbortController().signal)).resolves.toBeUndefined();
    const controller = new AbortController();
    const pending = realSleep(60_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
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
