// The old gateway's settings and side tables with no counterpart in an import:
// each present one is listed (by name, never by value — some hold secrets).
import type { Unmapped } from '../import-draft.js';
import type { LegacyTables } from './legacy-database.js';
import { flag, text } from './legacy-rows.js';

export function legacyLeftovers(tables: LegacyTables, unmapped: Unmapped[]): void {
  for (const row of tables.system_config) {
    unmapped.push({ source: `system_config[${text(row, 'key')}]`, reason: 'gateway-wide settings are environment variables here (see the README configuration table); not imported' });
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
