// The old gateway's MySQL schema (as its data fact sheet describes it, at
// migration 25) and synthetic rows covering its JSON shapes and pitfalls:
// per-protocol base URLs, a provider whose key was encrypted under a rotated
// JWT_SECRET, a disabled provider that still routed, alias vs identifier
// names, fractional weights, dangling and invalid JSON ids, a key whose
// model_id overrides model_ids. Every secret here is an obvious fake.
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';

export const LEGACY_JWT_SECRET = 'FAKE-legacy-jwt-secret-for-tests-only-0123456789';
export const ROTATED_JWT_SECRET = 'FAKE-rotated-jwt-secret-never-the-current-one-xx';

/** The old scheme: AES-256-CBC, key = first 32 characters of JWT_SECRET, `hex(iv):hex(ciphertext)`. */
export function encryptLegacySecret(plaintext: string, jwtSecret: string): string {
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', Buffer.from(jwtSecret.slice(0, 32).padEnd(32, '0'), 'utf8'), iv);
  return `${iv.toString('hex')}:${Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]).toString('hex')}`;
}

const SCHEMA = [
  `CREATE TABLE users (id VARCHAR(255) PRIMARY KEY, username VARCHAR(32) UNIQUE, password_hash TEXT, created_at BIGINT DEFAULT (UNIX_TIMESTAMP()*1000))`,
  `CREATE TABLE providers (id VARCHAR(255) PRIMARY KEY, name VARCHAR(255), description TEXT, base_url TEXT NOT NULL, protocol_mappings JSON NULL,
     api_key TEXT, model_mapping JSON NULL, enabled TINYINT DEFAULT 1, created_at BIGINT, updated_at BIGINT)`,
  `CREATE TABLE models (id VARCHAR(255) PRIMARY KEY, name VARCHAR(255), provider_id VARCHAR(255) NULL, model_identifier VARCHAR(255), protocol VARCHAR(32) NULL,
     is_virtual TINYINT DEFAULT 0, routing_config_id VARCHAR(255) NULL, expert_routing_id VARCHAR(255) NULL, enabled TINYINT DEFAULT 1,
     model_attributes JSON NULL, compression_config JSON NULL, created_at BIGINT, updated_at BIGINT,
     FOREIGN KEY (provider_id) REFERENCES providers(id) ON DELETE CASCADE)`,
  `CREATE TABLE virtual_keys (id VARCHAR(255) PRIMARY KEY, name VARCHAR(255), key_value VARCHAR(255) UNIQUE, key_hash VARCHAR(64) UNIQUE,
     model_id VARCHAR(255) NULL, model_ids TEXT NULL, provider_id VARCHAR(255) NULL, routing_strategy VARCHAR(32) NULL, routing_config TEXT NULL,
     enabled TINYINT DEFAULT 1, rate_limit INT NULL, cache_enabled TINYINT DEFAULT 0, disable_logging TINYINT DEFAULT 0,
     dynamic_compression_enabled TINYINT DEFAULT 0, image_compression_enabled TINYINT DEFAULT 0,
     intercept_zero_temperature TINYINT DEFAULT 0, zero_temperature_replacement DECIMAL(3,2) NULL, created_at BIGINT, updated_at BIGINT)`,
  `CREATE TABLE routing_configs (id VARCHAR(255) PRIMARY KEY, name VARCHAR(255), description TEXT, type VARCHAR(32), config JSON, enabled TINYINT DEFAULT 1, created_at BIGINT, updated_at BIGINT)`,
  `CREATE TABLE expert_routing_configs (id VARCHAR(255) PRIMARY KEY, name VARCHAR(255), description TEXT, config JSON, enabled TINYINT DEFAULT 1, created_at BIGINT, updated_at BIGINT)`,
  `CREATE TABLE cost_mappings (id VARCHAR(36) PRIMARY KEY, pattern VARCHAR(255), target_model VARCHAR(255), priority INT, enabled TINYINT DEFAULT 1, created_at BIGINT, updated_at BIGINT)`,
  'CREATE TABLE system_config (`key` VARCHAR(255) PRIMARY KEY, value TEXT, description TEXT, updated_at BIGINT)',
  `CREATE TABLE blocked_ips (ip VARCHAR(45) PRIMARY KEY, reason TEXT, created_at BIGINT, created_by VARCHAR(255))`,
  `CREATE TABLE schema_migrations (version INT PRIMARY KEY)`,
  // Request history: counted and reported, never imported.
  `CREATE TABLE api_requests (id VARCHAR(255) PRIMARY KEY, virtual_key_id VARCHAR(255), model VARCHAR(255), prompt_tokens INT, completion_tokens INT, created_at BIGINT)`,
];

