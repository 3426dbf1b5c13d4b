// Whatever the SDK throws → the taxonomy's condition
// (domain/upstream-condition.ts) → GatewayError. The SDK's ApiError has
// `status` and a message that is the JSON error body
// ({error:{code,message,status,details}}) — or "got status: X. {json}" for an
// error event inside a stream, which stands for its code. It exposes no
// headers, so the retry delay comes from the body's RetryInfo.retryDelay,
// which is where Google puts it. Gemini answers a bad API key with 400
// INVALID_ARGUMENT + reason API_KEY_INVALID: that is the gateway's credential
// problem, not the client's request.
import { GatewayError } from '../../domain/gateway-error.js';
import type { StatusReason } from '../../domain/upstream-condition.js';
import { observeThrown, type CallPhase } from '../shared/observe-thrown.js';
import { unexpectedFailure, upstreamError, type ObservedFailure } from '../shared/upstream-error.js';

export interface ErrorContext {
  providerId: string;
  /** host[:port] the call went to, named when it could not be reached or timed out. */
  endpoint?: string;
  /** Values that must never appear in a message (see connectionSecrets). */
  secrets: string[];
  signal?: AbortSignal;
  /** `stream` once a stream answered 200: an ApiError is then an error event, a broken connection a cut stream. */
  phase?: CallPhase;
}

interface GoogleError {
  code?: number;
  message?: string;
  status?: string;
  details?: Array<Record<string, unknown>>;
}

const CREDENTIAL_REASONS = new Set(['API_KEY_INVALID', 'API_KEY_EXPIRED', 'API_KEY_SERVICE_BLOCKED', 'API_KEY_HTTP_REFERRER_BLOCKED']);

export function mapError(error: unknown, context: ErrorContext): GatewayError {
  if (error instanceof GatewayError) return error;
  const observed = observe(error, context);
  return observed === undefined ? unexpectedFailure(error, context) : upstreamError(observed, context);
}

function observe(error: unknown, context: ErrorContext): ObservedFailure | undefined {
  if (context.signal?.aborted === true) return { condition: { type: 'canceled' }, cause: error };
  const phase = context.phase ?? 'request';
  const status = httpStatusOf(error);
  if (status === undefined) return observeThrown(error, phase);
  const body = parseGoogleError((error as Error).message);
  const reason = reasonOf(status, body);
  const retryAfter = status === 429 ? retryDelayOf(body) : undefined;
  return {
    condition: phase === 'stream' ? { type: 'error_event', status, ...reason } : { type: 'http_status', status, ...reason },
    ...(typeof body?.status === 'string' && body.status !== '' ? { label: body.status } : {}),
    ...(typeof body?.message === 'string' && body.message !== '' ? { upstreamMessage: body.message } : {}),
    ...(retryAfter === undefined ? {} : { retryAfterSeconds: retryAfter }),
    cause: error,
  };
}

/** What Google's body adds to the status: a refused key (any status), or an account precondition on a 400 (e.g. "User location is not supported"). */
function reasonOf(status: number, body: GoogleError | undefined): { reason?: StatusReason } {
  const reason = errorInfoReason(body);
  if (reason !== undefined && CREDENTIAL_REASONS.has(reason)) return { reason: 'credentials_rejected' };
  if (status === 400 && body?.status === 'FAILED_PRECONDITION') return { reason: 'account_precondition' };
  return {};
}

function httpStatusOf(error: unknown): number | undefined {
  if (!(error instanceof Error) || error.name !== 'ApiError') return undefined;
  const status = (error as Error & { status?: unknown }).status;
  return typeof status === 'number' ? status : undefined;
}

export function parseGoogleError(message: string): GoogleError | undefined {
  const start = message.indexOf('{');
  if (start < 0) return undefined;
  try {
    const parsed = JSON.parse(message.slice(start)) as { error?: GoogleError };
    return parsed.error && typeof parsed.error === 'object' ? parsed.error : undefined;
  } catch {
    return undefined;
  }
}

function detailsOf(body: GoogleError | undefined): Array<Record<string, unknown>> {
  return Array.isArray(body?.details) ? body.details.filter((detail) => typeof detail === 'object' && detail !== null) : [];
}

function errorInfoReason(body: GoogleError | undefined): string | undefined {
  const info = detailsOf(body).find((detail) => String(detail['@type'] ?? '').endsWith('google.rpc.ErrorInfo'));
  return typeof info?.reason === 'string' ? info.reason : undefined;
}

/** RetryInfo.retryDelay is a protobuf Duration in JSON: "7s", "1.5s". */
function retryDelayOf(body: GoogleError | undefined): number | undefined {
  const info = detailsOf(body).find((detail) => String(detail['@type'] ?? '').endsWith('google.rpc.RetryInfo'));
  const delay = typeof info?.retryDelay === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(info.retryDelay) : null;
  return delay?.[1] === undefined ? undefined : Math.max(1, Math.ceil(Number(delay[1])));
}
