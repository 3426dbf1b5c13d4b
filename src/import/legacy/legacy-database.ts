// Reads the old gateway's MySQL database as plain rows. `SELECT *` with every
// column optional (legacy-rows.ts): old databases lack newer columns, and a
// missing table reads as empty. With legacy-sqlite.ts, the only files of src/import that open a database.
import mysql from 'mysql2/promise';
import { inPrimaryKeyOrder } from './legacy-row-order.js';
import { LEGACY_TABLES, type LegacyRow, type LegacyTables } from './legacy-tables.js';

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
    return tables;
  } finally {
    await connection.end();
  }
}
