import { randomFillSync } from 'node:crypto';

// Ids are drawn from a pool of random bytes refilled 4 KiB at a time: one
// system call per ~340 ids instead of one per request.
const ID_BYTES = 12;
const pool = Buffer.alloc(4096);
let offset = pool.length;

/** A response id: unique, URL-safe, recognisable. */
export function newCompletionId(): string {
  if (offset + ID_BYTES > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  offset += ID_BYTES;
  return `gen-${pool.toString('base64url', offset - ID_BYTES, offset)}`;
}
