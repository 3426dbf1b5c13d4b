// Any failure → the HTTP status, headers and `{"type":"error","error":{type,
// message},"request_id"}` body Anthropic would send. The one error table of
// the Anthropic shim; unknown errors become a generic 500 (their text may hold
// details we must not leak).
import { GatewayError, type GatewayErrorKind } from '../../domain/gateway-error.js';
import type { AnthropicErrorBody } from './anthropic-wire.js';
import { rewriteFieldMessage } from './param-names.js';
import { isBudgetRefusal, isRateLimitRefusal } from '../../core/limits/limit-errors.js';
import { anthropicRateLimitHeaders } from './rate-limit-headers.js';
import { frameworkFailure, fromUpstream, gatewayErrorHeaders, type FrameworkReason, type MappedError as ShimMappedError } from '../shim-errors.js';

export type MappedError = ShimMappedError<AnthropicErrorBody>;

interface Row {
  status: number;
  type: string;
}

const INVALID: Row = { status: 400, type: 'invalid_request_error' };

/**
 * GatewayError kind → status and Anthropic error type: the Anthropic column of
 * the taxonomy (docs/errors.md), one row per kind whoever the provider was;
 * refined only by origin, in `rowFor` (an upstream refusing the gateway's own
 * key → 502; an upstream's transient failure → 529 overloaded_error).
 */
const BY_KIND: Record<GatewayErrorKind, Row> = {
  invalid_argument: INVALID,
  unauthenticated: { status: 401, type: 'authentication_error' },
  permission_denied: { status: 403, type: 'permission_error' },
  not_found: { status: 404, type: 'not_found_error' },
  already_exists: { status: 409, type: 'invalid_request_error' },
  // An admin update's version check; no completion surface answers it, but every kind has its row.
  aborted: { status: 409, type: 'invalid_request_error' },
  failed_precondition: INVALID,
  resource_exhausted: { status: 429, type: 'rate_limit_error' },
  payload_too_large: { status: 413, type: 'request_too_large' },
  // The client left; nobody reads this, but it must not look like a server fault.
  canceled: { status: 499, type: 'invalid_request_error' },
  deadline_exceeded: { status: 504, type: 'timeout_error' },
  // The gateway's own (its database, its in-flight cap); an upstream's is refined in rowFor.
  unavailable: { status: 503, type: 'api_error' },
  unimplemented: INVALID,
  internal: { status: 500, type: 'api_error' },
};

function rowFor(error: GatewayError): Row {
  switch (error.kind) {
    // The provider refused the gateway's own credentials (or billing): the
    // gateway's problem, never the client's key → 502, not 401/403.
    case 'failed_precondition':
      return fromUpstream(error) ? { status: 502, type: 'api_error' } : INVALID;
    // Every transient upstream failure, whichever provider (a 5xx or 529, a refused connection, a
    // bad body, a cut stream): Anthropic's own "try again" signal, which its SDK and Claude Code
    // retry, as an HTTP answer and as an in-stream event alike.
    case 'unavailable':
      return fromUpstream(error) ? { status: 529, type: 'overloaded_error' } : BY_KIND.unavailable;
    default:
      return BY_KIND[error.kind];
  }
}

export interface MapErrorOptions {
  requestId: string;
  /** Shifts canonical message indices back to the client's (see param-names.ts). */
  systemOffset?: number;
  /** The body limit in bytes, named in a 413's message. */
  bodyLimit?: number;
}

export function mapError(error: unknown, options: MapErrorOptions): MappedError {
  if (error instanceof GatewayError) {
    const row = rowFor(error);
    const message = error.field === undefined ? error.message : rewriteFieldMessage(error.message, error.field, options.systemOffset ?? 0);
    // A billing state (upstream, or the key's budget) is not a passing limit: retrying cannot help.
    const retryCannotHelp = error.kind === 'resource_exhausted' && !error.retryable && (error.provider !== undefined || isBudgetRefusal(error));
    const headers = gatewayErrorHeaders(error, retryCannotHelp);
    if (isRateLimitRefusal(error)) Object.assign(headers, anthropicRateLimitHeaders(error.state));
    return { ...build(row, message, options.requestId), headers, unexpected: row.status === 500 };
  }
  const framework = frameworkError(error, options);
  if (framework) return framework;
  return { ...build(BY_KIND.internal, 'Internal server error', options.requestId), unexpected: true };
}

function build(row: Row, message: string, requestId: string): MappedError {
  return {
    status: row.status,
    headers: {},
    body: { type: 'error', error: { type: row.type, message }, request_id: requestId },
    unexpected: false,
  };
}

/** Fastify's own failures before the handler runs, in Anthropic's words: error type and message. */
const FRAMEWORK_ANSWERS: Record<FrameworkReason, { type: string; message: (bodyLimit: number | undefined) => string }> = {
  invalid_json: {
    type: 'invalid_request_error',
    message: () => 'The request body is not valid JSON. Send a JSON object with content-type: application/json.',
  },
  empty_body: { type: 'invalid_request_error', message: () => 'The request body is empty; send a JSON object.' },
  body_too_large: {
    type: 'request_too_large',
    message: (bodyLimit) => `Request exceeds the maximum allowed number of bytes${bodyLimit ? ` (${bodyLimit})` : ''}; see GATEWAY_BODY_LIMIT_BYTES.`,
  },
  media_type: { type: 'invalid_request_error', message: () => 'Unsupported content-type; send the body as JSON with content-type: application/json.' },
  content_length: { type: 'invalid_request_error', message: () => 'The request body size did not match its content-length.' },
};

function frameworkError(error: unknown, options: MapErrorOptions): MappedError | undefined {
  const failure = frameworkFailure(error);
  if (!failure) return undefined;
  if (failure.reason === 'client_error') {
    const type = failure.status === 404 ? 'not_found_error' : 'invalid_request_error';
    return build({ status: failure.status, type }, failure.message, options.requestId);
  }
  const answer = FRAMEWORK_ANSWERS[failure.reason];
  return build({ status: failure.status, type: answer.type }, answer.message(options.bodyLimit), options.requestId);
}
