// The request-log row of a request a shim refused before it became a governed call — its body did not
// parse or validate, or what it referred to does not exist — once its key was known (a request
// refused at authentication has no key to log under: README, "Limits under load"). The pipeline
// logs every failure it sees itself (core/governance/logged-failures.ts); this logs the rest, once.
import type { FastifyRequest } from 'fastify';
import { isLoggedFailure } from '../core/governance/logged-failures.js';
import type { GovernedCompletion } from '../core/governance/governed-completion.js';
import { GatewayError } from '../domain/gateway-error.js';
import type { RequestOperation, RequestSurface } from '../domain/request-log.js';
import type { VirtualKeyRecord } from '../domain/virtual-key.js';
import { contextFromRequest, type ContextSource } from '../server/request-context-from.js';
import { isRecord } from './json-readers.js';
import { frameworkFailure, type FrameworkReason } from './shim-errors.js';

/** What the refused request would have been: undefined for routes that make no row (model lists, token counts). */
export interface RefusedShape {
  operation: RequestOperation;
  /** As the body or path named it, whatever else is wrong with the request. */
  model: string;
  stream: boolean;
}

/** A JSON body's own `model` and `stream`, when they are a string and true. */
export function bodyShape(operation: RequestOperation, body: unknown): RefusedShape {
  const model = isRecord(body) && typeof body['model'] === 'string' ? body['model'] : '';
  return { operation, model, stream: isRecord(body) && body['stream'] === true };
}

export interface ShimRefusals {
  /** Records the request, unless the pipeline already did; `shape` undefined: a route without rows. */
  record(source: ContextSource, key: VirtualKeyRecord, shape: RefusedShape | undefined, error: unknown): void;
}

export function shimRefusals(completion: Pick<GovernedCompletion, 'refused'>, surface: RequestSurface): ShimRefusals {
  return {
    record(source, key, shape, error) {
      if (shape === undefined || isLoggedFailure(error)) return;
      completion.refused({
        key,
        context: contextFromRequest(source, surface),
        operation: shape.operation,
        requestedModel: shape.model,
        stream: shape.stream,
        error: asGatewayError(error),
      });
    },
  };
}

/** A Fastify route's refusals: the shape from the request's route and body (undefined: no row). */
export type ShapeOfRequest = (request: FastifyRequest) => RefusedShape | undefined;

const FRAMEWORK_MESSAGES: Record<FrameworkReason, string> = {
  invalid_json: 'the request body is not valid JSON',
  empty_body: 'the request body is empty',
  body_too_large: 'the request body is larger than this gateway accepts',
  media_type: 'the request body has an unsupported Content-Type',
  content_length: 'the request body size did not match its Content-Length',
};

/** The failure as the taxonomy names it in the row: the shims' own and Fastify's client errors by what they mean. */
function asGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  const failure = frameworkFailure(error);
  if (!failure) return new GatewayError('internal', 'internal error');
  if (failure.reason === 'client_error') return new GatewayError('invalid_argument', failure.message);
  return new GatewayError(failure.reason === 'body_too_large' ? 'payload_too_large' : 'invalid_argument', FRAMEWORK_MESSAGES[failure.reason]);
}
