import { afterEach, describe, expect, it, vi } from 'vitest';
import { createInterruptibleSleep } from '../../src/core/request-log/interruptible-sleep.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('createInterruptibleSleep', () => {
  it('resolves after the time given', async () => {
    vi.useFakeTimers();
    const { sleep } = createInterruptibleSleep();
    let done = false;
    const sleeping = sleep(1000).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await sleeping;
    expect(done).toBe(true);
  });

  it('resolves at once when woken, and leaves no timer behind', async () => {
    vi.useFakeTimers();
    const pause = createInterruptibleSleep();
    const sleeping = pause.sleep(60_000);
    expect(vi.getTimerCount()).toBe(1);
    pause.wake();
    await sleeping;
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does nothing when woken with no sleep under way', async () => {
    vi.useFakeTimers();
    const pause = createInterruptibleSleep();
    pause.wake();
    const sleeping = pause.sleep(10);
    let done = false;
    void sleeping.then(() => (done = true));
    await vi.advanceTimersByTimeAsync(5);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(5);
    expect(done).toBe(true);
  });
});
