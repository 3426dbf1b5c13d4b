// The request log: one row per request, its filters and usage aggregates, and its repository.
import type { Page } from './page.js';

export type RequestSurface = 'rpc' | 'openai' | 'anthropic' | 'gemini' | 'responses';
/** `classify`: an expert route's classifier call (the LLM judge, embeddings), made for a client's request. */
export type RequestOperation = 'chat' | 'embeddings' | 'classify' | MediaLogOperation;
/** OpenAI's media endpoints, as the request log names them (domain/media.ts). */
export type MediaLogOperation = 'images' | 'image_edits' | 'transcriptions' | 'translations' | 'speech' | 'moderations';
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
  /** The attempts themselves, in order (capped: see core/request-log/attempt-trail.ts); [] when none. */
  attemptTrail: LoggedAttempt[];
  cacheHit: boolean;
  inputTokens: number;
  outputTokens: number;
  /** Of inputTokens: read from the provider's prompt cache. */
  cachedInputTokens: number;
  /** Of inputTokens: written to the provider's prompt cache (its cost is recomputable from the row). */
  cacheWriteTokens: number;
  /** Of cacheWriteTokens: written with a one-hour lifetime (Anthropic bills them at twice the input price). */
  cacheWrite1hTokens: number;
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
  /** The request's trace (32 hex digits) when tracing is on, else ''. */
  traceId: string;
  /** Only when the key logs bodies: redacted of credentials and capped in size. */
  requestBody: string | null;
  responseBody: string | null;
}

/** A row keeps at most this many attempts; `attempts` counts them all. */
export const MAX_LOGGED_ATTEMPTS = 16;

/** The attempts a row keeps of a long chain: the first ones show how it began, the last how it ended. */
export function keptAttempts<T>(attempts: readonly T[]): T[] {
  if (attempts.length <= MAX_LOGGED_ATTEMPTS) return [...attempts];
  return [...attempts.slice(0, MAX_LOGGED_ATTEMPTS - 1), attempts[attempts.length - 1]!];
}

/** One upstream attempt as the request log keeps it: the facts of x-gateway-attempts, never a body or secret. */
export interface LoggedAttempt {
  providerId: string;
  upstreamModel: string;
  /** 'ok' or the error kind ('unavailable', 'deadline_exceeded', …). */
  outcome: string;
  /** The upstream's HTTP status: 200 for an answer, 0 when none came (a timeout, a refused connection). */
  upstreamStatus: number;
  durationMs: number;
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

export type UsageGrouping = 'key' | 'model' | 'provider' | 'day' | 'hour';

export interface UsageAggregateRow {
  /** The key id, upstream model, provider id or day (YYYY-MM-DD, UTC). */
  group: string;
  /** Every request, cache hits included. */
  requests: number;
  errors: number;
  /** Tokens providers processed: cache hits' rows left out (as spend and the token metrics leave them out). */
  inputTokens: number;
  outputTokens: number;
  /** Of inputTokens: prompt-cache reads and writes at the provider. */
  cachedInputTokens: number;
  cacheWriteTokens: number;
  /** Requests answered from the gateway's response cache, and the tokens of the answers they served. */
  cacheHits: number;
  cacheHitInputTokens: number;
  cacheHitOutputTokens: number;
  costUsd: number;
  p50LatencyMs: number;
  p95LatencyMs: number;
}

/** What a key's requests in a time range were charged, as a budget charges them: cache hits spend nothing. */
export interface LoggedSpend {
  /** Input + output tokens. */
  tokens: number;
  costUsd: number;
}

export interface RequestLogsRepository {
  /** Inserts all rows in one statement/transaction; ids already present are skipped (retries are idempotent). */
  insertBatch(rows: RequestLogRecord[]): Promise<void>;
  /** Newest first; `cursor` is the nextCursor of the previous page. */
  list(filter: RequestLogFilter, options: { limit: number; cursor?: string | null }): Promise<Page<RequestLogRecord>>;
  aggregate(grouping: UsageGrouping, filter: RequestLogFilter): Promise<UsageAggregateRow[]>;
  /** The key's spend over its rows with `from` ≤ time (< `to` unless null), cache hits left out. */
  spendOf(keyId: string, from: number, to: number | null): Promise<LoggedSpend>;
  /** Deletes up to `limit` rows older than `cutoff` (epoch ms); returns how many. */
  deleteOlderThan(cutoff: number, limit: number): Promise<number>;
}
