// Reads the old gateway's MySQL database as plain rows. `SELECT *` with every
// column optional (legacy-rows.ts): old databases lack newer columns, and a
// missing table reads as empty. With legacy-sqlite.ts, the only files of src/import that open a database.
import mysql from 'mysql2/promise';
import { inPrimaryKeyOrder } from './legacy-row-order.js';
import { isOtherLegacyTable, LEGACY_TABLES, type LegacyRow, type LegacyTables, type OtherLegacyTable } from './legacy-tables.js';

export { LEGACY_TABLES, type LegacyRow, type LegacyTable, type LegacyTables } from './legacy-tables.js';

const NO_SUCH_TABLE = 1146;

export async function readLegacyMysql(url: string): Promise<LegacyTables> {
  // DECIMAL as strings (read with Number() where needed), BIGINT epoch milliseconds as numbers.
  const connection = await mysql.createConnection({ uri: url, timezone: 'Z', supportBigNumbers: true, bigNumberStrings: false });
  try {
    const tables = {} as LegacyTables;
    for (const table of LEGACY_TABLES) {
      try {
        const [rows] = await connection.query(`SELECT * FROM \`${table}\``);
        // Sorted here too, with the other sources' comparator: the server's order depends on its collation.
        tables[table] = inPrimaryKeyOrder(table, rows as LegacyRow[]);
      } catch (error) {
        if ((error as { errno?: number }).errno !== NO_SUCH_TABLE) throw error;
        tables[table] = [];
      }
    }
    tables.otherTables = await otherTables(connection);
    return tables;
  } finally {
    await connection.end();
  }
}

/** The other tables and their row counts (request history can be large: it is counted, never read). */
async function otherTables(connection: mysql.Connection): Promise<OtherLegacyTable[]> {
  const [listed] = await connection.query(
    `SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME`,
  );
  const others: OtherLegacyTable[] = [];
  for (const { name } of listed as Array<{ name: string }>) {
    if (!isOtherLegacyTable(name)) continue;
    const [counted] = await connection.query(`SELECT COUNT(*) AS \`rows\` FROM \`${name.replaceAll('`', '``')}\``);
    others.push({ name, rows: Number((counted as Array<{ rows: number | string }>)[0]?.rows ?? 0) });
  }
  return others;
}
