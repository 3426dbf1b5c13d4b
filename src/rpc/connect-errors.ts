// Maps the core's errors to Connect codes: the Connect column of the error
// taxonomy (docs/errors.md). Unknown errors become Internal with a generic
// message: their text may hold details we must not leak.
import { Code, ConnectError } from '@connectrpc/connect';
import { isBudgetRefusal, isRateLimitRefusal } from '../core/limits/limit-errors.js';
import { attemptsBehind } from '../core/routing/failed-attempts.js';
import { GatewayError, type GatewayErrorKind } from '../domain/gateway-error.js';
import { attemptsHeader } from '../server/attempts-header.js';
import { InvalidCursorError } from '../domain/invalid-cursor-error.js';
import { StorageConflictError } from '../domain/storage-conflict-error.js';

const CODE_BY_KIND: Record<GatewayErrorKind, Code> = {
  invalid_argument: Code.InvalidArgument,
  unauthenticated: Code.Unauthenticated,
  permission_denied: Code.PermissionDenied,
  not_found: Code.NotFound,
  already_exists: Code.AlreadyExists,
  failed_precondition: Code.FailedPrecondition,
  aborted: Code.Aborted,
  resource_exhausted: Code.ResourceExhausted,
  payload_too_large: Code.ResourceExhausted,
  canceled: Code.Canceled,
  deadline_exceeded: Code.DeadlineExceeded,
  unavailable: Code.Unavailable,
  unimplemented: Code.Unimplemented,
  internal: Code.Internal,
};

/**
 * What Node reports for a write to a response whose client already left (its HTTP/2 stream was
 * reset, or the response destroyed) — connect-node hands it to the handler mid-stream. Write-side
 * codes only: a network error of an upstream call reaches here as a GatewayError.
 */
const CLIENT_GONE_CODES = new Set(['ECANCELED', 'ERR_STREAM_DESTROYED', 'ERR_HTTP2_INVALID_STREAM', 'ERR_HTTP2_STREAM_CANCEL', 'ERR_STREAM_WRITE_AFTER_END']);

const clientGone = (error: unknown): boolean =>
  error instanceof Error && CLIENT_GONE_CODES.has(String((error as { code?: unknown }).code));

export interface ErrorReporter {
  error(details: object, message: string): void;
}

export function toConnectError(error: unknown, reporter: ErrorReporter): ConnectError {
  if (error instanceof ConnectError) return error;
  if (error instanceof GatewayError) {
    const metadata = new Headers();
    if (error.retryAfterSeconds !== undefined) metadata.set('retry-after', String(Math.ceil(error.retryAfterSeconds)));
    // The taxonomy's retryable flag for an upstream failure and the key's budget or rate-limit refusal (docs/errors.md), as the REST shims send it.
    if (error.provider !== undefined || error.upstreamStatus !== undefined || isBudgetRefusal(error) || isRateLimitRefusal(error)) metadata.set('x-should-retry', String(error.retryable));
    // What was tried before it failed, as the REST shims' error answers list it.
    const attempts = attemptsBehind(error);
    if (attempts.length > 0) metadata.set('x-gateway-attempts', attemptsHeader(attempts));
    // Its message is safe to send, but the cause behind an unexpected failure belongs in the log.
    if (error.kind === 'internal' && error.cause !== undefined) reporter.error({ err: error }, 'unexpected error behind an RPC');
    return new ConnectError(error.message, CODE_BY_KIND[error.kind], metadata);
  }
  if (error instanceof StorageConflictError) return new ConnectError(error.message, Code.AlreadyExists);
  if (error instanceof InvalidCursorError) {
    return new ConnectError('page_token: invalid; start again without one', Code.InvalidArgument);
  }
  // Not the gateway's fault and nobody to tell: no error line per stream when a client drops many at once.
  if (clientGone(error)) return new ConnectError('the client left', Code.Canceled);
  reporter.error({ err: error }, 'unexpected error in an RPC handler');
  return new ConnectError('internal error', Code.Internal);
}
