// The metrics of one finished governed request, from its request-log row and
// the facts beside it (the same single point the console line uses): the
// request count and duration, time to first token, tokens and cost, the cache
// lookup and a limit's refusal. A few label lookups per request, no I/O.
import type { RequestLogRecord } from '../../domain/request-log.js';
import type { RequestFacts } from '../governance/request-facts.js';
import { outcomeOf, refusalKindOf } from '../request-log/request-outcome.js';
import type { Instruments } from './metric-definitions.js';

/**
 * Who served, or for a failure without an answer the one target a direct model plans (a route's
 * failures name the route; its targets' failures are in the attempts).
 */
function targetOf(record: RequestLogRecord, facts: RequestFacts): { provider: string; model: string } {
  if (record.upstreamModel !== '' || facts.plan?.targets.length !== 1) return { provider: record.providerId, model: record.upstreamModel };
  const only = facts.plan.targets[0]!;
  return { provider: only.provider.record.id, model: only.target.upstreamModel };
}

// Not a closure made per request: V8 would compile it again after every full collection
// (docs/performance.md, "Closures made per request").
function addTokens(metrics: Instruments, direction: string, provider: string, model: string, count: number): void {
  if (count > 0) metrics.tokens.inc({ direction, provider, model }, count);
}

export function observeRequest(metrics: Instruments, record: RequestLogRecord, facts: RequestFacts, keyLabels: boolean): void {
  const { surface, operation, route } = record;
  // The upstream model (bounded by configuration), never the client's requested string.
  const { provider, model } = targetOf(record, facts);
  const outcome = outcomeOf(record, facts.error);
  metrics.requests.inc({ surface, operation, route, provider, model, outcome, error_kind: record.errorKind });
  metrics.requestDuration.observe({ surface, operation, route, provider, model, outcome }, record.latencyMs / 1000);
  if (record.ttftMs !== null) metrics.timeToFirstToken.observe({ surface, route, provider, model }, record.ttftMs / 1000);
  if (facts.cache !== undefined) metrics.cacheLookups.inc({ result: facts.cache });
  const refusal = refusalKindOf(facts.error);
  if (refusal !== undefined) metrics.refusals.inc({ kind: refusal });
  // A cache hit consumed nothing upstream; a stream cut short did consume (its partial usage is in the row).
  if (record.cacheHit) return;
  addTokens(metrics, 'input', provider, model, record.inputTokens);
  addTokens(metrics, 'output', provider, model, record.outputTokens);
  addTokens(metrics, 'cached_input', provider, model, record.cachedInputTokens);
  addTokens(metrics, 'cache_write', provider, model, facts.usage?.cacheWriteTokens ?? 0);
  addTokens(metrics, 'reasoning', provider, model, record.reasoningTokens);
  if (record.costUsd > 0) {
    metrics.cost.inc(keyLabels ? { provider, model, key_id: record.keyId } : { provider, model }, record.costUsd);
  }
}
