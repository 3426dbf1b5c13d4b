// Any failure → the HTTP status, headers and `{"error": {message, type,
// param, code}}` body OpenAI would send. The one table of the shim; unknown
// errors become a generic 500 (their text may hold details we must not leak).
import { GatewayError, type GatewayErrorKind } from '../../domain/gateway-error.js';
import type { OpenAIErrorBody } from './openai-wire.js';
import { rewriteFieldMessage, toOpenAIParam } from './param-names.js';
import { InvalidRequestError } from './request-error.js';
import { isBudgetRefusal } from '../../core/limits/limit-errors.js';
import { isKeyRefusal } from '../../core/auth/key-refusal.js';
import { isAmbiguousModel } from '../../core/completion/ambiguous-model.js';
import { frameworkFailure, fromUpstream, gatewayErrorHeaders, type FrameworkReason, type MappedError as ShimMappedError } from '../shim-errors.js';

export type MappedError = ShimMappedError<OpenAIErrorBody>;

interface Row {
  status: number;
  type: string;
  code: string | null;
}

/**
 * GatewayError kind → status, type, code: the OpenAI column of the taxonomy
 * (docs/errors.md), one row per kind whoever the provider was; for the
 * upstream kinds the status is the one Connect's HTTP mapping gives the same
 * code (503, 504, 429, 404, 400). Upstream-caused failures are refined only by
 * origin (the gateway's own key refused → 502), in `rowFor`; the gateway's own
 * refusals keep, by their reason, the codes of the gateway apps moved from
 * (docs/errors.md, "The OpenAI surface's own refusals"): the status and type stay the kind's.
 */
const BY_KIND: Record<GatewayErrorKind, Row> = {
  invalid_argument: { status: 400, type: 'invalid_request_error', code: 'invalid_value' },
  unauthenticated: { status: 401, type: 'invalid_request_error', code: 'invalid_api_key' },
  permission_denied: { status: 403, type: 'permission_error', code: 'permission_denied' },
  not_found: { status: 404, type: 'invalid_request_error', code: 'model_not_found' },
  already_exists: { status: 409, type: 'invalid_request_error', code: 'conflict' },
  aborted: { status: 409, type: 'invalid_request_error', code: 'conflict' },
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
  const upstream = fromUpstream(error);
  switch (error.kind) {
    case 'unauthenticated':
      return isKeyRefusal(error, 'missing') ? { ...BY_KIND.unauthenticated, code: 'missing_authorization' } : BY_KIND.unauthenticated;
    case 'permission_denied':
      return isKeyRefusal(error, 'disabled') ? { ...BY_KIND.permission_denied, code: 'api_key_disabled' } : BY_KIND.permission_denied;
    case 'invalid_argument':
      return isAmbiguousModel(error) ? { ...BY_KIND.invalid_argument, code: 'ambiguous_model_configuration' } : BY_KIND.invalid_argument;
    // The provider refused the gateway's own credentials (or billing): the
    // gateway's problem, never the client's key → 502.
    case 'failed_precondition':
      return upstream ? { status: 502, type: 'server_error', code: 'upstream_credentials_rejected' } : BY_KIND.failed_precondition;
    case 'not_found':
      return upstream ? { status: 404, type: 'invalid_request_error', code: 'upstream_not_found' } : BY_KIND.not_found;
    case 'resource_exhausted':
      // A billing state (the key's budget, or the provider's) is not a passing limit: OpenAI says
      // insufficient_quota (x-should-retry: the budget refusal's own flag, shim-errors.ts).
      if (isBudgetRefusal(error)) return { status: 429, type: 'insufficient_quota', code: 'insufficient_quota' };
      return error.retryable || !upstream ? BY_KIND.resource_exhausted : { status: 429, type: 'insufficient_quota', code: 'insufficient_quota' };
    default:
      return BY_KIND[error.kind];
  }
}

export interface MapErrorContext {
  /** The body limit in bytes, named in a 413's message. */
  bodyLimit?: number;
  /** How the client's API names a canonical field (default: Chat Completions' names). */
  paramName?: (field: string) => string;
}

export function mapError(error: unknown, context: MapErrorContext = {}): MappedError {
  if (error instanceof InvalidRequestError) {
    return build({ status: 400, type: 'invalid_request_error', code: error.code }, error.message, error.param);
  }
  if (error instanceof GatewayError) {
    const row = rowFor(error);
    const paramName = context.paramName ?? toOpenAIParam;
    const param = error.field === undefined ? null : paramName(error.field);
    const message = error.field === undefined ? error.message : rewriteFieldMessage(error.message, error.field, paramName);
    // A billing state is not a passing limit: retrying cannot help (the key's budget says itself, shim-errors.ts).
    return { ...build(row, message, param), headers: gatewayErrorHeaders(error, row.code === 'insufficient_quota'), unexpected: row.status === 500 };
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

/** Fastify's own failures before the handler runs, in OpenAI's words: message and code. */
const FRAMEWORK_ANSWERS: Record<FrameworkReason, { message: (bodyLimit: number | undefined) => string; code: string }> = {
  invalid_json: {
    message: () => 'We could not parse the JSON body of your request: it is not valid JSON. Send a JSON object with Content-Type: application/json.',
    code: 'invalid_json',
  },
  empty_body: { message: () => 'The request body is empty; send a JSON object.', code: 'invalid_json' },
  body_too_large: {
    message: (bodyLimit) => `The request body is larger than this gateway accepts${bodyLimit ? ` (${bodyLimit} bytes)` : ''}; see GATEWAY_BODY_LIMIT_BYTES.`,
    code: 'request_too_large',
  },
  media_type: { message: () => "Unsupported Content-Type; send the body as JSON with 'Content-Type: application/json'.", code: 'unsupported_media_type' },
  content_length: { message: () => 'The request body size did not match its Content-Length.', code: 'invalid_body' },
};

function frameworkError(error: unknown, context: MapErrorContext): MappedError | undefined {
  const failure = frameworkFailure(error);
  if (!failure) return undefined;
  const row = (code: string | null): Row => ({ status: failure.status, type: 'invalid_request_error', code });
  if (failure.reason === 'client_error') return build(row(null), failure.message, null);
  const answer = FRAMEWORK_ANSWERS[failure.reason];
  return build(row(answer.code), answer.message(context.bodyLimit), null);
}
