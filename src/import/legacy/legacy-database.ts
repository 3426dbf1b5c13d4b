// Reads the old gateway's MySQL database as plain rows. `SELECT *` with every
// column optional (legacy-rows.ts): old databases lack newer columns, and a
// missing table reads as empty. With legacy-sqlite.ts, the only files of src/import that open a database.
import mysql from 'mysql2/promise';

export const LEGACY_TABLES = [
  'providers',
  'models',
  'virtual_keys',
  'routing_configs',
  'expert_routing_configs',
  'cost_mappings',
  'system_config',
  'health_targets',
  'blocked_ips',
  'users',
] as const;

export type LegacyTable = (typeof LEGACY_TABLES)[number];
export type LegacyRow = Record<string, unknown>;
export type LegacyTables = Record<LegacyTable, LegacyRow[]>;

const NO_SUCH_TABLE = 1146;

export async function readLegacyMysql(url: string): Promise<LegacyTables> {
  // DECIMAL as strings (read with Number() where needed), BIGINT epoch milliseconds as numbers.
  const connection = await mysql.createConnection({ uri: url, timezone: 'Z', supportBigNumbers: true, bigNumberStrings: false });
  try {
    const tables = {} as LegacyTables;
    for (const table of LEGACY_TABLES) {
      try {
        const [rows] = await connection.query(`SELECT * FROM \`${table}\``);
        tables[table] = rows as LegacyRow[];
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
