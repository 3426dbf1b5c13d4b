// Row ids of the request log and the expert decisions: UUID version 7, so that rows
// written one after another land at the end of the primary-key index (domain/row-id.ts).
import { describe, expect, it } from 'vitest';
import { createRowIds, newRowId } from '../../src/domain/row-id.js';

const VERSION_7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The Unix time in ms of a version 7 UUID: its first 48 bits. */
const timeOf = (id: string): number => Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16);

describe('row ids', () => {
  it('are RFC 9562 version 7 UUIDs carrying the time they were made', () => {
    const before = Date.now();
    const id = newRowId();
    const after = Date.now();
    expect(id).toMatch(VERSION_7);
    expect(timeOf(id)).toBeGreaterThanOrEqual(before);
    expect(timeOf(id)).toBeLessThanOrEqual(after);
    expect(timeOf(createRowIds(() => 0xfedcba987654)())).toBe(0xfedcba987654);
  });

  it('sort in creation order, many within one millisecond too, and never repeat', () => {
    const ids = Array.from({ length: 20_000 }, () => newRowId());
    const perMillisecond = new Map<number, number>();
    for (const id of ids) perMillisecond.set(timeOf(id), (perMillisecond.get(timeOf(id)) ?? 0) + 1);
    expect(Math.max(...perMillisecond.values())).toBeGreaterThan(1); // the counter within a millisecond was exercised
    for (let index = 1; index < ids.length; index += 1) expect(ids[index]! > ids[index - 1]!).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(VERSION_7);
  });

  it('keep increasing when the clock steps back, and start each new millisecond at a random counter', () => {
    const clock = [5_000, 5_000, 4_000, 4_500, 5_001, 5_001];
    let call = 0;
    const nextId = createRowIds(() => clock[call++]!);
    const ids = clock.map(() => nextId());
    for (let index = 1; index < ids.length; index += 1) expect(ids[index]! > ids[index - 1]!).toBe(true);
    expect(ids.slice(0, 4).map(timeOf)).toEqual([5_000, 5_000, 5_000, 5_000]);
    expect(timeOf(ids[4]!)).toBe(5_001);
    // Ids of different processes in the same millisecond do not collide: the counter and the tail are random.
    const elsewhere = createRowIds(() => 5_000)();
    expect(elsewhere).not.toBe(ids[0]);
  });
});
