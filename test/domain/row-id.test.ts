// Row ids of the request log and the expert decisions: UUID version 7, so that rows
// written one after another land at the end of the primary-key index (domain/row-id.ts).
import { describe, expect, it } from 'vitest';
import { newRowId } from '../../src/domain/row-id.js';

const VERSION_7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The Unix time in ms of a version 7 UUID: its first 48 bits. */
const timeOf = (id: string): number => Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16);

describe('newRowId', () => {
  it('is an RFC 9562 version 7 UUID carrying the time it was made', () => {
    const before = Date.now();
    const id = newRowId();
    const after = Date.now();
    expect(id).toMatch(VERSION_7);
    expect(timeOf(id)).toBeGreaterThanOrEqual(before);
    expect(timeOf(id)).toBeLessThanOrEqual(after);
  });

  it('sorts in creation order, also many within one millisecond, and never repeats', () => {
    const ids = Array.from({ length: 20_000 }, () => newRowId());
    const perMillisecond = new Map<number, number>();
    for (const id of ids) perMillisecond.set(timeOf(id), (perMillisecond.get(timeOf(id)) ?? 0) + 1);
    expect(Math.max(...perMillisecond.values())).toBeGreaterThan(1); // the counter within a millisecond was exercised
    for (let index = 1; index < ids.length; index += 1) expect(ids[index]! > ids[index - 1]!).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
