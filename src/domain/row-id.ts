// Ids of rows written once per request (request log, expert decisions): UUID version 7
// (RFC 9562 §5.7) — 48 bits of Unix time in ms, then a counter within the millisecond (§6.2,
// method 1: 32 bits across rand_a and the top of rand_b, started at a random value below 2³¹ in
// each new millisecond), then random bits. Made one after another they sort in the order they
// were made, so each insert lands at the end of the table's primary-key B-tree (SQLite's index
// on `id`, InnoDB's clustered index) instead of at a random leaf: with random (version 4) ids
// each insert touches a random page, and past what the page cache holds that is a read per row
// (docs/performance.md, "Row ids and the request log's inserts").
//
// Written here rather than taken from the `uuid` package: its v7 draws 16 fresh bytes from
// crypto.getRandomValues for every id, about 7 µs per request in a profile of the bench; these
// come from a pool refilled every 256 ids, as Node's own randomUUID does.
import { randomFillSync } from 'node:crypto';

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
const POOL_IDS = 256;
/** Random bytes used per id: 4 for a new millisecond's counter start, 6 for the tail. */
const RANDOM_PER_ID = 10;

export type RowIdSource = () => string;

/** A source of ids that increase from one call to the next, even when `now` steps back. */
export function createRowIds(now: () => number = Date.now): RowIdSource {
  const pool = Buffer.alloc(POOL_IDS * RANDOM_PER_ID);
  let offset = pool.length;
  let lastMs = -1;
  let counter = 0;
  return () => {
    if (offset === pool.length) {
      randomFillSync(pool);
      offset = 0;
    }
    const random = offset;
    offset += RANDOM_PER_ID;
    const time = now();
    if (time > lastMs) {
      lastMs = time;
      counter = pool.readUInt32BE(random) & 0x7fffffff;
    } else if (counter === 0xffffffff) {
      // 2³¹ or more ids in one millisecond: borrow the next one.
      lastMs += 1;
      counter = pool.readUInt32BE(random) & 0x7fffffff;
    } else {
      counter += 1;
    }
    const ms = lastMs;
    const high = Math.floor(ms / 0x1000000); // the top 24 of the 48 bits
    const low = ms % 0x1000000;
    return (
      HEX[(high >>> 16) & 0xff]! + HEX[(high >>> 8) & 0xff]! + HEX[high & 0xff]! + HEX[(low >>> 16) & 0xff]! +
      '-' + HEX[(low >>> 8) & 0xff]! + HEX[low & 0xff]! +
      '-' + HEX[0x70 | (counter >>> 28)]! + HEX[(counter >>> 20) & 0xff]! +
      '-' + HEX[0x80 | ((counter >>> 14) & 0x3f)]! + HEX[(counter >>> 6) & 0xff]! +
      '-' + HEX[((counter << 2) & 0xfc) | (pool[random + 4]! & 0x03)]! + HEX[pool[random + 5]!]! + HEX[pool[random + 6]!]! +
      HEX[pool[random + 7]!]! + HEX[pool[random + 8]!]! + HEX[pool[random + 9]!]!
    );
  };
}

/** The process's source: one counter for every row id it writes. */
export const newRowId: RowIdSource = createRowIds();
