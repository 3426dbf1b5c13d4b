// Whose side a finished request's failure is on, for the console line's level
// and the metrics' `outcome` label: the client's own mistakes and the
// gateway's refusals by its limits (info; not an operator's alarm) against
// upstream and gateway faults (warn; error-rate alerts). An upstream's own 429
// is resource_exhausted too, but it is not the client's doing: only the
// gateway's rate-limit and budget refusals count as the client's.
import type { RequestLogRecord } from '../../domain/request-log.js';
import { isBudgetRefusal, isRateLimitRefusal } from '../limits/limit-errors.js';

export type RequestOutcome = 'ok' | 'client_error' | 'server_error' | 'canceled';

const CLIENT_SIDE_KINDS = new Set(['invalid_argument', 'not_found', 'permission_denied', 'unauthenticated', 'payload_too_large']);

/** `error`: what the call failed with (RequestFacts.error), to tell the gateway's limit refusals from an upstream's 429. */
export function outcomeOf(record: Pick<RequestLogRecord, 'status' | 'errorKind'>, error: unknown): RequestOutcome {
  if (record.status === 'ok') return 'ok';
  if (record.status === 'canceled') return 'canceled';
  if (CLIENT_SIDE_KINDS.has(record.errorKind)) return 'client_error';
  if (record.errorKind === 'resource_exhausted' && refusalKindOf(error) !== undefined) return 'client_error';
  return 'server_error';
}

export type RefusalKind = 'requests' | 'tokens' | 'concurrency' | 'budget';

/** The gateway's own limit that refused the request (a rate limit by name, or the budget); undefined otherwise. */
export function refusalKindOf(error: unknown): RefusalKind | undefined {
  if (isRateLimitRefusal(error)) return error.limit;
  if (isBudgetRefusal(error)) return 'budget';
  return undefined;
}
