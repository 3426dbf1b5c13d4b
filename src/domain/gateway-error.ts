// The one error type of the core. Edges map `kind` to a Connect code or an
// HTTP status; messages must never contain secrets.

export type GatewayErrorKind =
  | 'invalid_argument'
  | 'unauthenticated'
  | 'permission_denied'
  | 'not_found'
  | 'already_exists'
  | 'failed_precondition'
  /** An admin update computed from a version of the record that is no longer the stored one. */
  | 'aborted'
  | 'resource_exhausted'
  | 'payload_too_large'
  | 'canceled'
  | 'deadline_exceeded'
  | 'unavailable'
  | 'unimplemented'
  | 'internal';

export interface GatewayErrorOptions {
  /** The request field at fault, e.g. "models[0].upstream_model". */
  field?: string;
  retryable?: boolean;
  upstreamStatus?: number;
  provider?: string;
  retryAfterSeconds?: number;
  cause?: unknown;
}

export class GatewayError extends Error {
  readonly kind: GatewayErrorKind;
  readonly field: string | undefined;
  readonly retryable: boolean;
  readonly upstreamStatus: number | undefined;
  readonly provider: string | undefined;
  /** May be fractional (an upstream's retry-after-ms); a `retry-after` the gateway answers is rounded up to whole seconds. */
  readonly retryAfterSeconds: number | undefined;

  constructor(kind: GatewayErrorKind, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatewayError';
    this.kind = kind;
    this.field = options.field;
    this.retryable = options.retryable ?? false;
    this.upstreamStatus = options.upstreamStatus;
    this.provider = options.provider;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export function invalidArgument(field: string, message: string): GatewayError {
  return new GatewayError('invalid_argument', `${field}: ${message}`, { field });
}

export function notFound(what: string, id: string): GatewayError {
  return new GatewayError('not_found', `${what} "${id}" not found`);
}

export function alreadyExists(what: string, id: string): GatewayError {
  return new GatewayError('already_exists', `${what} "${id}" already exists`);
}
