// An upstream failure → the taxonomy's condition (domain/upstream-condition.ts)
// → the one GatewayError. The SDK's error classes are translated into
// UpstreamFailure by openai-client.ts (the only file that knows the SDK); this
// mapping is pure. What OpenAI's bodies add to a status: 429
// `insufficient_quota` is a billing state (no retry); a `data: {"error": …}`
// event after the 200 stands for the status its code names.
import type { GatewayError } from '../../domain/gateway-error.js';
import type { StatusReason } from '../../domain/upstream-condition.js';
import { observeThrown, type CallPhase } from '../shared/observe-thrown.js';
import { fromRecord, retryAfterSeconds } from '../shared/retry-after.js';
import { unexpectedFailure, upstreamError, type ObservedFailure } from '../shared/upstream-error.js';

export type UpstreamFailure =
  | { cause: 'aborted' }
  | { cause: 'timeout' }
  /** No answer; `error` is what the SDK wrapped (a timeout hides in its cause chain). */
  | { cause: 'connection'; error: unknown }
  /** An HTTP error answer; `body` is the parsed `error` object when there was one. */
  | { cause: 'http'; status: number; headers: Record<string, string>; body: UpstreamErrorBody | undefined }
  /** `data: {"error": …}` after the 200 (docs/provider-wire-formats.md, "OpenAI Chat Completions, Streaming"). */
  | { cause: 'stream_error'; body: UpstreamErrorBody | undefined }
  /** Anything else the call threw (the network, a parser, our own mappers' UpstreamFault). */
  | { cause: 'thrown'; error: unknown; phase: CallPhase };

export interface UpstreamErrorBody {
  message?: unknown;
  type?: unknown;
  code?: unknown;
  param?: unknown;
}

export interface ErrorContext {
  providerId: string;
  /** host[:port] the call went to, named when it could not be reached or timed out. */
  endpoint?: string;
  /** Values that must never appear in a message (see connectionSecrets). */
  secrets: string[];
}

export function mapError(failure: UpstreamFailure, context: ErrorContext): GatewayError {
  const observed = observe(failure);
  return observed === undefined ? unexpectedFailure(failure.cause === 'thrown' ? failure.error : failure, context) : upstreamError(observed, context);
}

function observe(failure: UpstreamFailure): ObservedFailure | undefined {
  switch (failure.cause) {
    case 'aborted':
      return { condition: { type: 'canceled' } };
    case 'timeout':
      return { condition: { type: 'timeout' } };
    case 'connection':
      return observeThrown(failure.error, 'request') ?? { condition: { type: 'connection' }, cause: failure.error };
    case 'http': {
      const retryAfter = failure.status === 429 ? retryAfterSeconds(fromRecord(failure.headers)) : undefined;
      return {
        condition: { type: 'http_status', status: failure.status, ...reasonOf(failure.body) },
        ...upstreamText(failure.body),
        ...(retryAfter === undefined ? {} : { retryAfterSeconds: retryAfter }),
      };
    }
    case 'stream_error':
      return {
        condition: { type: 'error_event', status: eventStatus(failure.body), ...reasonOf(failure.body) },
        label: errorCode(failure.body) || 'error',
        ...upstreamText(failure.body),
      };
    case 'thrown':
      return observeThrown(failure.error, failure.phase);
  }
}

/** insufficient_quota is a billing state, not a passing limit: retrying cannot help. */
function reasonOf(body: UpstreamErrorBody | undefined): { reason?: StatusReason } {
  return errorCode(body) === 'insufficient_quota' ? { reason: 'quota_exhausted' } : {};
}

/** The status an in-stream error stands for: a numeric code (OpenRouter sends one), a rate limit, a bad request, else a server failure. */
function eventStatus(body: UpstreamErrorBody | undefined): number {
  if (typeof body?.code === 'number' && body.code >= 400 && body.code <= 599) return body.code;
  const code = errorCode(body);
  if (code === 'rate_limit_exceeded' || code === 'insufficient_quota' || code === 'rate_limit_error') return 429;
  if (code === 'invalid_request_error') return 400;
  return 500;
}

function errorCode(body: UpstreamErrorBody | undefined): string {
  return typeof body?.code === 'string' ? body.code : typeof body?.type === 'string' ? body.type : '';
}

function upstreamText(body: UpstreamErrorBody | undefined): { upstreamMessage?: string } {
  return typeof body?.message === 'string' && body.message !== '' ? { upstreamMessage: body.message } : {};
}
