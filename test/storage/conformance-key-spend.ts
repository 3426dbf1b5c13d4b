// Key spend part of the conformance suite: atomic increments, exact under concurrency.
import { expect, test } from 'vitest';
import type { ConformanceContext } from './conformance.js';

export function describeKeySpendConformance(context: ConformanceContext): void {
  test('get, add creating the row, add incrementing it; periods and keys are independent', async () => {
    const { keySpend } = context.storage();
    expect(await keySpend.get('key-1', 'month:2026-11')).toBeNull();
    expect(await keySpend.add('key-1', 'month:2026-11', 100, 0.5)).toEqual({
      keyId: 'key-1',
      period: 'month:2026-11',
      tokens: 100,
      costUsd: 0.5,
    });
    expect(await keySpend.add('key-1', 'month:2026-11', 23, 0.25)).toMatchObject({ tokens: 123, costUsd: 0.75 });
    expect(await keySpend.add('key-1', 'total', 1, 0)).toMatchObject({ tokens: 1, costUsd: 0 });
    expect(await keySpend.add('key-2', 'month:2026-11', 0, 0.125)).toMatchObject({ tokens: 0, costUsd: 0.125 });
    expect(await keySpend.get('key-1', 'month:2026-11')).toEqual({ keyId: 'key-1', period: 'month:2026-11', tokens: 123, costUsd: 0.75 });
    expect(await keySpend.get('key-1', 'total')).toMatchObject({ tokens: 1 });
    expect(await keySpend.get('key-1', 'day:2026-11-26')).toBeNull();
  });

  test('raiseTo creates the row, raises each counter to at least its amount, never lowers one, and keeps adds', async () => {
    const { keySpend } = context.storage();
    expect(await keySpend.raiseTo('seeded', 'day:2026-11-26', 120, 0.3)).toEqual({ keyId: 'seeded', period: 'day:2026-11-26', tokens: 120, costUsd: 0.3 });
    // Column by column: the tokens are raised, the cost is already higher and stays.
    expect(await keySpend.raiseTo('seeded', 'day:2026-11-26', 200, 0.25)).toMatchObject({ tokens: 200, costUsd: 0.3 });
    expect(await keySpend.add('seeded', 'day:2026-11-26', 10, 0.5)).toMatchObject({ tokens: 210, costUsd: 0.8 });
    // Seeding again with what the log held before that add changes nothing: nothing is counted twice.
    expect(await keySpend.raiseTo('seeded', 'day:2026-11-26', 200, 0.3)).toMatchObject({ tokens: 210, costUsd: 0.8 });
    expect(await keySpend.get('seeded', 'day:2026-11-26')).toMatchObject({ tokens: 210, costUsd: 0.8 });
    expect(await keySpend.raiseTo('seeded', 'total', 2 ** 40, 0)).toMatchObject({ tokens: 2 ** 40, costUsd: 0 });
    await expect(keySpend.raiseTo('seeded', 'total', 1.5, 0)).rejects.toBeInstanceOf(RangeError);
  });

  test('token totals past 2^31 stay exact (BIGINT)', async () => {
    const { keySpend } = context.storage();
    await keySpend.add('big', 'total', 2 ** 31, 0);
    expect(await keySpend.add('big', 'total', 2 ** 40, 0)).toMatchObject({ tokens: 2 ** 31 + 2 ** 40 });
    await expect(keySpend.add('big', 'total', 1.5, 0)).rejects.toBeInstanceOf(RangeError);
    await expect(keySpend.add('big', 'total', 1, Number.NaN)).rejects.toBeInstanceOf(RangeError);
  });

  test('50 concurrent adds over two connections: exact totals, and each add sees its own total', async () => {
    const first = context.storage();
    const second = await context.openAnother();
    const adds = Array.from({ length: 50 }, (_, index) =>
      (index % 2 === 0 ? first : second).keySpend.add('hot-key', 'day:2026-11-26', index + 1, 0.25),
    );
    const results = await Promise.all(adds);
    const expectedTokens = (50 * 51) / 2;
    expect(await first.keySpend.get('hot-key', 'day:2026-11-26')).toEqual({
      keyId: 'hot-key',
      period: 'day:2026-11-26',
      tokens: expectedTokens,
      costUsd: 12.5, // 50 × 0.25, exact in binary floating point
    });
    // Atomic read-back: every add returned a different running total, the last one the grand total.
    const totals = results.map((result) => result.tokens);
    expect(new Set(totals).size).toBe(50);
    expect(Math.max(...totals)).toBe(expectedTokens);
    const costs = results.map((result) => result.costUsd).sort((a, b) => a - b);
    expect(costs).toEqual(Array.from({ length: 50 }, (_, index) => (index + 1) * 0.25));
  });
}