export interface LegacyUpstreams {
  /** An OpenAI-compatible host and the key it accepts. */
  compatible: { baseUrl: string; apiKey: string };
  anthropic: { baseUrl: string; apiKey: string };
}

/** The secrets applications hold in the old gateway. */
export const OLD_KEYS = {
  chat: 'vk_FAKEfixtureKey0000001',
  claude: 'vk_FAKEfixtureKey0000002',
  provider: 'custom-FAKE-key-0003',
  broken: 'vk_FAKEfixtureKey0000004',
};
export const AIFW_FAKE_KEY = 'FAKE-aifw-http-key-must-never-print';

/** One row of the old gateway's data, in insertion order (parents before children). */
export interface LegacyFixtureRow {
  table: string;
  /** Column values; objects are JSON columns (stored as JSON text). */
  row: Record<string, unknown>;
}

/** The fixture's rows, shared by the MySQL database, the SQLite file and the encrypted backup. */
export async function legacyFixtureRows(upstreams: LegacyUpstreams): Promise<LegacyFixtureRow[]> {
  const rows: LegacyFixtureRow[] = [];
  const now = 1_760_000_000_000;
  const insert = async (table: string, row: Record<string, unknown>) => {
    rows.push({ table, row });
  };
  await insert('schema_migrations', { version: 25 });
  await insert('providers', {
    id: 'acme', name: 'Acme AI', base_url: `${upstreams.compatible.baseUrl}/`,
    protocol_mappings: { openai: upstreams.compatible.baseUrl, anthropic: upstreams.anthropic.baseUrl },
    api_key: encryptLegacySecret(upstreams.compatible.apiKey, LEGACY_JWT_SECRET),
    model_mapping: { 'gpt-4': 'gpt-4o' }, enabled: 0, created_at: now, updated_at: now,
  });
  // Its key was sealed before JWT_SECRET was rotated: undecryptable now.
  await insert('providers', {
    id: 'stale', name: 'Stale', base_url: upstreams.compatible.baseUrl, protocol_mappings: null,
    api_key: encryptLegacySecret('sk-FAKE-stale-provider-key', ROTATED_JWT_SECRET), enabled: 1, created_at: now, updated_at: now,
  });
  const model = (id: string, row: Record<string, unknown>) => insert('models', { id, enabled: 1, created_at: now, updated_at: now, ...row });
  await model('m_fast', {
    name: 'fast-chat', provider_id: 'acme', model_identifier: 'plain-text', protocol: null, enabled: 0,
    model_attributes: { input_cost_per_token: 0.0000025, output_cost_per_token: 0.00001, headers: { 'X-Org': 'acme' }, litellm_provider: 'openai', timeout: 60000 },
  });
  await model('m_claude', { name: 'claude-chat', provider_id: 'acme', model_identifier: 'plain-text', protocol: 'anthropic', model_attributes: null });
  await model('m_stale', { name: 'stale-chat', provider_id: 'stale', model_identifier: 'plain-text' });
  // Two models sharing a name, their ids differing in case (nanoid ids are mixed case): MySQL returns "aq1"
  // first (its collation ignores case), a byte order "Zq1"; whichever comes first keeps the name "dup".
  await model('Zq1', { name: 'dup', provider_id: 'acme', model_identifier: 'model-z' });
  await model('aq1', { name: 'dup', provider_id: 'acme', model_identifier: 'model-a' });
  await model('vm_smart', { name: 'smart', provider_id: null, model_identifier: 'virtual-rc_smart', is_virtual: 1, routing_config_id: 'rc_smart' });
  await model('vm_balanced', { name: 'balanced', provider_id: null, model_identifier: 'virtual-rc_lb', is_virtual: 1, routing_config_id: 'rc_lb' });
  await model('vm_expert', { name: 'expert-chat', provider_id: null, model_identifier: 'expert-ex_1', is_virtual: 1, expert_routing_id: 'ex_1' });
  await insert('routing_configs', {
    id: 'rc_smart', name: 'smart config', type: 'fallback', created_at: now, updated_at: now,
    config: { strategy: { mode: 'fallback', on_status_codes: [429, 500] }, targets: [
      { provider: 'stale', override_params: { model: 'plain-text' } },
      { provider: 'acme', override_params: { model: 'fast-chat' } },
    ] },
  });
  await insert('routing_configs', {
    id: 'rc_lb', name: 'lb config', type: 'loadbalance', created_at: now, updated_at: now,
    config: { strategy: { mode: 'loadbalance' }, targets: [
      { provider: 'acme', weight: 0.7, override_params: { model: 'plain-text' } },
      { provider: 'acme', weight: 0.3, override_params: { model: 'claude-chat' } },
      { provider: 'acme', weight: 0, override_params: { model: 'never-chosen' } },
    ] },
  });
  await insert('expert_routing_configs', {
    id: 'ex_1', name: 'expert config', enabled: 1, created_at: now, updated_at: now,
    config: {
      classifier: { type: 'real', provider_id: 'acme', model: 'plain-text', prompt_template: '{{USER_PROMPT}}', timeout: 10000, max_tokens: 200 },
      preprocessing: { strip_tools: true, strip_files: false, strip_code_blocks: true, strip_system_prompt: false },
      routing: { mode: 'llm', semantic: { enabled: false } },
      experts: [
        { id: 'expert_1738000000000_ab12cd3', category: 'debug code', type: 'real', provider_id: 'acme', model: 'plain-text', system_prompt: 'stack traces, errors' },
        { id: 'expert_1738000000001_ef45gh6', category: 'explain', type: 'virtual', model_id: 'vm_smart', description: 'explanations' },
      ],
      fallback: { type: 'virtual', model_id: 'm_claude' },
    },
  });
  const key = (id: string, secret: string, row: Record<string, unknown>) =>
    insert('virtual_keys', { id, key_value: secret, key_hash: createHash('sha256').update(secret).digest('hex'), created_at: now, updated_at: now, ...row });
  await key('k_chat', OLD_KEYS.chat, { name: 'chat app', model_ids: JSON.stringify(['m_fast', 'vm_smart', 'vm_expert', 'm_gone']), rate_limit: 60, cache_enabled: 1, disable_logging: 1 });
  await key('k_claude', OLD_KEYS.claude, { name: 'claude app', model_id: 'm_claude', model_ids: JSON.stringify(['m_fast']), dynamic_compression_enabled: 1 });
  await key('k_provider', OLD_KEYS.provider, { name: 'provider-bound', model_ids: null, provider_id: 'acme' });
  await key('k_broken', OLD_KEYS.broken, { name: 'broken bindings', model_ids: 'not json at all' });
  await insert('cost_mappings', { id: '6f1c2a44-0000-4000-8000-000000000001', pattern: 'gpt-4o*', target_model: 'gpt-4o', priority: 10, enabled: 1 });
  await insert('system_config', { key: 'aifw_http_api_key', value: AIFW_FAKE_KEY, updated_at: now });
  await insert('system_config', { key: 'cors_enabled', value: 'true', updated_at: now });
  await insert('blocked_ips', { ip: '203.0.113.9', reason: 'abuse', created_at: now, created_by: 'admin' });
  await insert('users', { id: 'u_1', username: 'admin', password_hash: `${'0'.repeat(32)}:${'f'.repeat(64)}` });
  for (const id of ['req_1', 'req_2']) await insert('api_requests', { id, virtual_key_id: 'k_chat', model: 'fast-chat', prompt_tokens: 12, completion_tokens: 3, created_at: now });
  return rows;
}

