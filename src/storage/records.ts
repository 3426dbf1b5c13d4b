// Plain records as the repositories store them. The RPC layer converts them
// to and from the proto messages; nothing here knows about protobuf.

export type ProviderTypeName = 'openai' | 'azure-openai' | 'anthropic' | 'gemini' | 'openai-compatible';

export interface ModelPricesRecord {
  inputPerMillion: number;
  outputPerMillion: number;
  cachedInputPerMillion: number;
  cacheWritePerMillion: number;
}

export interface ProviderModelRecord {
  upstreamModel: string;
  alias: string;
  enabled: boolean;
  deployment: string;
  prices: ModelPricesRecord | null;
}

export interface ProviderRecord {
  id: string;
  name: string;
  type: ProviderTypeName;
  baseUrl: string;
  /** AES-256-GCM ciphertext produced by core/secrets (never the plain key). */
  apiKeyCiphertext: string;
  apiKeyLast4: string;
  extraHeaders: Record<string, string>;
  enabled: boolean;
  models: ProviderModelRecord[];
  azureApiVersion: string;
  /** Epoch milliseconds. */
  createdAt: number;
  updatedAt: number;
}

export interface RateLimitsRecord {
  requestsPerMinute: number;
  tokensPerMinute: number;
  concurrentRequests: number;
}

export interface BudgetRecord {
  amount: number;
  unit: 'tokens' | 'usd';
  period: 'day' | 'week' | 'month' | 'total';
}

export interface VirtualKeyRecord {
  id: string;
  name: string;
  /** SHA-256 hex of the secret. */
  secretHash: string;
  /** Shown to humans as `${secretPrefix}…${secretLast4}`. */
  secretPrefix: string;
  secretLast4: string;
  /** The secret replaced by the last rotation, valid until previousSecretExpiresAt. */
  previousSecretHash: string | null;
  previousSecretExpiresAt: number | null;
  enabled: boolean;
  expiresAt: number | null;
  revokedAt: number | null;
  allowedModels: string[];
  rateLimits: RateLimitsRecord;
  budget: BudgetRecord | null;
  cacheEnabled: boolean;
  logRequestBodies: boolean;
  metadata: Record<string, string>;
  createdAt: number;
  updatedAt: number;
}

export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface ProvidersRepository {
  /** Throws StorageConflictError when the id exists. */
  insert(provider: ProviderRecord): Promise<void>;
  get(id: string): Promise<ProviderRecord | null>;
  /** Ordered by id; `cursor` is the nextCursor of the previous page. */
  list(options: { limit: number; cursor?: string | null; type?: ProviderTypeName | null }): Promise<Page<ProviderRecord>>;
  listAll(): Promise<ProviderRecord[]>;
  /** Replaces every column of the row with this id; false when no such row. */
  replace(provider: ProviderRecord): Promise<boolean>;
  delete(id: string): Promise<boolean>;
}

export interface KeysRepository {
  /** Throws StorageConflictError when the id or secret hash exists. */
  insert(key: VirtualKeyRecord): Promise<void>;
  get(id: string): Promise<VirtualKeyRecord | null>;
  /** Matches the current secret hash or the previous one (the caller checks the grace expiry). */
  findBySecretHash(secretHash: string): Promise<VirtualKeyRecord | null>;
  /** Ordered by createdAt then id (newest last); filters combine with AND. */
  list(options: {
    limit: number;
    cursor?: string | null;
    nameContains?: string | null;
    enabled?: boolean | null;
  }): Promise<Page<VirtualKeyRecord>>;
  replace(key: VirtualKeyRecord): Promise<boolean>;
  delete(id: string): Promise<boolean>;
}

export type RouteStrategyName = 'priority' | 'weighted' | 'round-robin' | 'least-latency' | 'affinity' | 'expert';

export interface RouteTargetRecord {
  /** A provider model (providerId + upstreamModel) or another route (route); never both. */
  providerId: string;
  upstreamModel: string;
  route: string;
  weight: number;
}

export interface RouteSettingsRecord {
  maxRetries: number;
  backoffBaseMs: number;
  backoffCapMs: number;
  attemptTimeoutMs: number;
  totalDeadlineMs: number;
  failoverStatuses: number[];
  affinityScope: 'session' | 'user' | 'key';
  affinityTtlMs: number;
  maxRetryAfterMs: number;
}

export interface RouteRecord {
  /** The public model name; the primary key. */
  name: string;
  description: string;
  strategy: RouteStrategyName;
  targets: RouteTargetRecord[];
  settings: RouteSettingsRecord;
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
  /** Only on 'expert' routes (absent otherwise). */
  expert?: ExpertRoutingRecord;
}

export interface RoutesRepository {
  /** Throws StorageConflictError when the name exists. */
  insert(route: RouteRecord): Promise<void>;
  get(name: string): Promise<RouteRecord | null>;
  /** Ordered by name. */
  list(options: { limit: number; cursor?: string | null }): Promise<Page<RouteRecord>>;
  listAll(): Promise<RouteRecord[]>;
  replace(route: RouteRecord): Promise<boolean>;
  delete(name: string): Promise<boolean>;
}

export * from './expert-records.js';
import type { ExpertRoutingRecord } from './expert-records.js';

export type PromptRuleScopeName = 'route' | 'key';
export type PromptRuleOperationName =
  | 'set-system'
  | 'prepend-system'
  | 'append-system'
  | 'prepend-user'
  | 'append-user'
  | 'regex-replace';
