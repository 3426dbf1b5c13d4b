// The old gateway's settings and side tables with no counterpart in an import:
// each present one is listed (by name, never by value — some hold secrets).
import type { Unmapped } from '../import-draft.js';
import type { LegacyTables } from './legacy-database.js';
import { flag, text } from './legacy-rows.js';

/** What is true here of the old gateway's settings that have a near counterpart; the rest has none. */
const SETTING_NOTES: Array<[RegExp, string]> = [
  [/^litellm_compat_enabled$/, '/v1/model/info (the LiteLLM-style model list) is not served here; GET /v1/models lists what a key may call'],
  [/^cors_enabled$/, 'browser origins are allowed by GATEWAY_CORS_ORIGINS here (a list of origins, not a switch)'],
  [/^(health_monitoring_enabled|persistent_monitoring_enabled|monitoring_virtual_key_id)$/, 'health checks are created with HealthChecksService here and need no monitoring key'],
  [/^allow_registration$/, 'there are no user accounts here: the admin API uses the admin token'],
  [/^anti_bot_/, 'bot and IP blocking belong in front of the gateway (proxy or firewall)'],
];

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
  const counted: Array<[keyof LegacyTables, string]> = [
    ['health_targets', 'health checks are created with HealthChecksService; not imported'],
    ['blocked_ips', 'IP blocking belongs in front of the gateway (proxy or firewall); not imported'],
    ['users', 'the admin API uses the admin token, not user accounts; not imported'],
  ];
  for (const [table, reason] of counted) {
    if (tables[table].length > 0) unmapped.push({ source: `${table} (${tables[table].length} rows)`, reason });
  }
}