/** A column value as a database stores it: JSON columns as text. */
export const storedValue = (value: unknown): unknown => (value !== null && typeof value === 'object' ? JSON.stringify(value) : value);

export async function seedLegacyDatabase(url: string, upstreams: LegacyUpstreams): Promise<void> {
  await seedLegacyRows(url, await legacyFixtureRows(upstreams));
}

/** Changes to the old schema, for databases that drifted from it. */
export interface LegacySchemaChanges {
  /** Tables this database lacks. */
  without?: string[];
  /** CREATE TABLE statements of further tables (history, the Portkey era's). */
  extraTables?: string[];
}

/** The old schema and these rows in a fresh database, utf8mb4 as the old gateway created it (so ids compare without case). */
export async function seedLegacyRows(url: string, rows: LegacyFixtureRow[], changes: LegacySchemaChanges = {}): Promise<void> {
  const connection = await mysql.createConnection({ uri: url, multipleStatements: false });
  try {
    await connection.query('ALTER DATABASE CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci');
    const omitted = (statement: string) => (changes.without ?? []).some((table) => statement.startsWith(`CREATE TABLE ${table} `));
    for (const statement of [...SCHEMA.filter((statement) => !omitted(statement)), ...(changes.extraTables ?? [])]) await connection.query(statement);
    for (const { table, row } of rows) {
      const columns = Object.keys(row);
      await connection.query(
        `INSERT INTO \`${table}\` (${columns.map((column) => `\`${column}\``).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
        columns.map((column) => storedValue(row[column])),
      );
    }
  } finally {
    await connection.end();
  }
}
