// The messages between the primary and its workers (node:cluster IPC, JSON).
// Two concerns cross processes: admin writes (every worker drops its cached
// keys / providers / routes / prompt rules at once (and the health-check runner re-reads its checks), instead of after the 30 s
// TTL meant for separate replicas) and per-key rate limits (held by the
// primary, so a key's limit is one limit however many workers serve it).
import type { RateLimitName } from '../core/limits/limit-errors.js';
import type { RateLimitState } from '../core/limits/rate-limiter.js';
import type { VirtualKeyRecord } from '../domain/virtual-key.js';

/** What an admin write changed; each worker reloads only that table. */
export type AdminScope = 'keys' | 'providers' | 'routes' | 'prompt-rules' | 'health-checks';

/** The part of a key the rate limiter reads. */
export type LimitedKey = Pick<VirtualKeyRecord, 'id' | 'rateLimits'>;

export type WorkerMessage =
  | { type: 'gateway:admin-changed'; scope: AdminScope }
  | { type: 'gateway:limit-acquire'; call: number; key: LimitedKey; estimatedTokens: number }
  | { type: 'gateway:limit-peek'; call: number; key: LimitedKey }
  | { type: 'gateway:limit-finish'; ticket: number; tokens: number | undefined; settled: boolean };

export interface LimitRefusal {
  limit: RateLimitName;
  message: string;
  state: RateLimitState;
  retryAfterSeconds: number | undefined;
}

export type PrimaryMessage =
  | { type: 'gateway:admin-changed'; scope: AdminScope }
  | { type: 'gateway:limit-answer'; call: number; ticket: number; state: RateLimitState }
  | { type: 'gateway:limit-refused'; call: number; refusal: LimitRefusal };

const WORKER_TYPES = new Set(['gateway:admin-changed', 'gateway:limit-acquire', 'gateway:limit-peek', 'gateway:limit-finish']);
const PRIMARY_TYPES = new Set(['gateway:admin-changed', 'gateway:limit-answer', 'gateway:limit-refused']);

const typeOf = (message: unknown): unknown =>
  typeof message === 'object' && message !== null ? (message as { type?: unknown }).type : undefined;

export const isWorkerMessage = (message: unknown): message is WorkerMessage => WORKER_TYPES.has(typeOf(message) as string);
export const isPrimaryMessage = (message: unknown): message is PrimaryMessage => PRIMARY_TYPES.has(typeOf(message) as string);
