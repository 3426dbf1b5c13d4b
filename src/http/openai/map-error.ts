// Any failure → the HTTP status, headers and `{"error": {message, type,
// param, code}}` body OpenAI would send. The one table of the shim; unknown
// errors become a generic 500 (their text may hold details we must not leak).
import { GatewayError, type GatewayErrorKind } from '../../domain/gateway-error.js';
import type { OpenAIErrorBody } from './openai-wire.js';
import { rewriteFieldMessage, toOpenAIParam } from './param-names.js';
import { InvalidRequestError } from './request-error.js';
import { isBudgetRefusal, isRateLimitRefusal } from '../../core/limits/limit-errors.js';
import { rateLimitHeaders } from '../../core/limits/rate-limit-headers.js';

export interface MappedError {
  status: number;
  headers: Record<string, string>;
  body: OpenAIErrorBody;
  /** True for failures the gateway should log as its own errors. */
  unexpected: boolean;
}

interface Row {
  status: number;
  type: string;
  code: string | null;
}

/** GatewayError kind → status, type, code. Upstream-caused failures are refined in `rowFor`. */
const BY_KIND: Record<GatewayErrorKind, Row> = {
  invalid_argument: { status: 400, type: 'invalid_request_error', code: 'invalid_value' },
  unauthenticated: { status: 401, type: 'invalid_request_error', code: 'invalid_api_key' },
  permission_denied: { status: 403, type: 'permission_error', code: 'permission_denied' },
  not_found: { status: 404, type: 'invalid_request_error', code: 'model_not_found' },
  already_exists: { status: 409, type: 'invalid_request_error', code: 'conflict' },
  failed_precondition: { status: 400, type: 'invalid_request_error', code: 'failed_precondition' },
  resource_exhausted: { status: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded' },
  payload_too_large: { status: 413, type: 'invalid_request_error', code: 'request_too_large' },
  canceled: { status: 499, type: 'invalid_request_error', code: 'request_canceled' },
  deadline_exceeded: { status: 504, type: 'timeout_error', code: 'timeout' },
  unavailable: { status: 503, type: 'server_error', code: 'service_unavailable' },
  unimplemented: { status: 400, type: 'invalid_request_error', code: 'unsupported_operation' },
  internal: { status: 500, type: 'server_error', code: 'internal_error' },
};

function rowFor(error: GatewayError): Row {
  const fromUpstream = error.provider !== undefined || error.upstreamStatus !== undefined;
  switch (error.kind) {
    // The provider refused the gateway's own credentials (or billing): the
    // gateway's problem, never the client's key → 502.
    case 'failed_precondition':
      return fromUpstream ? { status: 502, type: 'server_error', code: 'upstream_credentials_rejected' } : BY_KIND.failed_precondition;
    // An upstream that answered badly (5xx, cut stream) → 502; one that could not be reached → 503.
    case 'unavailable':
      return (error.upstreamStatus ?? 0) > 0 ? { status: 502, type: 'server_error', code: 'upstream_error' } : BY_KIND.unavailable;
    case 'not_found':
      return fromUpstream ? { status: 404, type: 'invalid_request_error', code: 'upstream_not_found' } : BY_KIND.not_found;
    case 'resource_exhausted':
      // A billing state (the key's budget, or the provider's) is not a passing limit:
      // OpenAI says insufficient_quota, and retrying cannot help.
      if (isBudgetRefusal(error)) return { status: 429, type: 'insufficient_quota', code: 'insufficient_quota' };
      return error.retryable || !fromUpstream ? BY_KIND.resource_exhausted : { status: 429, type: 'insufficient_quota', code: 'insufficient_quota' };
    default:
      return BY_KIND[error.kind];
  }
}

export interface MapErrorContext {
  /** The body limit in bytes, named in a 413's message. */
  bodyLimit?: number;
}

export function mapError(error: unknown, context: MapErrorContext = {}): MappedError {
  if (error instanceof InvalidRequestError) {
    return build({ status: 400, type: 'invalid_request_error', code: error.code }, error.message, error.param);
  }
  if (error instanceof GatewayError) {
    const row = rowFor(error);
    const param = error.field === undefined ? null : toOpenAIParam(error.field);
    const message = error.field === undefined ? error.message : rewriteFieldMessage(error.message, error.field);
    const mapped = build(row, message, param);
    if (error.retryAfterSeconds !== undefined) mapped.headers['retry-after'] = String(Math.max(0, Math.ceil(error.retryAfterSeconds)));
    if (row.code === 'insufficient_quota') mapped.headers['x-should-retry'] = 'false';
    if (isRateLimitRefusal(error)) Object.assign(mapped.headers, rateLimitHeaders(error.state));
    mapped.unexpected = row.status === 500;
    return mapped;
  }
  const framework = frameworkError(error, context);
  if (framework) return framework;
  return { ...build(BY_KIND.internal, 'The server had an error while processing your request.', null), unexpected: true };
}

function build(row: Row, message: string, param: string | null): MappedError {
  return {
    status: row.status,
    headers: {},
    body: { error: { message, type: row.type, param, code: row.code } },
    unexpected: false,
  };
}

/** Fastify's own failures before the handler runs: body parsing, size, media type. */
function frameworkError(error: unknown, context: MapErrorContext): MappedError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  const invalid = (status: number, message: string, errorCode: string | null) =>
    build({ status, type: 'invalid_request_error', code: errorCode }, message, null);
  switch (code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return invalid(400, 'We could not parse the JSON body of your request: it is not valid JSON. Send a JSON object with Content-Type: application/json.', 'invalid_json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return invalid(400, 'The request body is empty; send a JSON object.', 'invalid_json');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return invalid(
        413,
        `The request body is larger than this gateway accepts${context.bodyLimit ? ` (${context.bodyLimit} bytes)` : ''}; see GATEWAY_BODY_LIMIT_BYTES.`,
        'request_too_large',
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return invalid(415, "Unsupported Content-Type; send the body as JSON with 'Content-Type: application/json'.", 'unsupported_media_type');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return invalid(400, 'The request body size did not match its Content-Length.', 'invalid_body');
    default:
      break;
  }
  // Any other client error Fastify raised (its messages carry no secrets).
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    const message = error instanceof Error ? error.message : 'Invalid request.';
    return invalid(statusCode, message, null);
  }
  return undefined;
}
