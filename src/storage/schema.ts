// Kysely table interfaces: the rows exactly as the database stores them.
// Column types are deliberately loose on read (see the mappers in
// row-values.ts) because SQLite and MySQL hand back different JS types.
import type { ColumnType } from 'kysely';

/** Epoch milliseconds in a BIGINT: mysql2 may return a string for huge values, a driver may return a bigint. */
export type TimestampColumn = ColumnType<number | string | bigint, number, number>;
export type NullableTimestampColumn = ColumnType<number | string | bigint | null, number | null, number | null>;

/** 0/1 in an INTEGER/TINYINT column on both dialects. */
export type BooleanColumn = ColumnType<number | string | bigint | boolean, number, number>;

/** JSON kept as TEXT; written with JSON.stringify, may come back already parsed. */
export type JsonColumn = ColumnType<unknown, string, string>;
export type NullableJsonColumn = ColumnType<unknown, string | null, string | null>;

export interface ProvidersTable {
  id: string;
  name: string;
  type: string;
  base_url: string;
  api_key_ciphertext: string;
  api_key_last4: string;
  extra_headers: JsonColumn;
  enabled: BooleanColumn;
  models: JsonColumn;
  azure_api_version: string;
  created_at: TimestampColumn;
  updated_at: TimestampColumn;
}

export interface VirtualKeysTable {
  id: string;
  name: string;
  secret_hash: string;
  secret_prefix: string;
  secret_last4: string;
  previous_secret_hash: string | null;
  previous_secret_expires_at: NullableTimestampColumn;
  enabled: BooleanColumn;
  expires_at: NullableTimestampColumn;
  revoked_at: NullableTimestampColumn;
  allowed_models: JsonColumn;
  rate_limits: JsonColumn;
  budget: NullableJsonColumn;
  cache_enabled: BooleanColumn;
  log_request_bodies: BooleanColumn;
  metadata: JsonColumn;
  created_at: TimestampColumn;
  updated_at: TimestampColumn;
}

export interface GatewaySettingsTable {
  name: string;
  value: string;
}

export interface RoutesTable {
  name: string;
  description: string;
  strategy: string;
  targets: JsonColumn;
  settings: JsonColumn;
  enabled: BooleanColumn;
  created_at: TimestampColumn;
  updated_at: TimestampColumn;
}

export interface DatabaseSchema {
  providers: ProvidersTable;
  virtual_keys: VirtualKeysTable;
  gateway_settings: GatewaySettingsTable;
  routes: RoutesTable;
}

export type SqlDialectName = 'sqlite' | 'mysql';
