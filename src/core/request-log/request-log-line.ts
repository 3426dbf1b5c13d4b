// One console line per finished request, from its request-log row: the row is
// in the database, but an operator tailing the console (or shipping it to a
// log store) must see each request too — which key, route, provider and
// model, how it ended, how long it took, what it used and cost. Answered,
// refused (the client's mistakes, the key's limits) and canceled requests are
// info; upstream and gateway faults are warnings. Never a secret: the row holds
// ids, model names and sanitised error messages only (no bodies, no client
// address). Below info the line is not even built (the hot path pays nothing).
import type { Usage } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { LoggedAttempt, RequestLogRecord } from '../../domain/request-log.js';
import { outcomeOf } from './request-outcome.js';

export interface RequestLineLogger {
  warn(fields: object, message: string): void;
  info(fields: object, message: string): void;
  /** pino's level check; when absent every line is built. */
  isLevelEnabled?(level: string): boolean;
}

/** What the line adds to the row (see core/governance/request-facts.ts). */
export interface RequestLineFacts {
  error: unknown;
  usage: Usage | undefined;
  /** Overrides the row's trace id (tests); normally the row's own `traceId` ('' when tracing is off: left out). */
  traceId?: string | undefined;
}

const MESSAGES = {
  ok: 'request completed',
  canceled: 'request canceled',
  client_error: 'request refused',
  server_error: 'request failed',
} as const;

export function logRequestLine(logger: RequestLineLogger, record: RequestLogRecord, facts: RequestLineFacts): void {
  const outcome = outcomeOf(record, facts.error);
  const level = outcome === 'server_error' ? 'warn' : 'info';
  if (logger.isLevelEnabled && !logger.isLevelEnabled(level)) return;
  const failed = record.status !== 'ok';
  // Empty strings become undefined: pino leaves such fields out of the line.
  logger[level](
    {
      requestId: record.requestId,
      traceId: facts.traceId || record.traceId || undefined,
      keyId: record.keyId,
      surface: record.surface,
      operation: record.operation,
      stream: record.stream,
      model: record.requestedModel,
      route: record.route || undefined,
      expert: record.expert || undefined,
      provider: record.providerId || undefined,
      upstreamModel: record.upstreamModel || undefined,
      status: record.status,
      errorKind: failed ? record.errorKind : undefined,
      error: failed ? record.errorMessage : undefined,
      attempts: record.attempts,
      // Left out when no upstream was called; short names, as the line's own fields.
      attemptTrail: record.attemptTrail?.length ? record.attemptTrail.map(lineAttempt) : undefined,
      cacheHit: record.cacheHit,
      latencyMs: record.latencyMs,
      ttftMs: record.ttftMs ?? undefined,
      inputTokens: record.inputTokens,
      outputTokens: record.outputTokens,
      cachedInputTokens: record.cachedInputTokens || undefined,
      cacheWriteTokens: facts.usage?.cacheWriteTokens || undefined,
      reasoningTokens: record.reasoningTokens || undefined,
      estimated: record.estimated || undefined,
      costUsd: record.costUsd,
    },
    MESSAGES[outcome],
  );
}

function lineAttempt(attempt: LoggedAttempt): object {
  return { provider: attempt.providerId, upstreamModel: attempt.upstreamModel, outcome: attempt.outcome, status: attempt.upstreamStatus, durationMs: attempt.durationMs };
}
