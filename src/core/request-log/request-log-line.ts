// One log line per failed request, from its request-log row: the row is in
// the database, but an operator tailing the console must see a completion
// fail too — which key, which model, which provider and why. Upstream and
// gateway faults are warnings; the client's own mistakes and refusals are
// info; a client that left is not logged (its row says so).
import type { RequestLogRecord } from '../../domain/request-log.js';

const CLIENT_SIDE_KINDS = new Set(['invalid_argument', 'not_found', 'permission_denied', 'unauthenticated', 'payload_too_large', 'resource_exhausted']);

export interface FailureLogger {
  warn(fields: object, message: string): void;
  info(fields: object, message: string): void;
}

export function logFailure(logger: FailureLogger, record: RequestLogRecord): void {
  if (record.status !== 'error') return;
  const fields = {
    requestId: record.requestId,
    keyId: record.keyId,
    model: record.requestedModel,
    route: record.route || undefined,
    provider: record.providerId || undefined,
    upstreamModel: record.upstreamModel || undefined,
    surface: record.surface,
    stream: record.stream,
    attempts: record.attempts,
    latencyMs: record.latencyMs,
    errorKind: record.errorKind,
    error: record.errorMessage,
  };
  if (CLIENT_SIDE_KINDS.has(record.errorKind)) logger.info(fields, 'request refused');
  else logger.warn(fields, 'request failed');
}
