// What a failed attempt means for the dispatcher: give up at once ('stop'),
// stop everything without blaming the target ('canceled'), or try again /
// elsewhere ('retryable'). Only 'retryable' failures count for breakers —
// the client's own 4xx and cancellations never do. An upstream refusing the
// gateway's own credentials or account (401/402/403) is that target's fault,
// not the request's: it moves on to the next target and counts. An upstream's
// 404 is a client error only until a route lists it: the targets ask other
// providers for other models, so one that retired its model says nothing of
// the next.
import type { RouteSettingsRecord } from '../../domain/route.js';
import { GatewayError, type GatewayErrorKind } from '../../domain/gateway-error.js';
import { classifyCondition } from '../../domain/upstream-condition.js';

export type FailureClass = 'stop' | 'canceled' | 'retryable';

/** The client's own mistakes (the upstream's 400/404/413/422), and the gateway's own refusals: never retried, never counted. */
const STOP_KINDS: ReadonlySet<GatewayErrorKind> = new Set([
  'invalid_argument',
  'not_found',
  'payload_too_large',
  'permission_denied',
  'unauthenticated',
  'failed_precondition',
]);

/** Without an HTTP error status: broken connections, timeouts, streams cut after the 200. */
const TRANSPORT_KINDS: ReadonlySet<GatewayErrorKind> = new Set(['unavailable', 'deadline_exceeded']);

/**
 * Order of the rules: a caller's abort or a `canceled` kind → 'canceled'; anything that is not a
 * GatewayError → 'stop'; the upstream refusing the gateway's credentials or account → 'retryable'
 * (whatever `failoverStatuses` says: the target is unusable until its key is fixed, while another
 * target may answer; its error is not retryable, so the same target is not tried again); a
 * client-error kind → 'stop' (even if its status were listed as a failover status; but an upstream's 404 when
 * `failoverStatuses` lists it: its error is not retryable, so the route moves on without retrying); an HTTP error status (not 0, not 200) → 'retryable' when listed in `failoverStatuses`,
 * else 'stop'; no HTTP answer (status 0/absent) or a stream broken after its 200 → 'retryable' for
 * 'unavailable' / 'deadline_exceeded' (and a mid-stream rate limit the adapter marked retryable).
 */
export function classifyFailure(
  error: unknown,
  settings: Pick<RouteSettingsRecord, 'failoverStatuses'>,
  callerSignal?: AbortSignal,
): FailureClass {
  if (callerSignal?.aborted === true) return 'canceled';
  if (!(error instanceof GatewayError)) return 'stop';
  if (error.kind === 'canceled') return 'canceled';
  if (refusedGatewayAccount(error)) return 'retryable';
  if (STOP_KINDS.has(error.kind) && !listedUpstreamNotFound(error, settings)) return 'stop';
  const status = error.upstreamStatus ?? 0;
  if (status !== 0 && status !== 200) return settings.failoverStatuses.includes(status) ? 'retryable' : 'stop';
  if (TRANSPORT_KINDS.has(error.kind)) return 'retryable';
  if (error.kind === 'resource_exhausted' && error.retryable) return 'retryable';
  return 'stop';
}

/**
 * The upstream answered, refusing the gateway's credentials or account (HTTP 401, 402, 403, Gemini's 400
 * API_KEY_INVALID …), or with a redirect the gateway does not follow (3xx): that target's configuration
 * (docs/errors.md). A `failed_precondition` the gateway raised itself (no upstream status) is not this.
 */
function refusedGatewayAccount(error: GatewayError): boolean {
  return error.kind === 'failed_precondition' && (error.upstreamStatus ?? 0) !== 0;
}

/** An upstream's 404 (not the gateway's own `not_found`, which has no upstream status) that the route lists. */
function listedUpstreamNotFound(error: GatewayError, settings: Pick<RouteSettingsRecord, 'failoverStatuses'>): boolean {
  return error.kind === 'not_found' && error.upstreamStatus === 404 && settings.failoverStatuses.includes(404);
}

/**
 * The kind an upstream answering `status` gets when that kind ends the request whatever the route's
 * `failoverStatuses` list (the client's own 400, 413, 422 …); undefined when listing it can fail over.
 * Route validation refuses such a status rather than store a setting that is then ignored.
 */
export function kindThatNeverFailsOver(status: number): GatewayErrorKind | undefined {
  const { kind, retryable, upstreamStatus } = classifyCondition({ type: 'http_status', status });
  const answer = new GatewayError(kind, '', { retryable, upstreamStatus, provider: '' });
  return classifyFailure(answer, { failoverStatuses: [status] }) === 'stop' ? kind : undefined;
}
