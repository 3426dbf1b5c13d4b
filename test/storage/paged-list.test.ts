// listPage: the keyset paging every repository listing goes through.
import { describe, expect, it } from 'vitest';
import { decodeIdCursor, encodeCursor, InvalidCursorError } from '../../src/storage/cursor.js';
import { listPage, MAX_PAGE_SIZE, normalizePageSize, type KeysetListing } from '../../src/storage/paged-list.js';

const NAMES = ['a', 'b', 'c', 'd', 'e'];

function listing(calls: Array<{ rowCount: number; after: string | null }>): KeysetListing<string, { name: string }, string> {
  return {
    decodeCursor: (cursor) => decodeIdCursor(cursor).id,
    fetch: async (rowCount, after) => {
      calls.push({ rowCount, after });
      return NAMES.filter((name) => after === null || name > after).slice(0, rowCount);
    },
    toItem: (name) => ({ name }),
    sortKeyOf: (item) => [item.name],
  };
}

describe('listPage', () => {
  it('asks for one row more than the page and makes a cursor only when more follow', async () => {
    const calls: Array<{ rowCount: number; after: string | null }> = [];
    const first = await listPage({ limit: 2 }, listing(calls));
    expect(first.items).toEqual([{ name: 'a' }, { name: 'b' }]);
    expect(first.nextCursor).toBe(encodeCursor(['b']));
    const last = await listPage({ limit: 3, cursor: first.nextCursor }, listing(calls));
    expect(last).toEqual({ items: [{ name: 'c' }, { name: 'd' }, { name: 'e' }], nextCursor: null });
    expect(calls).toEqual([
      { rowCount: 3, after: null },
      { rowCount: 4, after: 'b' },
    ]);
  });

  it('treats an empty or null cursor as the first page', async () => {
    const calls: Array<{ rowCount: number; after: string | null }> = [];
    await listPage({ limit: 1, cursor: '' }, listing(calls));
    await listPage({ limit: 1, cursor: null }, listing(calls));
    expect(calls.map((call) => call.after)).toEqual([null, null]);
  });

  it('refuses a bad limit or cursor before anything is read', async () => {
    const calls: Array<{ rowCount: number; after: string | null }> = [];
    await expect(listPage({ limit: 0 }, listing(calls))).rejects.toBeInstanceOf(RangeError);
    await expect(listPage({ limit: 1, cursor: 'not-a-cursor' }, listing(calls))).rejects.toBeInstanceOf(InvalidCursorError);
    expect(calls).toEqual([]);
  });

  it('caps the page size', async () => {
    expect(normalizePageSize(MAX_PAGE_SIZE + 5)).toBe(MAX_PAGE_SIZE);
    const calls: Array<{ rowCount: number; after: string | null }> = [];
    await listPage({ limit: MAX_PAGE_SIZE * 2 }, listing(calls));
    expect(calls[0]?.rowCount).toBe(MAX_PAGE_SIZE + 1);
  });
});
