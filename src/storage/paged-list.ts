// Keyset paging, as every listing of the repositories does it: ask the database
// for one row more than the page, so that whether another page follows is known
// without a count; the cursor is the sort key of the page's last item.
import type { Page } from '../domain/page.js';
import { encodeCursor } from './cursor.js';

export const MAX_PAGE_SIZE = 1000;

/** A positive integer, capped at MAX_PAGE_SIZE. */
export function normalizePageSize(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError('Page limit must be a positive integer');
  return Math.min(limit, MAX_PAGE_SIZE);
}

/** Given up to limit+1 rows, the page and the cursor after its last item. */
export function toPage<Row, Item>(
  rows: Row[],
  limit: number,
  toItem: (row: Row) => Item,
  sortKeyOf: (item: Item) => ReadonlyArray<string | number>,
): Page<Item> {
  const items = rows.slice(0, limit).map(toItem);
  const last = items[items.length - 1];
  const nextCursor = rows.length > limit && last !== undefined ? encodeCursor(sortKeyOf(last)) : null;
  return { items, nextCursor };
}

export interface KeysetListing<Row, Item, After> {
  /** The cursor back to the sort key it was made from; throws InvalidCursorError when it is not one. */
  decodeCursor(cursor: string): After;
  /** At most `rowCount` rows in listing order, after `after` when it is not null. */
  fetch(rowCount: number, after: After | null): Promise<Row[]>;
  toItem(row: Row): Item;
  /** What the cursor holds: the values `decodeCursor` gives back. */
  sortKeyOf(item: Item): ReadonlyArray<string | number>;
}

/** One page of a listing: validates the limit and the cursor before anything is read. */
export async function listPage<Row, Item, After>(
  request: { limit: number; cursor?: string | null | undefined },
  listing: KeysetListing<Row, Item, After>,
): Promise<Page<Item>> {
  const pageSize = normalizePageSize(request.limit);
  const after = request.cursor ? listing.decodeCursor(request.cursor) : null;
  const rows = await listing.fetch(pageSize + 1, after);
  return toPage(rows, pageSize, listing.toItem, listing.sortKeyOf);
}
