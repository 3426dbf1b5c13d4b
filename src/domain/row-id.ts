// Ids of rows written once per request (request log, expert decisions): UUID version 7
// (RFC 9562 §5.7), whose first 48 bits are the Unix time in ms and whose next bits count
// up within a millisecond in this process. In creation order they sort in creation order,
// so each insert lands at the end of the table's primary-key B-tree (SQLite's index on
// `id`, InnoDB's clustered index) instead of at a random leaf: with random (version 4)
// ids each insert touches a random page, and past what the page cache holds that is a
// read per row (measured on SQLite with the request log's seven indexes, docs/performance.md:
// 17 µs per row at a million rows against 8 µs with these). The `uuid` package (the
// reference implementation) keeps the per-millisecond counter monotonic.
import { v7 } from 'uuid';

export function newRowId(): string {
  return v7();
}
