// The governance step that puts what the pipeline learned about a request on
// the request's server span (started and ended by the edge): the key, the
// model asked for, the route, expert and target that served, the attempts,
// the cache, the usage and cost, and the failure. These are the gateway's own
// llm_gateway.* attributes, not gen_ai.* ones: the GenAI spans are the
// upstream attempts, and usage on both would be counted twice by backends
// that sum it. A request without a span (tracing off) skips the step.
import { GatewayError, type GatewayErrorKind } from '../../domain/gateway-error.js';
import type { TraceSpan } from '../../domain/trace-span.js';
import { GATEWAY } from '../tracing/gen-ai-attributes.js';
import type { CallOutcome, GovernanceStep } from './governance-step.js';

/** Failures that are the gateway's or an upstream's, not the client's: the server span's status becomes error. */
const SERVER_FAULTS: ReadonlySet<GatewayErrorKind> = new Set(['deadline_exceeded', 'unavailable', 'unimplemented', 'internal']);

export function traceStep(): GovernanceStep {
  return {
    enter(call) {
      const span = call.context.trace;
      if (!span) return undefined;
      span.setAttributes({
        [GATEWAY.requestId]: call.context.requestId,
        [GATEWAY.keyId]: call.key.id,
        [GATEWAY.requestedModel]: call.request.model,
        [GATEWAY.operation]: call.operation,
        [GATEWAY.stream]: call.stream,
      });
      // A client that leaves closes the response before the outcome below is known: the span waits for it.
      const release = span.hold?.();
      return {
        end(outcome) {
          try {
            record(span, outcome);
          } finally {
            release?.();
          }
        },
      };
    },
  };
}

function record(span: TraceSpan, outcome: CallOutcome): void {
  const { route, usage } = outcome;
  // No target served (a failure, a cancellation): the last attempt's, as the request-log row names it.
  const lastAttempt = route?.providerId ? undefined : route?.attempts.at(-1);
  span.setAttributes({
    [GATEWAY.route]: route?.route || undefined,
    [GATEWAY.expert]: route?.expert || undefined,
    [GATEWAY.providerId]: route?.providerId || lastAttempt?.providerId || undefined,
    [GATEWAY.upstreamModel]: route?.upstreamModel || lastAttempt?.upstreamModel || undefined,
    // A hit's route info is the stored answer's: this request made no attempt.
    [GATEWAY.attempts]: outcome.cacheHit ? 0 : (route?.attempts.length ?? 0),
    [GATEWAY.cacheHit]: outcome.cacheHit,
    [GATEWAY.inputTokens]: usage?.inputTokens,
    [GATEWAY.outputTokens]: usage?.outputTokens,
    [GATEWAY.usageEstimated]: usage?.estimated,
    [GATEWAY.costUsd]: usage ? (outcome.cacheHit ? 0 : usage.costUsd) : undefined,
  });
  if (outcome.status !== 'failed') return;
  const kind = outcome.error instanceof GatewayError ? outcome.error.kind : 'internal';
  if (SERVER_FAULTS.has(kind)) span.fail(kind, outcome.error instanceof GatewayError ? outcome.error.message : undefined);
  else span.markError(kind);
}
