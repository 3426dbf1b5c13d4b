import { describe, expect, it } from 'vitest';
import { SlidingLog } from '../../src/core/limits/sliding-log.js';

describe('SlidingLog', () => {
  it('counts each amount for exactly the window with granularity 0', () => {
    const log = new SlidingLog(60_000, 0);
    log.add(1000, 1);
    log.add(1000, 1); // same millisecond: merged, still exact
    log.add(2000, 1);
    expect(log.size()).toBe(2);
    expect(log.used(60_999)).toBe(3);
    expect(log.used(61_000)).toBe(1);
    expect(log.used(62_000)).toBe(0);
    expect(log.isEmpty(62_000)).toBe(true);
  });

  it('merging holds amounts longer, never shorter, and bounds the entries to window / granularity', () => {
    const log = new SlidingLog(60_000, 100);
    // 50 000 additions, one per millisecond for 50 s.
    for (let at = 0; at < 50_000; at += 1) log.add(at, 1);
    expect(log.size()).toBeLessThanOrEqual(60_000 / 100 + 1);
    expect(log.used(50_000)).toBe(50_000);
    // Exact would drop the amount of t at t + 60 s; merged entries drop at most 100 ms later.
    for (const at of [60_000, 75_000, 100_000, 109_000]) {
      const exact = Math.max(0, 50_000 - (at - 60_000 + 1));
      const used = log.used(at);
      expect(used).toBeGreaterThanOrEqual(exact);
      expect(used).toBeLessThanOrEqual(exact + 101);
    }
    expect(log.used(110_000)).toBe(0);
  });

  it('a steady stream does not keep one merged entry alive forever', () => {
    const log = new SlidingLog(1000, 100);
    for (let at = 0; at < 10_000; at += 50) log.add(at, 1);
    expect(log.used(10_000)).toBeLessThanOrEqual(1000 / 50 + 2);
  });

  it('waitFor walks the oldest entries until the need fits', () => {
    const log = new SlidingLog(60_000, 0);
    log.add(0, 300);
    log.add(10_000, 300);
    log.add(20_000, 300);
    expect(log.waitFor(30_000, 100, 1000)).toBe(0);
    expect(log.waitFor(30_000, 101, 1000)).toBe(30_000);
    expect(log.waitFor(30_000, 500, 1000)).toBe(40_000);
    expect(log.waitFor(30_000, 1000, 1000)).toBe(50_000);
    expect(log.waitFor(30_000, 1001, 1000)).toBe(Infinity);
    expect(log.resetMs(30_000)).toBe(50_000);
  });

  it('adjust changes a live entry (never below zero) and turns a late positive delta into a new entry', () => {
    const log = new SlidingLog(60_000, 0);
    const entry = log.add(0, 100);
    log.adjust(entry, -150, 1000);
    expect(log.used(1000)).toBe(0);
    log.adjust(entry, 40, 1000);
    expect(log.used(1000)).toBe(40);
    log.adjust(entry, 10, 70_000);
    expect(log.used(70_000)).toBe(10);
    expect(log.resetMs(70_000)).toBe(60_000);
    log.adjust(entry, -10, 70_000);
    expect(log.used(70_000)).toBe(10);
  });
});
