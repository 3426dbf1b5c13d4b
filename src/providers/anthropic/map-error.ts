// Anything the SDK (or the network under it) throws → GatewayError. Reads the
// SDK's errors by shape (status, headers, error body, name) so that this file
// needs no SDK import. Messages keep the upstream's wording so users can act
// on it, minus anything that looks like a credential.
import { GatewayError, type GatewayErrorKind } from '../../domain/gateway-error.js';

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

export interface MapErrorOptions {
  providerId: string;
  /** Secrets that must never appear in a message (the provider's API key). */
  secrets: string[];
  signal?: AbortSignal;
  /** For HTTP-date retry-after values; injectable for tests. */
  now?: () => number;
}

export function mapAnthropicError(error: unknown, options: MapErrorOptions): GatewayError {
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
  const message = sanitize(rawMessage, options.secrets);

  if (typeof shape.status === 'number') {
    return fromStatus(shape.status, { raw: rawMessage, sanitized: message }, shape.headers, options);
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
  message: { raw: string; sanitized: string },
  headers: unknown,
  options: MapErrorOptions,
): GatewayError {
  const provider = options.providerId;
  const common = { provider, upstreamStatus: status };
  const detail = message.sanitized === '' ? '' : `: ${message.sanitized}`;
  if (status === 401 || status === 403) {
    // The upstream's text is kept only when it carries nothing that looks like a credential.
    const safe = message.raw !== '' && !looksLikeCredential(message.raw, options.secrets) ? `: ${message.raw}` : '';
    const text = `provider ${provider} rejected the gateway's credentials (HTTP ${status})${safe}`;
    return new GatewayError('failed_precondition', text, common);
  }
  if (status === 429) {
    const retryAfterSeconds = retryAfter(headers, options.now ?? Date.now);
    return new GatewayError('resource_exhausted', `provider ${provider} is rate limiting (HTTP 429)${detail}`, {
      ...common,
      retryable: true,
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    });
  }
  const fail = (kind: GatewayErrorKind, what: string) => new GatewayError(kind, `provider ${provider} ${what} (HTTP ${status})${detail}`, common);
  if (status === 400 || status === 422) return fail('invalid_argument', 'rejected the request');
  if (status === 402) return fail('failed_precondition', 'refused for billing reasons');
  if (status === 404) return fail('not_found', 'does not know the model or path');
  if (status === 413) return fail('payload_too_large', 'says the request is too large');
  if (status === 408 || status === 409 || status >= 500) {
    // 529 = overloaded; 408/409 are transient by Anthropic's own retry policy.
    return new GatewayError('unavailable', `provider ${provider} is unavailable (HTTP ${status})${detail}`, { ...common, retryable: true });
  }
  return fail('invalid_argument', 'rejected the request');
}

function upstreamBody(shape: ErrorShape): { type?: string; message?: string } {
  const envelope = shape.error as { error?: { type?: unknown; message?: unknown } } | undefined;
  const inner = envelope?.error;
  return {
    ...(typeof inner?.type === 'string' ? { type: inner.type } : {}),
    ...(typeof inner?.message === 'string' ? { message: inner.message } : {}),
  };
}

/** Seconds to wait, from retry-after-ms (preferred) or retry-after (seconds or an HTTP date). */
export function retryAfter(headers: unknown, now: () => number): number | undefined {
  const get = (name: string): string | null =>
    typeof (headers as { get?: unknown } | undefined)?.get === 'function' ? (headers as Headers).get(name) : null;
  const milliseconds = Number.parseFloat(get('retry-after-ms') ?? '');
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return Math.ceil(milliseconds / 1000);
  const value = get('retry-after');
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now()) / 1000));
}

const KEY_PATTERNS = [/sk-[A-Za-z0-9_*.-]{4,}/g, /\bBearer\s+\S+/gi, /\b[A-Za-z0-9_-]*\d[A-Za-z0-9_-]*[A-Za-z][A-Za-z0-9_-]{24,}\b/g];

function looksLikeCredential(message: string, secrets: string[]): boolean {
  const matchesPattern = KEY_PATTERNS.some((pattern) => new RegExp(pattern.source, pattern.flags.replace('g', '')).test(message));
  return matchesPattern || containsSecret(message, secrets);
}

/** Any 8-character window of a secret counts: upstreams echo keys partly ("sk-ab…wxyz"). */
function containsSecret(message: string, secrets: string[]): boolean {
  return secrets.some((secret) => {
    if (secret.length < 8) return secret !== '' && message.includes(secret);
    for (let start = 0; start + 8 <= secret.length; start += 1) if (message.includes(secret.slice(start, start + 8))) return true;
    return false;
  });
}

export function sanitize(message: string, secrets: string[]): string {
  let clean = message;
  for (const secret of secrets) if (secret.length >= 4) clean = clean.split(secret).join('[redacted]');
  for (const pattern of KEY_PATTERNS) clean = clean.replace(pattern, '[redacted]');
  return containsSecret(clean, secrets) ? '(upstream message withheld: it quoted part of a credential)' : clean;
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
