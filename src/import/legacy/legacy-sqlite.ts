// Reads the old gateway's SQLite file (its storage before MySQL: sql.js
// writing `DB_PATH`, default ./data/gateway.db, same table names) as the same
// plain rows the MySQL reader returns. Opened read-only: an import never
// changes its source. SQLite already hands back what the mappers expect
// (legacy-rows.ts): flags as 0/1, epoch milliseconds as numbers, JSON as text.
import Database from 'better-sqlite3';
import { LEGACY_TABLES, type LegacyRow, type LegacyTables } from './legacy-database.js';
import { isOtherLegacyTable } from './legacy-tables.js';
import { inPrimaryKeyOrder } from './legacy-row-order.js';
import { LegacySourceError } from './legacy-source-error.js';

export function readLegacySqlite(file: string): LegacyTables {
  let database: Database.Database;
  try {
    database = new Database(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new LegacySourceError(`cannot open ${file} as a SQLite database: ${messageOf(error)}`);
  }
  try {
    let present: Set<string>;
    try {
      const names = database.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as Array<{ name: string }>;
      present = new Set(names.map((row) => row.name));
    } catch (error) {
      // better-sqlite3 opens any file lazily; the first query tells whether it is a database.
      throw new LegacySourceError(`${file} is not the old gateway's SQLite database: ${messageOf(error)}`);
    }
    const tables = {} as LegacyTables;
    for (const table of LEGACY_TABLES) {
      // Older files lack newer tables: a missing one reads as empty, as on MySQL.
      tables[table] = present.has(table) ? inPrimaryKeyOrder(table, database.prepare(`SELECT * FROM "${table}"`).all() as LegacyRow[]) : [];
    }
    // The rest is counted, never read (request history can be large).
    tables.otherTables = [...present].filter(isOtherLegacyTable).sort().map((name) => ({
      name,
      rows: (database.prepare(`SELECT COUNT(*) AS "rows" FROM "${name.replaceAll('"', '""')}"`).get() as { rows: number }).rows,
    }));
    return tables;
  } finally {
    database.close();
  }
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
