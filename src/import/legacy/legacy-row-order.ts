// Rows in primary-key order, as MySQL (InnoDB) returns `SELECT *`. Order
// matters: the mappers resolve a name several models share (a routing
// target's `model`) to the first row that has it, so the SQLite file and the
// backup must present rows in the order the MySQL reader sees them.
import type { LegacyRow, LegacyTable } from './legacy-database.js';
import { text } from './legacy-rows.js';

const PRIMARY_KEY: Partial<Record<LegacyTable, string>> = { system_config: 'key', blocked_ips: 'ip' };

export function inPrimaryKeyOrder(table: LegacyTable, rows: LegacyRow[]): LegacyRow[] {
  const column = PRIMARY_KEY[table] ?? 'id';
  return [...rows].sort((left, right) => {
    const [a, b] = [text(left, column), text(right, column)];
    return a < b ? -1 : a > b ? 1 : 0;
  });
}
