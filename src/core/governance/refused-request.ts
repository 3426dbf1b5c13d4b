// The request-log row of a request refused before it reached the governed pipeline: the key was
// known, but the edge could not make a call of the body (malformed JSON, a value out of range, a
// body over the limit, a previous response that does not exist). Without it the request would be in
// no row and no metric, while a 400 the pipeline finds is in both (README, "the request log").
import type { RequestContext } from '../../domain/request-context.js';
import type { GatewayError } from '../../domain/gateway-error.js';
import type { RequestOperation } from '../../domain/request-log.js';
import type { VirtualKeyRecord } from '../../domain/virtual-key.js';
import { buildLogRecord } from './log-record.js';
import type { RequestRecorder } from './request-facts.js';

export interface RefusedRequest {
  key: VirtualKeyRecord;
  context: RequestContext;
  operation: RequestOperation;
  /** The model the body named, when it named one (else empty). */
  requestedModel: string;
  stream: boolean;
  /** What the client was answered, as the taxonomy's kind and message. */
  error: GatewayError;
}

export function recordRefusedRequest(log: RequestRecorder, refused: RefusedRequest, finishedAt: number): void {
  const { key, context, operation, requestedModel, stream, error } = refused;
  try {
    log.write(
      buildLogRecord({
        context,
        key,
        requestedModel,
        operation,
        stream,
        route: undefined,
        usage: undefined,
        cacheHit: false,
        error,
        finishedAt,
        firstOutputAt: null,
        requestBody: null,
        responseBody: null,
      }),
      { error, usage: undefined, cache: undefined, chatRequest: undefined, inputEstimate: undefined, plan: undefined },
    );
  } catch {
    // As the request-log step: a row never fails a request (the writer does not throw by contract).
  }
}
