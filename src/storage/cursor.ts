// Opaque keyset cursors: base64url of a small JSON array holding the last
// row's sort key (paged-list.ts). Clients must treat them as opaque.
import { InvalidCursorError } from '../domain/invalid-cursor-error.js';

export { InvalidCursorError };

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
