// The messages between the primary and its workers (node:cluster IPC, JSON).
// Three concerns cross processes: admin writes (every worker drops its cached
// keys / providers / routes / prompt rules at once, and the health-check runner
// re-reads its checks, instead of after the 30 s TTL meant for separate
// replicas), per-key rate limits (held by the primary, so a key's limit is one
// limit however many workers serve it) and metrics (the worker that takes a
// scrape gathers every worker's through the primary: metrics-relay.ts,
// metrics-gather.ts).
import type { RateLimitName } from '../core/limits/limit-errors.js';
import type { RateLimitState } from '../core/limits/rate-limiter.js';
import type { VirtualKeyRecord } from '../domain/virtual-key.js';

/** What an admin write changed; each worker reloads only that table. */
export type AdminScope = 'keys' | 'providers' | 'routes' | 'prompt-rules' | 'health-checks';
export const ADMIN_SCOPES: readonly AdminScope[] = ['keys', 'providers', 'routes', 'prompt-rules', 'health-checks'];

/** The part of a key the rate limiter reads. */
export type LimitedKey = Pick<VirtualKeyRecord, 'id' | 'rateLimits'>;

export type WorkerMessage =
  | { type: 'gateway:admin-changed'; scope: AdminScope; ids?: readonly string[] }
  | { type: 'gateway:limit-acquire'; call: number; key: LimitedKey; estimatedTokens: number }
  | { type: 'gateway:limit-peek'; call: number; key: LimitedKey }
  | { type: 'gateway:limit-finish'; ticket: number; tokens: number | undefined; settled: boolean }
  | { type: 'gateway:metrics-gather'; call: number }
  | { type: 'gateway:metrics-part'; gather: number; metrics: SerializedMetric[] };

export interface LimitRefusal {
  limit: RateLimitName;
  message: string;
  state: RateLimitState;
  retryAfterSeconds: number | undefined;
}

export type PrimaryMessage =
  | { type: 'gateway:admin-changed'; scope: AdminScope; ids?: readonly string[] }
  | { type: 'gateway:limit-answer'; call: number; ticket: number; state: RateLimitState }
  | { type: 'gateway:limit-refused'; call: number; refusal: LimitRefusal }
  | { type: 'gateway:metrics-collect'; gather: number }
  | { type: 'gateway:metrics-parts'; call: number; parts: SerializedMetric[][] }
  | { type: 'gateway:metrics-failed'; call: number; reason: string };

/** One metric as prom-client's getMetricsAsJSON() gives it (what AggregatorRegistry.aggregate() sums). */
export interface SerializedMetric {
  name: string;
  help: string;
  type: string;
  aggregator: string;
  values: Array<{ value: number; labels: Record<string, string | number>; metricName?: string }>;
}

const WORKER_TYPES = new Set([
  'gateway:admin-changed',
  'gateway:limit-acquire',
  'gateway:limit-peek',
  'gateway:limit-finish',
  'gateway:metrics-gather',
  'gateway:metrics-part',
]);
const PRIMARY_TYPES = new Set([
  'gateway:admin-changed',
  'gateway:limit-answer',
  'gateway:limit-refused',
  'gateway:metrics-collect',
  'gateway:metrics-parts',
  'gateway:metrics-failed',
]);

const typeOf = (message: unknown): unknown =>
  typeof message === 'object' && message !== null ? (message as { type?: unknown }).type : undefined;

export const isWorkerMessage = (message: unknown): message is WorkerMessage => WORKER_TYPES.has(typeOf(message) as string);
export const isPrimaryMessage = (message: unknown): message is PrimaryMessage => PRIMARY_TYPES.has(typeOf(message) as string);
