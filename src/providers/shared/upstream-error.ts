// An observed upstream failure → the one GatewayError, for every family: the
// kind, retryability and recorded status come from the taxonomy
// (domain/upstream-condition.ts), the message is worded here once. Messages
// keep the upstream's own words (users can act on them) minus anything that
// looks like a credential, and never an exception's text: a TypeError or a
// JSON parse error says nothing to a client and may quote the body.
import { GatewayError, type GatewayErrorKind } from '../../domain/gateway-error.js';
import { classifyCondition, isCredentialStatus, type UpstreamCondition } from '../../domain/upstream-condition.js';
import { redactCredentials } from './redact-credentials.js';

export interface ObservedFailure {
  condition: UpstreamCondition;
  /** The upstream's own words (an error body's message). */
  upstreamMessage?: string;
  /** The vendor's name for the error, shown beside the status (Anthropic `overloaded_error`, Google `UNAVAILABLE`). */
  label?: string;
  /** The gateway's own words for what was wrong (which check failed), never an exception's text. */
  detail?: string;
  retryAfterSeconds?: number;
  /** Kept for the log, never rendered. */
  cause?: unknown;
}

export interface FailureContext {
  providerId: string;
  /** host[:port] the call went to (shared/endpoint-host.ts); named when it could not be reached or timed out. */
  endpoint?: string;
  /** Values that must never appear in a message (see connectionSecrets). */
  secrets: string[];
}

export function upstreamError(failure: ObservedFailure, context: FailureContext): GatewayError {
  const { kind, retryable, upstreamStatus } = classifyCondition(failure.condition);
  const options = {
    provider: context.providerId,
    upstreamStatus,
    retryable,
    ...(failure.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: failure.retryAfterSeconds }),
    ...(failure.cause === undefined ? {} : { cause: failure.cause }),
  };
  return new GatewayError(kind, messageFor(failure, kind, context), options);
}

/** A failure no condition explains: most likely a gateway bug, so `internal`, and a message that reveals nothing. */
export function unexpectedFailure(cause: unknown, context: FailureContext): GatewayError {
  return new GatewayError('internal', `the call to provider ${context.providerId} failed unexpectedly (the gateway's log has the details)`, {
    provider: context.providerId,
    cause,
  });
}

/** How a failed HTTP exchange is worded, by kind. */
const WHAT_HAPPENED: Partial<Record<GatewayErrorKind, string>> = {
  invalid_argument: 'rejected the request',
  failed_precondition: 'refused the request for account reasons (billing, quota or region)',
  not_found: 'does not know the model or path',
  payload_too_large: 'says the request is too large',
  resource_exhausted: 'is rate limiting',
  deadline_exceeded: 'timed out',
  unavailable: 'is unavailable',
};

/** A vendor's error name is a short identifier; anything else is not shown as one. */
const LABEL = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

function messageFor(failure: ObservedFailure, kind: GatewayErrorKind, context: FailureContext): string {
  const provider = `provider ${context.providerId}`;
  const detail = failure.detail ? ` (${failure.detail})` : '';
  const label = failure.label !== undefined && LABEL.test(failure.label) ? failure.label : undefined;
  const { condition } = failure;
  switch (condition.type) {
    case 'redirect':
      return redirectMessage(provider, condition.status, failure.detail);
    case 'http_status': {
      if (condition.status >= 300 && condition.status < 400) return redirectMessage(provider, condition.status, undefined);
      if (isCredentialStatus(condition.status) || condition.reason === 'credentials_rejected') {
        return `${provider} rejected the gateway's credentials (HTTP ${condition.status})${credentialSafeText(failure.upstreamMessage, context)}`;
      }
      const status = `HTTP ${condition.status}${label ? ` ${label}` : ''}`;
      const what = condition.reason === 'quota_exhausted' ? "says the account's quota is exhausted" : WHAT_HAPPENED[kind];
      return `${provider} ${what ?? 'rejected the request'} (${status})${upstreamText(failure.upstreamMessage, context)}`;
    }
    case 'error_event':
      return `${provider} failed mid-stream (${label ?? `HTTP ${condition.status}`})${upstreamText(failure.upstreamMessage, context)}`;
    case 'connection':
      return `${provider}${at(context)} could not be reached, or the connection broke${detail}`;
    case 'timeout':
      return `${provider}${at(context)} did not answer in time${detail}`;
    case 'empty_body':
      return `${provider} answered with an empty body${detail}`;
    case 'malformed_body':
      return `${provider} answered with a body that is not a valid response${detail}`;
    case 'truncated_stream':
      return `${provider} ended the stream before the answer was complete${detail}`;
    case 'cut_short':
      return `${provider} stopped the answer before it was complete${detail}`;
    case 'malformed_event':
      return `${provider} sent a stream event that could not be read${detail}`;
    case 'canceled':
      return `the call to ${provider} was canceled`;
  }
}

/** A redirect is the operator's to fix: it names where it pointed (the origin only) and what to change (the dash escaped: bundle-one-byte.test.ts). */
function redirectMessage(provider: string, status: number, origin: string | undefined): string {
  return `${provider} answered HTTP ${status}, redirected${origin ? ` to ${origin}` : ''} \u2014 not followed; fix the provider's base URL`;
}

function at(context: FailureContext): string {
  return context.endpoint ? ` at ${context.endpoint}` : '';
}

function upstreamText(message: string | undefined, context: FailureContext): string {
  if (!message) return '';
  const { text } = redactCredentials(message, context.secrets);
  return text === '' ? '' : `: ${text}`;
}

/** A credential error keeps the upstream's text only when it quotes nothing that looks like a credential. */
function credentialSafeText(message: string | undefined, context: FailureContext): string {
  if (!message || redactCredentials(message, context.secrets).hadSecret) return '';
  return `: ${message}`;
}
