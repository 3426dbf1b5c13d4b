// The one error taxonomy of upstream failures (docs/errors.md): every way a
// provider call can go wrong is named here once, with the GatewayError kind,
// retryability and recorded status it gets — whichever family met it and
// whichever surface will render it. Families only detect conditions (their
// map-error.ts); the core's own timeouts use the same table; the edges render
// kinds (http/*/map-error.ts, rpc/connect-errors.ts). Nothing else decides.
import type { GatewayErrorKind } from './gateway-error.js';

/** What an error body adds to its status, where a vendor says more than the status does. */
export type StatusReason =
  /** The upstream refused the gateway's own credentials (e.g. Gemini's 400 API_KEY_INVALID). */
  | 'credentials_rejected'
  /** A billing or quota state of the provider account (OpenAI's 429 insufficient_quota): retrying cannot help. */
  | 'quota_exhausted'
  /** A precondition of the account, not of the request (Gemini's 400 FAILED_PRECONDITION, e.g. region). */
  | 'account_precondition';

export type UpstreamCondition =
  /** An HTTP error answer. */
  | { type: 'http_status'; status: number; reason?: StatusReason }
  /** An error event inside a stream already answered 200; `status` is the HTTP status its type stands for (Anthropic overloaded_error = 529). */
  | { type: 'error_event'; status: number; reason?: StatusReason }
  /** A redirect (3xx), never followed: the provider's base URL is wrong (providers/shared/upstream-redirect.ts). */
  | { type: 'redirect'; status: number }
  /** No answer: refused, reset, DNS, TLS. */
  | { type: 'connection' }
  /** No answer in time (the route's attempt timeout, an idle socket). */
  | { type: 'timeout' }
  /** 200 with no body. */
  | { type: 'empty_body' }
  /** 200 with a body that is not JSON, or not the vendor's response shape. */
  | { type: 'malformed_body' }
  /** A stream that ended — cleanly or cut — before a complete message (no start, no finish). */
  | { type: 'truncated_stream' }
  /** An answer the upstream itself says it stopped early, for its own reasons (DeepSeek's finish_reason insufficient_system_resource). */
  | { type: 'cut_short' }
  /** A stream event that is not JSON, or not the vendor's event shape. */
  | { type: 'malformed_event' }
  /** The caller (or the gateway's deadline) aborted the call. */
  | { type: 'canceled' };

export type UpstreamConditionType = UpstreamCondition['type'];

export interface ConditionClass {
  kind: GatewayErrorKind;
  /** Whether trying again (here or at another target) can help; the router and the clients' SDKs act on it. */
  retryable: boolean;
  /** The HTTP status recorded for the attempt: the answer's (or the one an error event stands for), 200 for a bad body or stream, 0 without an answer. */
  upstreamStatus: number;
}

export function classifyCondition(condition: UpstreamCondition): ConditionClass {
  switch (condition.type) {
    case 'http_status':
    case 'error_event':
      return { ...classifyStatus(condition.status, condition.reason), upstreamStatus: condition.status };
    case 'redirect':
      // The gateway's configuration, not the client's request; retrying cannot help.
      return { kind: 'failed_precondition', retryable: false, upstreamStatus: condition.status };
    case 'connection':
      return { kind: 'unavailable', retryable: true, upstreamStatus: 0 };
    case 'timeout':
      return { kind: 'deadline_exceeded', retryable: true, upstreamStatus: 0 };
    case 'empty_body':
    case 'malformed_body':
    case 'truncated_stream':
    case 'cut_short':
    case 'malformed_event':
      // The upstream answered 200 but not with a usable answer: as transient as a 5xx.
      return { kind: 'unavailable', retryable: true, upstreamStatus: 200 };
    case 'canceled':
      return { kind: 'canceled', retryable: false, upstreamStatus: 0 };
  }
}

/** The status table, the vendors' own SDKs' retry rules included (408, 409, 429, 5xx). */
function classifyStatus(status: number, reason: StatusReason | undefined): Omit<ConditionClass, 'upstreamStatus'> {
  if (reason === 'credentials_rejected' || reason === 'account_precondition') return { kind: 'failed_precondition', retryable: false };
  if (reason === 'quota_exhausted') return { kind: status === 429 ? 'resource_exhausted' : 'failed_precondition', retryable: false };
  switch (status) {
    case 401:
    case 403:
      // The gateway's own credentials were refused: not the client's fault, and a retry cannot help.
      return { kind: 'failed_precondition', retryable: false };
    case 402:
      // Payment or quota state of the provider account (Anthropic billing_error), not the request.
      return { kind: 'failed_precondition', retryable: false };
    case 404:
      return { kind: 'not_found', retryable: false };
    case 413:
      return { kind: 'payload_too_large', retryable: false };
    case 429:
      return { kind: 'resource_exhausted', retryable: true };
    case 408:
    case 504:
      // The upstream's own timeouts (Anthropic timeout_error, Google DEADLINE_EXCEEDED) are timeouts.
      return { kind: 'deadline_exceeded', retryable: true };
    case 409:
      // Conflicts (e.g. a concurrent update upstream) pass.
      return { kind: 'unavailable', retryable: true };
    default:
      // Every 5xx, Anthropic's 529 "overloaded" included.
      if (status >= 500) return { kind: 'unavailable', retryable: true };
      // A 3xx the upstream fetch let through (it rejects them: upstream-redirect.ts) is still no client error.
      if (status >= 300 && status < 400) return { kind: 'failed_precondition', retryable: false };
      return { kind: 'invalid_argument', retryable: false };
  }
}

/** 401 and 403: the message then keeps the upstream's text only when it quotes no credential. */
export const isCredentialStatus = (status: number): boolean => status === 401 || status === 403;
