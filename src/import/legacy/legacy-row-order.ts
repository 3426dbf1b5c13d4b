// Rows in one primary-key order, whatever the source: the MySQL reader, the
// SQLite file and the backup all pass their rows through here. Order matters:
// the mappers give a name several models share (an alias, a routing target's
// `model`) to the first row that has it, so every source must present rows in
// the same order to give the same plan. The order is the one the old MySQL
// database's default collation gives ASCII ids (MariaDB's utf8mb4_general_ci,
// which InnoDB follows for `SELECT *`): letters compared without case, folded
// to upper case, so "aq1" < "Zq1" and "_" sorts after every letter. That keeps
// the plans of imports from MySQL made before the readers sorted; a byte order
// would give "Zq1" first. Ids equal but for case (only a SQLite file can hold
// both) fall back to byte order, so the order is total.
import type { LegacyRow, LegacyTable } from './legacy-tables.js';
import { text } from './legacy-rows.js';

const PRIMARY_KEY: Partial<Record<LegacyTable, string>> = { system_config: 'key', blocked_ips: 'ip' };

const upperFolded = (value: string): string => value.replace(/[a-z]+/g, (letters) => letters.toUpperCase());
const byteOrder = (left: string, right: string): number => (left < right ? -1 : left > right ? 1 : 0);

export function compareLegacyIds(left: string, right: string): number {
  return byteOrder(upperFolded(left), upperFolded(right)) || byteOrder(left, right);
}

export function inPrimaryKeyOrder(table: LegacyTable, rows: LegacyRow[]): LegacyRow[] {
  const column = PRIMARY_KEY[table] ?? 'id';
  return [...rows].sort((left, right) => compareLegacyIds(text(left, column), text(right, column)));
}
