// The old gateway's settings and side tables with no counterpart in an import:
// each present one is listed (by name, never by value — some hold secrets).
// Its history (requests, expert decisions, health runs) is not imported: each
// such table is listed with its row count, as is any table the import does not know.
import type { Unmapped } from '../import-draft.js';
import type { LegacyTable, LegacyTables } from './legacy-database.js';
import { flag, text } from './legacy-rows.js';

/** What is true here of the old gateway's settings that have a near counterpart; the rest has none. */
const SETTING_NOTES: Array<[RegExp, string]> = [
  [/^litellm_compat_enabled$/, '/v1/model/info (the LiteLLM-style model list) is not served here; GET /v1/models lists what a key may call'],
  [/^cors_enabled$/, 'browser origins are allowed by GATEWAY_CORS_ORIGINS here (a list of origins, not a switch)'],
  [/^(health_monitoring_enabled|persistent_monitoring_enabled|monitoring_virtual_key_id)$/, 'health checks are created with HealthChecksService here and need no monitoring key'],
  [/^allow_registration$/, 'there are no user accounts here: the admin API uses the admin token'],
  [/^anti_bot_/, 'bot and IP blocking belong in front of the gateway (proxy or firewall)'],
];

/** Why a table the import only counts is not imported. */
const OTHER_TABLE_NOTES: Array<[RegExp, string]> = [
  [/^api_requests$/, 'the old gateway\'s request history (each request\'s model, tokens, cost, bodies); history is not imported — the request log and usage here start with the first request through the gateway'],
  [/^expert_routing_logs$/, 'the old expert router\'s decision per request; history is not imported — expert decisions here are recorded from the first request through the gateway'],
  [/^health_(runs|summaries)$/, 'results of the old health checks; history is not imported'],
  [/^circuit_breaker_/, 'the old circuit breakers\' state; the gateway keeps its own, from its own traffic; not imported'],
  [/^(backup|restore)_records$/, 'the old gateway\'s record of its backups and restores; not imported'],
  [/^(portkey_gateways|model_routing_rules)$/, 'the Portkey era\'s choice of a Portkey instance to forward through, never of an upstream; nothing here corresponds; not imported'],
];

const rowCount = (rows: number): string => (rows === 1 ? '1 row' : `${rows} rows`);

export function legacyLeftovers(tables: LegacyTables, unmapped: Unmapped[]): void {
  for (const row of tables.system_config) {
    const key = text(row, 'key');
    const note = SETTING_NOTES.find(([pattern]) => pattern.test(key))?.[1] ?? 'this setting of the old gateway has no counterpart here';
    unmapped.push({ source: `system_config[${key}]`, reason: `${note}; not imported` });
  }
  for (const row of tables.cost_mappings.filter((mapping) => flag(mapping, 'enabled', true))) {
    unmapped.push({
      source: `cost_mappings[${text(row, 'id')}]`,
      reason: `prices "${text(row, 'pattern')}" like the LiteLLM preset "${text(row, 'target_model')}"; presets are not known here — model prices come from model_attributes or the built-in table`,
    });
  }
  const counted: Array<[LegacyTable, string]> = [
    ['health_targets', 'health checks are created with HealthChecksService; not imported'],
    ['blocked_ips', 'IP blocking belongs in front of the gateway (proxy or firewall); not imported'],
    ['users', 'the admin API uses the admin token, not user accounts; not imported'],
  ];
  for (const [table, reason] of counted) {
    if (tables[table].length > 0) unmapped.push({ source: `${table} (${rowCount(tables[table].length)})`, reason });
  }
  const others = [...(tables.otherTables ?? [])].sort((left, right) => (left.name < right.name ? -1 : left.name > right.name ? 1 : 0));
  for (const table of others.filter((other) => other.rows > 0)) {
    const note = OTHER_TABLE_NOTES.find(([pattern]) => pattern.test(table.name))?.[1] ?? 'is no table of the old gateway this import knows; not imported';
    unmapped.push({ source: `${table.name} (${rowCount(table.rows)})`, reason: note });
  }
}
