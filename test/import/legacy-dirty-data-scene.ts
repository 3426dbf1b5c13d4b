// An old-gateway database as years of use leave it, each row a value the
// gateway cannot take as it is: provider keys shorter than 12 characters (of
// which the admin API shows nothing), a model price of 1e300 per token, a
// 7-character key string, virtual models whose routing or expert config is
// gone (here the whole expert_routing_configs table), a key name of 200
// characters whose 200th is half an emoji, a rate limit the old gateway never
// enforced, and request history and Portkey-era tables next to the
// configuration. Every secret here is an obvious fake.
import { createHash } from 'node:crypto';
import type { FixtureUpstream } from '../fixtures/fixture-upstream.js';
import { startOpenAIFixture } from '../fixtures/openai-upstream.js';
import { startGatewayForCli, type RunningGateway } from '../helpers/cli-process.js';
import { createFreshMysqlDatabase, type FreshMysqlDatabase } from '../setup/mariadb.js';
import { encryptLegacySecret, LEGACY_JWT_SECRET, seedLegacyRows, type LegacyFixtureRow } from './legacy-database-fixture.js';

/** Short provider keys, as Azure test resources and local servers have them. */
export const SHORT_PROVIDER_KEYS = { azure: 'az-DDDD4444', ollama: 'EMPTY' };
export const DEEPSEEK_KEY = 'sk-FAKE-dirty-deepseek-0001';
export const PORTKEY_FAKE_KEY = 'pk-FAKE-portkey-gateway-secret';

export const DIRTY_KEYS = {
  /** 7 characters: the gateway keeps imported key strings of 8–200. */
  tooShort: 'dev1234',
  dangling: 'vk_FAKEdirtyKey000000001',
  expertGone: 'vk_FAKEdirtyKey000000002',
  longName: 'vk_FAKEdirtyKey000000003',
  zeroTemp: 'vk_FAKEdirtyKey000000004',
};

/** 199 × "L", an emoji (two UTF-16 code units) and more: cut at 200 code units, the emoji does not fit. */
export const LONG_KEY_NAME = `${'L'.repeat(199)}😀tail`;

/** Besides api_requests, which the base schema has. */
const HISTORY_TABLES = [
  `CREATE TABLE expert_routing_logs (id VARCHAR(255) PRIMARY KEY, expert_routing_id VARCHAR(255), category VARCHAR(255), created_at BIGINT)`,
  `CREATE TABLE portkey_gateways (id VARCHAR(255) PRIMARY KEY, name VARCHAR(255), url TEXT, api_key TEXT, is_default TINYINT, enabled TINYINT)`,
  `CREATE TABLE model_routing_rules (id VARCHAR(255) PRIMARY KEY, rule_type VARCHAR(32), pattern VARCHAR(255), gateway_id VARCHAR(255))`,
];

export interface DirtyUpstreams {
  /** Accepts only the short Azure test key. */
  azure: FixtureUpstream;
  /** Accepts any key: the local server and deepseek. */
  open: FixtureUpstream;
}

