// A request's upstream attempts as its request-log row and log line keep them: the facts the client
// saw in x-gateway-attempts, so an operator can tell after the fact why a request was slow or why
// another provider served it. Capped (domain/request-log.ts keptAttempts) so that a long retry chain
// keeps the row small; the row's `attempts` counts them all.
import { durationMs } from '@bufbuild/protobuf/wkt';
import type { Attempt } from '../../../gen/llmgateway/v1/chat_pb.js';
import { keptAttempts, type LoggedAttempt } from '../../domain/request-log.js';

export function attemptTrailOf(attempts: readonly Attempt[] | undefined): LoggedAttempt[] {
  if (!attempts || attempts.length === 0) return [];
  return keptAttempts(attempts).map((attempt) => ({
    providerId: attempt.providerId,
    upstreamModel: attempt.upstreamModel,
    outcome: attempt.outcome,
    upstreamStatus: shownStatus(attempt),
    durationMs: attempt.duration ? Math.round(durationMs(attempt.duration)) : 0,
  }));
}

/** The attempt's upstream status; an answer whose status was not recorded (a stream's) is a 200. */
export function shownStatus(attempt: Attempt): number {
  return attempt.upstreamStatus || (attempt.outcome === 'ok' || attempt.outcome === 'streaming' ? 200 : 0);
}
