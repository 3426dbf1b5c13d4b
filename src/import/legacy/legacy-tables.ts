// The old gateway's tables an import reads, and their rows as every reader returns them.
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