export function dirtyRows(upstreams: DirtyUpstreams): LegacyFixtureRow[] {
  const rows: LegacyFixtureRow[] = [];
  const now = 1_760_000_000_000;
  const provider = (id: string, baseUrl: string, apiKey: string) =>
    rows.push({ table: 'providers', row: { id, name: id, base_url: baseUrl, api_key: encryptLegacySecret(apiKey, LEGACY_JWT_SECRET), enabled: 1, created_at: now, updated_at: now } });
  provider('azure-east', upstreams.azure.baseUrl, SHORT_PROVIDER_KEYS.azure);
  provider('ollama', upstreams.open.baseUrl, SHORT_PROVIDER_KEYS.ollama);
  provider('deepseek', upstreams.open.baseUrl, DEEPSEEK_KEY);

  const model = (id: string, name: string, providerId: string | null, identifier: string, extra: Record<string, unknown> = {}) =>
    rows.push({ table: 'models', row: { id, name, provider_id: providerId, model_identifier: identifier, is_virtual: 0, enabled: 1, created_at: now, updated_at: now, ...extra } });
  model('m_az', 'az-chat', 'azure-east', 'plain-text');
  model('m_ol', 'local-chat', 'ollama', 'plain-text');
  model('m_ds', 'deepseek-chat', 'deepseek', 'plain-text', { model_attributes: { input_cost_per_token: 0.00000027, output_cost_per_token: 1e300 } });
  model('v_ds', 'ds-route', null, 'virtual-rc_ds', { is_virtual: 1, routing_config_id: 'rc_ds' });
  model('v_dangle0000000000000', 'dangling-route', null, 'virtual-rc_gone', { is_virtual: 1, routing_config_id: 'rc_gone' });
  model('v_expert', 'expert-gone', null, 'expert-ex_gone', { is_virtual: 1, expert_routing_id: 'ex_gone' });
  rows.push({
    table: 'routing_configs',
    row: { id: 'rc_ds', name: 'ds config', type: 'loadbalance', config: { strategy: { mode: 'loadbalance' }, targets: [{ provider: 'deepseek', weight: 1, override_params: { model: 'plain-text' } }] }, enabled: 1, created_at: now, updated_at: now },
  });

  const key = (id: string, secret: string, name: string, extra: Record<string, unknown>) =>
    rows.push({ table: 'virtual_keys', row: { id, name, key_value: secret, key_hash: createHash('sha256').update(secret).digest('hex'), enabled: 1, created_at: now, updated_at: now, ...extra } });
  key('k_dev', DIRTY_KEYS.tooShort, 'dev app', { model_ids: '["m_az"]' });
  key('k_dangle', DIRTY_KEYS.dangling, 'dangling app', { model_ids: '["v_dangle0000000000000"]' });
  key('k_expert', DIRTY_KEYS.expertGone, 'expert app', { model_ids: '["v_expert","m_ol"]' });
  key('k_long', DIRTY_KEYS.longName, LONG_KEY_NAME, { model_ids: '["m_az"]' });
  key('k_zero', DIRTY_KEYS.zeroTemp, 'zero temp', { model_ids: '["m_ds","v_ds"]', rate_limit: 30 });

  for (const id of ['r1', 'r2', 'r3']) rows.push({ table: 'api_requests', row: { id, virtual_key_id: 'k_zero', model: 'deepseek-chat', prompt_tokens: 10, completion_tokens: 5, created_at: now } });
  for (const id of ['e1', 'e2']) rows.push({ table: 'expert_routing_logs', row: { id, expert_routing_id: 'ex_gone', category: 'debug', created_at: now } });
  rows.push({ table: 'portkey_gateways', row: { id: 'pg1', name: 'local portkey', url: 'http://localhost:8787', api_key: PORTKEY_FAKE_KEY, is_default: 1, enabled: 1 } });
  rows.push({ table: 'model_routing_rules', row: { id: 'mr1', rule_type: 'pattern', pattern: 'gpt-*', gateway_id: 'pg1' } });
  return rows;
}

export interface DirtyScene {
  upstreams: DirtyUpstreams;
  database: FreshMysqlDatabase;
  gateway: RunningGateway;
  close(): Promise<void>;
}

export async function startDirtyScene(serverUrl: string): Promise<DirtyScene> {
  const started: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const stop of started.splice(0).reverse()) await stop();
  };
  try {
    const azure = await startOpenAIFixture({ family: 'openai-compatible', apiKey: SHORT_PROVIDER_KEYS.azure });
    started.push(() => azure.close());
    const open = await startOpenAIFixture({ family: 'openai-compatible', apiKey: '' });
    started.push(() => open.close());
    const upstreams = { azure, open };
    const database = await createFreshMysqlDatabase(serverUrl);
    started.push(() => database.drop());
    // The expert routing configs' table is gone altogether, and the history is there.
    await seedLegacyRows(database.url, dirtyRows(upstreams), { without: ['expert_routing_configs'], extraTables: HISTORY_TABLES });
    const gateway = await startGatewayForCli();
    started.push(() => gateway.stop());
    return { upstreams, database, gateway, close };
  } catch (error) {
    // What did start must not outlive a failed start.
    await close();
    throw error;
  }
}
