// Anything the SDK (or the network under it) throws → the taxonomy's
// condition (domain/upstream-condition.ts) → GatewayError. Reads the SDK's
// errors by shape (status, headers, error body, name) so that this file needs
// no SDK import. An `event: error` inside a stream has no status: its error
// type stands for the status Anthropic gives that type (overloaded_error =
// 529), so it gets the same answer as that status would.
import { GatewayError } from '../../domain/gateway-error.js';
import { observeThrown, type CallPhase } from '../shared/observe-thrown.js';
import { fromHeadersLike, retryAfterSeconds } from '../shared/retry-after.js';
import { unexpectedFailure, upstreamError, type ObservedFailure } from '../shared/upstream-error.js';

interface ErrorShape {
  name?: unknown;
  message?: unknown;
  status?: unknown;
  headers?: unknown;
  error?: unknown;
}

/** Anthropic's error types and their HTTP statuses (docs/provider-wire-formats.md, "Anthropic Messages, Errors"). */
const STATUS_BY_ERROR_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

export interface ErrorContext {
  providerId: string;
  /** host[:port] the call went to, named when it could not be reached or timed out. */
  endpoint?: string;
  /** Values that must never appear in a message (see connectionSecrets). */
  secrets: string[];
  signal?: AbortSignal;
  /** Where the call was: a broken connection or bad JSON after a stream's 200 is the stream's fault. */
  phase?: CallPhase;
  /** For HTTP-date retry-after values; injectable for tests. */
  now?: () => number;
}

export function mapError(error: unknown, context: ErrorContext): GatewayError {
  if (error instanceof GatewayError) return error;
  const observed = observe(error, context);
  return observed === undefined ? unexpectedFailure(error, context) : upstreamError(observed, context);
}

function observe(error: unknown, context: ErrorContext): ObservedFailure | undefined {
  if (context.signal?.aborted === true) return { condition: { type: 'canceled' }, cause: error };
  const shape = (typeof error === 'object' && error !== null ? error : {}) as ErrorShape;
  const body = upstreamBody(shape);
  if (typeof shape.status === 'number') {
    const status = shape.status;
    const retryAfter = status === 429 ? retryAfterSeconds(fromHeadersLike(shape.headers), (context.now ?? Date.now)()) : undefined;
    return {
      condition: { type: 'http_status', status },
      ...(body.message === undefined ? {} : { upstreamMessage: body.message }),
      ...(retryAfter === undefined ? {} : { retryAfterSeconds: retryAfter }),
      cause: error,
    };
  }
  if (body.type !== undefined) {
    // A post-200 `event: error`; an unknown type is a server-side failure.
    return {
      condition: { type: 'error_event', status: STATUS_BY_ERROR_TYPE[body.type] ?? 500 },
      label: body.type,
      ...(body.message === undefined ? {} : { upstreamMessage: body.message }),
      cause: error,
    };
  }
  const phase = context.phase ?? 'request';
  const observed = observeThrown(error, phase);
  if (observed !== undefined) return observed;
  // The SDK's APIConnectionError wraps whatever fetch threw; its cause was not recognisable, but no answer came.
  if (shape.name === 'APIConnectionError') return { condition: { type: phase === 'stream' ? 'truncated_stream' : 'connection' }, cause: error };
  return undefined;
}

function upstreamBody(shape: ErrorShape): { type?: string; message?: string } {
  const envelope = shape.error as { error?: { type?: unknown; message?: unknown } } | undefined;
  const inner = envelope?.error;
  return {
    ...(typeof inner?.type === 'string' ? { type: inner.type } : {}),
    ...(typeof inner?.message === 'string' ? { message: inner.message } : {}),
  };
}
