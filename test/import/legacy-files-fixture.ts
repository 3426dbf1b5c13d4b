// The old gateway's data as files, from the same rows as its MySQL fixture:
// the SQLite file it kept before MySQL (sql.js, same table names, flags 0/1,
// JSON columns as text) and an encrypted backup `backup_<ISO>.tar.gz.enc`
// (16-byte IV + AES-256-CBC, key from JWT_SECRET, of a tar.gz of
// `data/<table>.json` row arrays of the tables it backed up).
import { createCipheriv, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { pack } from 'tar-stream';
import { storedValue, type LegacyFixtureRow } from './legacy-database-fixture.js';

const SQLITE_SCHEMA = `
  CREATE TABLE users (id TEXT PRIMARY KEY, username TEXT UNIQUE, password_hash TEXT, created_at INTEGER);
  CREATE TABLE providers (id TEXT PRIMARY KEY, name TEXT, description TEXT, base_url TEXT NOT NULL, protocol_mappings TEXT,
    api_key TEXT, model_mapping TEXT, enabled INTEGER DEFAULT 1, created_at INTEGER, updated_at INTEGER);
  CREATE TABLE models (id TEXT PRIMARY KEY, name TEXT, provider_id TEXT REFERENCES providers(id) ON DELETE CASCADE, model_identifier TEXT,
    protocol TEXT, is_virtual INTEGER DEFAULT 0, routing_config_id TEXT, expert_routing_id TEXT, enabled INTEGER DEFAULT 1,
    model_attributes TEXT, compression_config TEXT, created_at INTEGER, updated_at INTEGER);
  CREATE TABLE virtual_keys (id TEXT PRIMARY KEY, name TEXT, key_value TEXT UNIQUE, key_hash TEXT UNIQUE, model_id TEXT, model_ids TEXT,
    provider_id TEXT, routing_strategy TEXT, routing_config TEXT, enabled INTEGER DEFAULT 1, rate_limit INTEGER, cache_enabled INTEGER DEFAULT 0,
    disable_logging INTEGER DEFAULT 0, dynamic_compression_enabled INTEGER DEFAULT 0, image_compression_enabled INTEGER DEFAULT 0,
    intercept_zero_temperature INTEGER DEFAULT 0, zero_temperature_replacement REAL, created_at INTEGER, updated_at INTEGER);
  CREATE TABLE routing_configs (id TEXT PRIMARY KEY, name TEXT, description TEXT, type TEXT, config TEXT, enabled INTEGER DEFAULT 1, created_at INTEGER, updated_at INTEGER);
  CREATE TABLE expert_routing_configs (id TEXT PRIMARY KEY, name TEXT, description TEXT, config TEXT, enabled INTEGER DEFAULT 1, created_at INTEGER, updated_at INTEGER);
  CREATE TABLE cost_mappings (id TEXT PRIMARY KEY, pattern TEXT, target_model TEXT, priority INTEGER, enabled INTEGER DEFAULT 1, created_at INTEGER, updated_at INTEGER);
  CREATE TABLE system_config (key TEXT PRIMARY KEY, value TEXT, description TEXT, updated_at INTEGER);
  CREATE TABLE blocked_ips (ip TEXT PRIMARY KEY, reason TEXT, created_at INTEGER, created_by TEXT);
  CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY);
  CREATE TABLE api_requests (id TEXT PRIMARY KEY, virtual_key_id TEXT, model TEXT, prompt_tokens INTEGER, completion_tokens INTEGER, created_at INTEGER);
`;

/** The tables the old gateway's backup service wrote (cost_mappings, blocked_ips, health_targets are not backed up). */
export const BACKED_UP_TABLES = ['users', 'providers', 'models', 'virtual_keys', 'system_config', 'routing_configs', 'expert_routing_configs'];

export function writeLegacySqlite(file: string, rows: LegacyFixtureRow[]): void {
  const database = new Database(file);
  try {
    database.exec(SQLITE_SCHEMA);
    for (const { table, row } of rows) {
      const columns = Object.keys(row);
      database
        .prepare(`INSERT INTO "${table}" (${columns.map((column) => `"${column}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`)
        .run(...columns.map((column) => storedValue(row[column])));
    }
  } finally {
    database.close();
  }
}

/** The encrypted backup file's bytes. JSON columns stay JSON values, as the MySQL-era backup service wrote them. */
export async function buildLegacyBackup(rows: LegacyFixtureRow[], jwtSecret: string): Promise<Buffer> {
  const archive = pack();
  const chunks: Buffer[] = [];
  archive.on('data', (chunk) => chunks.push(chunk as Buffer));
  const finished = new Promise<void>((resolve, reject) => archive.on('end', () => resolve()).on('error', reject));
  for (const table of BACKED_UP_TABLES) {
    const tableRows = rows.filter((row) => row.table === table).map((row) => row.row);
    archive.entry({ name: `data/${table}.json` }, JSON.stringify(tableRows, null, 2));
  }
  archive.finalize();
  await finished;
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', Buffer.from(jwtSecret.slice(0, 32).padEnd(32, '0'), 'utf8'), iv);
  return Buffer.concat([iv, cipher.update(gzipSync(Buffer.concat(chunks))), cipher.final()]);
}
