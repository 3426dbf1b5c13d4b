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

/** A table of the source the import does not map (history, the Portkey era's, one it does not know): only counted. */
export interface OtherLegacyTable {
  name: string;
  rows: number;
}

export type LegacyTables = Record<LegacyTable, LegacyRow[]> & {
  /** By name; absent when the source holds none (a backup holds only the tables above). */
  otherTables?: OtherLegacyTable[];
};

const KNOWN: ReadonlySet<string> = new Set(LEGACY_TABLES);

/** Whether a table of the source is one to count and report: not read above, not bookkeeping (the schema version, SQLite's own). */
export function isOtherLegacyTable(name: string): boolean {
  return !KNOWN.has(name) && name !== 'schema_migrations' && !name.startsWith('sqlite_');
}
