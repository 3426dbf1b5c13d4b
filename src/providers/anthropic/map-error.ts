// Anything the SDK (or the network under it) throws → GatewayError. Reads the
// SDK's errors by shape (status, headers, error body, name) so that this file
// needs no SDK import. Messages keep the upstream's wording so users can act
// on it, minus anything that looks like a credential.
import { GatewayError, type GatewayErrorKind } from '../../domain/gateway-error.js';
import { classifyHttpStatus, isCredentialStatus } from '../shared/http-status.js';
import { redactCredentials } from '../shared/redact-credentials.js';
import { fromHeadersLike, retryAfterSeconds } from '../shared/retry-after.js';

interface ErrorShape {
  name?: unknown;
  message?: unknown;
  status?: unknown;
  headers?: unknown;
  error?: unknown;
  cause?: unknown;
  code?: unknown;
}

/** Anthropic's error `type` → kind, for errors that arrive without a status (post-200 `event: error`). */
const KIND_BY_ERROR_TYPE: Record<string, [GatewayErrorKind, boolean]> = {
  invalid_request_error: ['invalid_argument', false],
  authentication_error: ['failed_precondition', false],
  permission_error: ['failed_precondition', false],
  billing_error: ['failed_precondition', false],
  not_found_error: ['not_found', false],
  request_too_large: ['payload_too_large', false],
  rate_limit_error: ['resource_exhausted', true],
  api_error: ['unavailable', true],
  timeout_error: ['unavailable', true],
  overloaded_error: ['unavailable', true],
};

export interface ErrorContext {
  providerId: string;
  /** Values that must never appear in a message (see connectionSecrets). */
  secrets: string[];
  signal?: AbortSignal;
  /** For HTTP-date retry-after values; injectable for tests. */
  now?: () => number;
}

export function mapError(error: unknown, options: ErrorContext): GatewayError {
  if (error instanceof GatewayError) return error;
  const provider = options.providerId;
  const shape = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as ErrorShape;
  const name = typeof shape.name === 'string' ? shape.name : '';

  if (options.signal?.aborted === true || name === 'APIUserAbortError' || name === 'AbortError') {
    return new GatewayError('canceled', `the call to provider ${provider} was cancelled`, { provider });
  }
  if (name === 'APIConnectionTimeoutError') {
    return new GatewayError('unavailable', `provider ${provider} timed out`, { provider, retryable: true });
  }
  const body = upstreamBody(shape);
  const rawMessage = body.message ?? (typeof shape.message === 'string' ? shape.message : '');
  const message = redactCredentials(rawMessage, options.secrets).text;

  if (typeof shape.status === 'number') {
    return fromStatus(shape.status, { raw: rawMessage, redacted: message }, shape.headers, options);
  }
  if (body.type !== undefined) {
    // A post-200 `event: error` in a stream: no status, but the error type says it all.
    const [kind, retryable] = KIND_BY_ERROR_TYPE[body.type] ?? ['unavailable', true];
    return new GatewayError(kind, `provider ${provider} failed mid-stream (${body.type}): ${message}`, { provider, retryable });
  }
  if (name === 'APIConnectionError' || isNetworkFailure(shape)) {
    return new GatewayError('unavailable', `provider ${provider} could not be reached or the connection broke: ${message}`, {
      provider,
      retryable: true,
    });
  }
  return new GatewayError('internal', `calling provider ${provider} failed: ${message}`, { provider });
}

function fromStatus(
  status: number,
  message: { raw: string; redacted: string },
  headers: unknown,
  options: ErrorContext,
): GatewayError {
  const provider = options.providerId;
  const common = { provider, upstreamStatus: status };
  const detail = message.redacted === '' ? '' : `: ${message.redacted}`;
  const { kind, retryable } = classifyHttpStatus(status);
  if (isCredentialStatus(status)) {
    // The upstream's text is kept only when it carries nothing that looks like a credential.
    const safe = message.raw !== '' && !redactCredentials(message.raw, options.secrets).hadSecret ? `: ${message.raw}` : '';
    return new GatewayError(kind, `provider ${provider} rejected the gateway's credentials (HTTP ${status})${safe}`, common);
  }
  const retryAfter = status === 429 ? retryAfterSeconds(fromHeadersLike(headers), (options.now ?? Date.now)()) : undefined;
  return new GatewayError(kind, `provider ${provider} ${WHAT_HAPPENED[kind] ?? 'rejected the request'} (HTTP ${status})${detail}`, {
    ...common,
    retryable,
    ...(retryAfter === undefined ? {} : { retryAfterSeconds: retryAfter }),
  });
}

/** How the message words each kind of HTTP failure. */
const WHAT_HAPPENED: Partial<Record<GatewayErrorKind, string>> = {
  invalid_argument: 'rejected the request',
  failed_precondition: 'refused for billing reasons',
  not_found: 'does not know the model or path',
  payload_too_large: 'says the request is too large',
  resource_exhausted: 'is rate limiting',
  unavailable: 'is unavailable',
};

function upstreamBody(shape: ErrorShape): { type?: string; message?: string } {
  const envelope = shape.error as { error?: { type?: unknown; message?: unknown } } | undefined;
  const inner = envelope?.error;
  return {
    ...(typeof inner?.type === 'string' ? { type: inner.type } : {}),
    ...(typeof inner?.message === 'string' ? { message: inner.message } : {}),
  };
}

function isNetworkFailure(shape: ErrorShape): boolean {
  // fetch: "terminated" (socket closed mid-body), "fetch failed"; Node socket codes on the error or its cause.
  const message = typeof shape.message === 'string' ? shape.message : '';
  if (/terminated|fetch failed|socket|ECONN|EPIPE|other side closed/i.test(message)) return true;
  if (shape.name === 'SyntaxError') return true; // a truncated JSON event
  const cause = shape.cause as ErrorShape | undefined;
  const code = typeof cause?.code === 'string' ? cause.code : typeof shape.code === 'string' ? shape.code : '';
  return /^(ECONN|EPIPE|ETIMEDOUT|EAI_AGAIN|UND_ERR)/.test(code) || (cause !== undefined && cause !== shape && isNetworkFailure(cause));
}