/** Message roles a REGEX_REPLACE rule rewrites; 'system' also covers developer messages. */
export type PromptRuleRoleName = 'system' | 'developer' | 'user' | 'assistant' | 'tool';

/** A prompt rule: a rewrite of chat requests for one route or one virtual key. */
export interface PromptRuleRecord {
  id: string;
  name: string;
  enabled: boolean;
  scope: PromptRuleScopeName;
  /** The route name ('route') or the virtual key id ('key'). */
  scopeId: string;
  order: number;
  operation: PromptRuleOperationName;
  /** The template text (every operation but regex-replace; '' there). */
  text: string;
  /** regex-replace only ('' otherwise). */
  pattern: string;
  flags: string;
  replacement: string;
  roles: PromptRuleRoleName[];
  firstUserTurnOnly: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface PromptRulesRepository {
  /** Throws StorageConflictError when the id, or the name within the scope, exists. */
  insert(rule: PromptRuleRecord): Promise<void>;
  get(id: string): Promise<PromptRuleRecord | null>;
  /** Ordered by id; filters combine with AND. */
  list(options: {
    limit: number;
    cursor?: string | null;
    scope?: PromptRuleScopeName | null;
    scopeId?: string | null;
  }): Promise<Page<PromptRuleRecord>>;
  /** Every rule, enabled or not, ordered by id. */
  listAll(): Promise<PromptRuleRecord[]>;
  /** Throws StorageConflictError when the new name is taken within the scope. */
  replace(rule: PromptRuleRecord): Promise<boolean>;
  delete(id: string): Promise<boolean>;
}

export type RequestSurface = 'rpc' | 'openai' | 'anthropic';
export type RequestOperation = 'chat' | 'embeddings';
export type RequestStatus = 'ok' | 'error' | 'canceled';

/** One row of the request log: one request, whatever happened to it. */
export interface RequestLogRecord {
  /** The request id (x-request-id), unique. */
  id: string;
  /** Epoch ms when the request arrived. */
  time: number;
  keyId: string;
  /** The model the client asked for. */
  requestedModel: string;
  /** Route name ('' when a model was addressed directly). */
  route: string;
  /** Expert chosen by an expert route ('' otherwise). */
  expert: string;
  /** Who served it ('' when nothing did). */
  providerId: string;
  upstreamModel: string;
  surface: RequestSurface;
  operation: RequestOperation;
  stream: boolean;
  status: RequestStatus;
  /** GatewayError kind ('' when ok). */
  errorKind: string;
  /** Sanitised error message ('' when ok). */
  errorMessage: string;
  /** Number of upstream attempts. */
  attempts: number;
  cacheHit: boolean;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  reasoningTokens: number;
  /** Usage counted by the gateway's tokenizer, not reported upstream. */
  estimated: boolean;
  costUsd: number;
  latencyMs: number;
  /** Streams: time to the first output chunk; null for unary calls and failed requests. */
  ttftMs: number | null;
  clientIp: string;
  userAgent: string;
  /** The x-request-id the client saw (its own when it sent one); `id` is always the gateway's. */
  requestId: string;
  /** Only when the key logs bodies: redacted of credentials and capped in size. */
  requestBody: string | null;
  responseBody: string | null;
}

export interface RequestLogFilter {
  keyId?: string | null;
  /** Matches the requested model or the upstream model. */
  model?: string | null;
  providerId?: string | null;
  status?: RequestStatus | null;
  /** Inclusive epoch ms. */
  from?: number | null;
  /** Exclusive epoch ms. */
  to?: number | null;
}

export type UsageGrouping = 'key' | 'model' | 'provider' | 'day';

export interface UsageAggregateRow {
  /** The key id, upstream model, provider id or day (YYYY-MM-DD, UTC). */
  group: string;
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  p50LatencyMs: number;
  p95LatencyMs: number;
}

export interface RequestLogsRepository {
  /** Inserts all rows in one statement/transaction; ids already present are skipped (retries are idempotent). */
  insertBatch(rows: RequestLogRecord[]): Promise<void>;
  /** Newest first; `cursor` is the nextCursor of the previous page. */
  list(filter: RequestLogFilter, options: { limit: number; cursor?: string | null }): Promise<Page<RequestLogRecord>>;
  aggregate(grouping: UsageGrouping, filter: RequestLogFilter): Promise<UsageAggregateRow[]>;
  /** Deletes up to `limit` rows older than `cutoff` (epoch ms); returns how many. */
  deleteOlderThan(cutoff: number, limit: number): Promise<number>;
}

/** Spend of one key in one budget period (e.g. 'month:2026-11', 'total'). */
export interface KeySpendRecord {
  keyId: string;
  period: string;
  tokens: number;
  costUsd: number;
}

export interface KeySpendRepository {
  get(keyId: string, period: string): Promise<KeySpendRecord | null>;
  /** Atomically adds to the period's counters (creating the row), returns the new totals. */
  add(keyId: string, period: string, tokens: number, costUsd: number): Promise<KeySpendRecord>;
}

/** Small named values the gateway keeps for itself (e.g. the generated admin token's hash). */
export interface SettingsRepository {
  get(name: string): Promise<string | null>;
  /** Inserts only when absent; returns false when a value already existed. */
  insertIfAbsent(name: string, value: string): Promise<boolean>;
  set(name: string, value: string): Promise<void>;
}

export class StorageConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StorageConflictError';
  }
}
