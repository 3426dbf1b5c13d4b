// Builds the request-log row of one request from what the pipeline saw.
import type { RouteInfo, Usage } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { RequestLogRecord, RequestOperation } from '../../domain/request-log.js';
import type { VirtualKeyRecord } from '../../domain/virtual-key.js';
import type { RequestContext } from '../../domain/request-context.js';
import { GatewayError } from '../../domain/gateway-error.js';
import { newRowId } from '../../domain/row-id.js';
import { attemptTrailOf } from '../request-log/attempt-trail.js';

export interface LogFacts {
  context: RequestContext;
  key: VirtualKeyRecord;
  requestedModel: string;
  operation: RequestOperation;
  stream: boolean;
  route: RouteInfo | undefined;
  usage: Usage | undefined;
  cacheHit: boolean;
  error: unknown;
  finishedAt: number;
  firstOutputAt: number | null;
  requestBody: string | null;
  responseBody: string | null;
  /** The expert route whose classifier made this call (RequestContext.classifierOf): the row is the classifier's. */
  classifierOf?: string | undefined;
}

export function buildLogRecord(facts: LogFacts): RequestLogRecord {
  const { context: meta, usage, route, error } = facts;
  const failure = error === undefined ? undefined : error instanceof GatewayError ? error : new GatewayError('internal', 'internal error');
  // A request no target served: the target of its last attempt is the one that failed it.
  const lastAttempt = route?.providerId ? undefined : route?.attempts.at(-1);
  return {
    // The gateway's own id (time-ordered: see domain/row-id.ts): a client's x-request-id may repeat.
    id: newRowId(),
    time: meta.receivedAt,
    keyId: facts.key.id,
    requestedModel: facts.requestedModel,
    route: facts.classifierOf ?? route?.route ?? '',
    expert: route?.expert ?? '',
    // A failure before any answer names no serving target; its last attempt, or the error, names the one that failed.
    providerId: route?.providerId || lastAttempt?.providerId || (error instanceof GatewayError ? (error.provider ?? '') : ''),
    upstreamModel: route?.upstreamModel || (lastAttempt?.upstreamModel ?? ''),
    surface: meta.surface,
    operation: facts.classifierOf === undefined ? facts.operation : 'classify',
    stream: facts.stream,
    status: failure === undefined ? 'ok' : failure.kind === 'canceled' ? 'canceled' : 'error',
    errorKind: failure?.kind ?? '',
    // As the client read it: its surface names the field (`contents[0].parts`, not `chat.messages[1].content`).
    errorMessage: failure === undefined ? '' : failure.field !== undefined && meta.fieldNames ? meta.fieldNames.errorMessage(failure.message, failure.field) : failure.message,
    attempts: route?.attempts.length ?? 0,
    attemptTrail: attemptTrailOf(route?.attempts),
    cacheHit: facts.cacheHit,
    inputTokens: usage?.inputTokens ?? 0,
    outputTokens: usage?.outputTokens ?? 0,
    cachedInputTokens: usage?.cachedInputTokens ?? 0,
    cacheWriteTokens: usage?.cacheWriteTokens ?? 0,
    cacheWrite1hTokens: usage?.cacheWrite1hTokens ?? 0,
    reasoningTokens: usage?.reasoningTokens ?? 0,
    estimated: usage?.estimated ?? false,
    costUsd: facts.cacheHit ? 0 : (usage?.costUsd ?? 0),
    latencyMs: Math.max(0, facts.finishedAt - meta.receivedAt),
    ttftMs: facts.stream && facts.firstOutputAt !== null ? Math.max(0, facts.firstOutputAt - meta.receivedAt) : null,
    clientIp: meta.clientIp,
    userAgent: meta.userAgent,
    requestId: meta.requestId,
    traceId: meta.trace?.traceId ?? '',
    requestBody: facts.requestBody,
    responseBody: facts.responseBody,
  };
}
