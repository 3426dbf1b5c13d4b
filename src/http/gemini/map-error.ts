// Any failure → the HTTP status, headers and `{"error":{"code","message",
// "status"}}` body Google's APIs send (https://ai.google.dev/gemini-api/docs/troubleshooting,
// the google.rpc.Code names). The Gemini column of the taxonomy (docs/errors.md):
// one row per GatewayError kind, refined only by origin (an upstream refusing
// the gateway's own key is a 502, never the client's 401/403). Unknown errors
// become a generic 500 whose text reveals nothing. A field error from the core
// names the client's Gemini field (field-names.ts).
import { GatewayError, type GatewayErrorKind } from '../../domain/gateway-error.js';
import { isBudgetRefusal } from '../../core/limits/limit-errors.js';
import { frameworkFailure, fromUpstream, gatewayErrorHeaders, type FrameworkReason, type MappedError as ShimMappedError } from '../shim-errors.js';
import { NO_REQUEST_FIELD_NAMES, type GeminiFieldNames } from './field-names.js';
import type { GeminiErrorBody } from './gemini-wire.js';

export type MappedError = ShimMappedError<GeminiErrorBody>;

interface Row {
  code: number;
  status: string;
}

const BY_KIND: Record<GatewayErrorKind, Row> = {
  invalid_argument: { code: 400, status: 'INVALID_ARGUMENT' },
  unauthenticated: { code: 401, status: 'UNAUTHENTICATED' },
  permission_denied: { code: 403, status: 'PERMISSION_DENIED' },
  not_found: { code: 404, status: 'NOT_FOUND' },
  already_exists: { code: 409, status: 'ALREADY_EXISTS' },
  aborted: { code: 409, status: 'ABORTED' },
  failed_precondition: { code: 400, status: 'FAILED_PRECONDITION' },
  resource_exhausted: { code: 429, status: 'RESOURCE_EXHAUSTED' },
  payload_too_large: { code: 413, status: 'INVALID_ARGUMENT' },
  // The client left; nobody reads this.
  canceled: { code: 499, status: 'CANCELLED' },
  deadline_exceeded: { code: 504, status: 'DEADLINE_EXCEEDED' },
  unavailable: { code: 503, status: 'UNAVAILABLE' },
  unimplemented: { code: 501, status: 'UNIMPLEMENTED' },
  internal: { code: 500, status: 'INTERNAL' },
};

/** The provider refused the gateway's own credentials (or billing): the gateway's problem → 502. */
const rowFor = (error: GatewayError): Row =>
  error.kind === 'failed_precondition' && fromUpstream(error) ? { code: 502, status: 'INTERNAL' } : BY_KIND[error.kind];

export interface MapErrorOptions {
  /** The body limit in bytes, named in a 413's message. */
  bodyLimit?: number;
  /** The request's Gemini names for canonical fields; none before it was parsed. */
  fieldNames?: GeminiFieldNames | undefined;
}

export function mapError(error: unknown, options: MapErrorOptions = {}): MappedError {
  if (error instanceof GatewayError) {
    const row = rowFor(error);
    const retryCannotHelp = error.kind === 'resource_exhausted' && !error.retryable && (error.provider !== undefined || isBudgetRefusal(error));
    const message = error.field === undefined ? error.message : (options.fieldNames ?? NO_REQUEST_FIELD_NAMES).errorMessage(error.message, error.field);
    const mapped = { ...build(row, message), headers: gatewayErrorHeaders(error, retryCannotHelp), unexpected: row.code === 500 };
    // Google's clients read the wait from the body as well as retry-after: a RetryInfo detail whose retryDelay
    // is a google.protobuf.Duration in JSON ("7s"), as the Gemini API's own 429s carry it.
    const retryAfter = mapped.headers['retry-after'];
    if (retryAfter !== undefined) mapped.body.error.details = [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${retryAfter}s` }];
    return mapped;
  }
  const framework = frameworkFailure(error);
  if (framework) {
    if (framework.reason === 'client_error') return build({ code: framework.status, status: framework.status === 404 ? 'NOT_FOUND' : 'INVALID_ARGUMENT' }, framework.message);
    return build({ code: framework.status, status: 'INVALID_ARGUMENT' }, FRAMEWORK_MESSAGES[framework.reason](options.bodyLimit));
  }
  return { ...build(BY_KIND.internal, 'Internal error encountered.'), unexpected: true };
}

const FRAMEWORK_MESSAGES: Record<FrameworkReason, (bodyLimit: number | undefined) => string> = {
  invalid_json: () => 'Invalid JSON payload received: the request body is not valid JSON.',
  empty_body: () => 'Invalid JSON payload received: the request body is empty.',
  body_too_large: (bodyLimit) => `Request payload size exceeds the limit${bodyLimit ? ` (${bodyLimit} bytes)` : ''}; see GATEWAY_BODY_LIMIT_BYTES.`,
  media_type: () => 'Unsupported content-type; send the body as JSON with content-type: application/json.',
  content_length: () => 'The request body size did not match its content-length.',
};

function build(row: Row, message: string): MappedError {
  return { status: row.code, headers: {}, body: { error: { code: row.code, message, status: row.status } }, unexpected: false };
}
