// Whatever the SDK throws → GatewayError. The SDK's ApiError has `status` and
// a message that is the JSON error body ({error:{code,message,status,details}})
// — or "got status: X. {json}" for an error event inside a stream. It exposes
// no headers, so the retry delay comes from the body's RetryInfo.retryDelay,
// which is where Google puts it. Gemini answers a bad API key with 400
// INVALID_ARGUMENT + reason API_KEY_INVALID: that is the gateway's credential
// problem (failed_precondition), not the client's request.
import { GatewayError } from '../../domain/gateway-error.js';
import { classifyHttpStatus, isCredentialStatus } from '../shared/http-status.js';
import { redactCredentials } from '../shared/redact-credentials.js';

export interface ErrorContext {
  providerId: string;
  /** Values that must never appear in a message (see connectionSecrets). */
  secrets: string[];
  signal?: AbortSignal;
  /** The HTTP status already received when the failure carries none (200 once a stream is open). */
  statusWhenNone?: number;
}

interface GoogleError {
  code?: number;
  message?: string;
  status?: string;
  details?: Array<Record<string, unknown>>;
}

const CREDENTIAL_REASONS = new Set(['API_KEY_INVALID', 'API_KEY_EXPIRED', 'API_KEY_SERVICE_BLOCKED', 'API_KEY_HTTP_REFERRER_BLOCKED']);
const TRANSPORT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const TRANSPORT_MESSAGES = /fetch failed|terminated|other side closed|socket|Incomplete JSON segment|exception parsing stream chunk|Response body is empty/i;

export function mapError(error: unknown, context: ErrorContext): GatewayError {
  if (error instanceof GatewayError) return error;
  const provider = context.providerId;
  if (context.signal?.aborted || isAbort(error)) {
    return new GatewayError('canceled', 'the request to Gemini was canceled', { provider, upstreamStatus: context.statusWhenNone ?? 0, cause: error });
  }
  const status = httpStatusOf(error);
  if (status !== undefined) return fromHttpStatus(status, parseGoogleError((error as Error).message), context, error);
  const raw = error instanceof Error ? error.message : String(error);
  const { text } = redactCredentials(raw, context.secrets);
  const upstreamStatus = context.statusWhenNone ?? 0;
  if (isTransport(error)) {
    const what = upstreamStatus === 0 ? 'could not reach Gemini' : 'the Gemini stream broke off';
    return new GatewayError('unavailable', `${what}: ${text}`, { provider, retryable: true, upstreamStatus, cause: error });
  }
  return new GatewayError('internal', `the Gemini call failed: ${text}`, { provider, upstreamStatus, cause: error });
}

function fromHttpStatus(status: number, body: GoogleError | undefined, context: ErrorContext, cause: unknown): GatewayError {
  const provider = context.providerId;
  const { text, hadSecret } = redactCredentials(body?.message ?? '', context.secrets);
  const googleStatus = body?.status ?? '';
  const reason = errorInfoReason(body);
  const options = { provider, upstreamStatus: status, cause };
  if (isCredentialStatus(status) || (reason !== undefined && CREDENTIAL_REASONS.has(reason))) {
    const suffix = text && !hadSecret ? `: ${text}` : '';
    return new GatewayError('failed_precondition', `provider ${provider} rejected the gateway's credentials (HTTP ${status})${suffix}`, options);
  }
  const message = `Gemini answered HTTP ${status}${googleStatus ? ` ${googleStatus}` : ''}${text ? `: ${text}` : ''}`;
  const { kind, retryable } = classifyHttpStatus(status);
  // 400 FAILED_PRECONDITION: e.g. "User location is not supported" — not the client's request.
  if (kind === 'invalid_argument' && googleStatus === 'FAILED_PRECONDITION') return new GatewayError('failed_precondition', message, options);
  const retryAfterSeconds = status === 429 ? retryDelayOf(body) : undefined;
  return new GatewayError(kind, message, { ...options, retryable, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) });
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

function errorInfoReason(body: GoogleError | undefined): string | undefined {
  const info = body?.details?.find((detail) => String(detail['@type'] ?? '').endsWith('google.rpc.ErrorInfo'));
  return typeof info?.reason === 'string' ? info.reason : undefined;
}

/** RetryInfo.retryDelay is a protobuf Duration in JSON: "7s", "1.5s". */
function retryDelayOf(body: GoogleError | undefined): number | undefined {
  const info = body?.details?.find((detail) => String(detail['@type'] ?? '').endsWith('google.rpc.RetryInfo'));
  const delay = typeof info?.retryDelay === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(info.retryDelay) : null;
  return delay?.[1] === undefined ? undefined : Math.max(1, Math.ceil(Number(delay[1])));
}

function isAbort(error: unknown): boolean {
  const named = (value: unknown) => value instanceof Error && (value.name === 'AbortError' || value.name === 'TimeoutError');
  return named(error) || (error instanceof Error && named(error.cause));
}

function isTransport(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code ?? (error.cause as { code?: unknown } | undefined)?.code;
  return (typeof code === 'string' && TRANSPORT_CODES.has(code)) || TRANSPORT_MESSAGES.test(error.message);
}
