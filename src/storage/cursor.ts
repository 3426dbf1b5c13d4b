// Opaque keyset cursors: base64url of a small JSON array holding the last
// row's sort key. Clients must treat them as opaque.
import { InvalidCursorError } from '../domain/invalid-cursor-error.js';

export { InvalidCursorError };

export const MAX_PAGE_SIZE = 1000;

export function encodeCursor(sortKey: ReadonlyArray<string | number>): string {
  return Buffer.from(JSON.stringify(sortKey), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): unknown[] {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(decoded)) return decoded;
  } catch {
    // Fall through to the single error below.
  }
  throw new InvalidCursorError();
}

export function decodeIdCursor(cursor: string): { id: string } {
  const [id, ...rest] = decodeCursor(cursor);
  if (typeof id !== 'string' || rest.length > 0) throw new InvalidCursorError();
  return { id };
}

export function decodeCreatedAtIdCursor(cursor: string): { createdAt: number; id: string } {
  const [createdAt, id, ...rest] = decodeCursor(cursor);
  if (!Number.isSafeInteger(createdAt) || typeof id !== 'string' || rest.length > 0) throw new InvalidCursorError();
  return { createdAt: createdAt as number, id };
}

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
): { items: Item[]; nextCursor: string | null } {
  const items = rows.slice(0, limit).map(toItem);
  const last = items[items.length - 1];
  const nextCursor = rows.length > limit && last !== undefined ? encodeCursor(sortKeyOf(last)) : null;
  return { items, nextCursor };
}
