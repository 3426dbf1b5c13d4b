// Kysely table interfaces: the rows exactly as the database stores them.
// Column types are deliberately loose on read (see the mappers in
// row-values.ts and json-columns.ts) because SQLite and MySQL hand back
// different JS types.
import type { ColumnType } from 'kysely';

/** Epoch milliseconds in a BIGINT: mysql2 may return a string for huge values, a driver may return a bigint. */
export type TimestampColumn = ColumnType<number | string | bigint, number, number>;
export type NullableTimestampColumn = ColumnType<number | string | bigint | null, number | null, number | null>;

/** 0/1 in an INTEGER/TINYINT column on both dialects. */
export type BooleanColumn = ColumnType<number | string | bigint | boolean, number, number>;

/** JSON kept as TEXT; written with JSON.stringify, may come back already parsed. */
export type JsonColumn = ColumnType<unknown, string, string>;
export type NullableJsonColumn = ColumnType<unknown, string | null, string | null>;

/** The row's write count (0010): every write increments it; an insert leaves the default, 0. */
export type VersionColumn = ColumnType<number | string | bigint, number | undefined, number>;

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
  /** {quota?, queue?} (migration 0009); NULL = no quota, default queue. */
  upstream_limits: NullableJsonColumn;
  created_at: TimestampColumn;
  updated_at: TimestampColumn;
  version: VersionColumn;
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
  version: VersionColumn;
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
  /** The expert routing config (JSON) of 'expert' routes; null otherwise (0005). */
  expert: ColumnType<unknown, string | null | undefined, string | null>;
  version: VersionColumn;
}

export interface ExpertDecisionsTable {
  id: string;
  request_id: string;
  time: TimestampColumn;
  route: string;
  classifier: string;
  expert: string;
  source: string;
  latency_ms: IntegerColumn;
  tokens: IntegerColumn;
}

export interface PromptRulesTable {
  id: string;
  name: string;
  enabled: BooleanColumn;
  scope: string;
  scope_id: string;
  rule_order: ColumnType<number | string | bigint, number, number>;
  operation: string;
  text: string;
  pattern: string;
  flags: string;
  replacement: string;
  roles: JsonColumn;
  first_user_turn_only: BooleanColumn;
  created_at: TimestampColumn;
  updated_at: TimestampColumn;
  version: VersionColumn;
}

/** Integers that mysql2 may return as strings (BIGINT past 2^53, DECIMAL sums). */
export type IntegerColumn = ColumnType<number | string | bigint, number, number>;
export type NullableIntegerColumn = ColumnType<number | string | bigint | null, number | null, number | null>;
export type DoubleColumn = ColumnType<number | string, number, number>;

export interface RequestLogsTable {
  id: string;
  time: TimestampColumn;
  key_id: string;
  requested_model: string;
  route: string;
  expert: string;
  provider_id: string;
  upstream_model: string;
  surface: string;
  operation: string;
  stream: BooleanColumn;
  status: string;
  error_kind: string;
  error_message: string;
  attempts: IntegerColumn;
  cache_hit: BooleanColumn;
  input_tokens: IntegerColumn;
  output_tokens: IntegerColumn;
  cached_input_tokens: IntegerColumn;
  /** 0 on rows older than the column (migration 0011). */
  cache_write_tokens: IntegerColumn;
  cache_write_1h_tokens: IntegerColumn;
  reasoning_tokens: IntegerColumn;
  estimated: BooleanColumn;
  cost_usd: DoubleColumn;
  latency_ms: IntegerColumn;
  ttft_ms: NullableIntegerColumn;
  client_ip: string;
  user_agent: string;
  request_id: string;
  /** '' when the request was not traced (and on rows older than the column). */
  trace_id: string;
  request_body: string | null;
  response_body: string | null;
  /** JSON array of the request's attempts (request-log-rows.ts); null when none (and on rows older than migration 0012). */
  attempt_trail: string | null;
}

export interface KeySpendTable {
  key_id: string;
  period: string;
  tokens: IntegerColumn;
  cost_usd: DoubleColumn;
  updated_at: TimestampColumn;
}

export interface HealthChecksTable {
  id: string;
  name: string;
  enabled: BooleanColumn;
  provider_id: string;
  upstream_model: string;
  route: string;
  interval_ms: IntegerColumn;
  timeout_ms: IntegerColumn;
  prompt: string;
  max_output_tokens: IntegerColumn;
  created_at: TimestampColumn;
  updated_at: TimestampColumn;
  version: VersionColumn;
}

export interface HealthCheckRunsTable {
  id: string;
  check_id: string;
  time: TimestampColumn;
  ok: BooleanColumn;
  latency_ms: IntegerColumn;
  error_kind: string;
  error_message: string;
  upstream_status: IntegerColumn;
  provider_id: string;
  upstream_model: string;
  attempts: IntegerColumn;
}

export interface JobLeasesTable {
  name: string;
  holder: string;
  expires_at: TimestampColumn;
}

/** Rows a write updates first to take turns with other writers of the same kind (0010): 'routes'. */
export interface WriteLocksTable {
  name: string;
  writes: IntegerColumn;
}

export interface StoredResponsesTable {
  id: string;
  key_id: string;
  previous_response_id: string;
  model: string;
  created_at: TimestampColumn;
  response: JsonColumn;
  input_items: JsonColumn;
}

export interface DatabaseSchema {
  providers: ProvidersTable;
  virtual_keys: VirtualKeysTable;
  gateway_settings: GatewaySettingsTable;
  routes: RoutesTable;
  request_logs: RequestLogsTable;
  key_spend: KeySpendTable;
  prompt_rules: PromptRulesTable;
  expert_decisions: ExpertDecisionsTable;
  health_checks: HealthChecksTable;
  health_check_runs: HealthCheckRunsTable;
  job_leases: JobLeasesTable;
  stored_responses: StoredResponsesTable;
  write_locks: WriteLocksTable;
}

export type SqlDialectName = 'sqlite' | 'mysql';
