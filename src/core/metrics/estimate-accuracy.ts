// How good the gateway's own input-token count is (limits and budgets reserve
// with it): its count before the call against the input tokens the upstream
// reported, as a ratio. Tokenizing costs CPU (and ~50 MB for an encoding's
// first load), so it is never done for the metric alone unless asked: a
// request whose budget reservation already counted its input is measured for
// free; any other answered request only at GATEWAY_METRICS_ESTIMATE_SAMPLE_RATE
// (default 0), and then after the answer went out, not on its path.
import type { RequestLogRecord } from '../../domain/request-log.js';
import { countChatTokens, encodingFor } from '../completion/count-tokens.js';
import type { RequestFacts } from '../governance/request-facts.js';

export interface EstimateSamplerOptions {
  /** Share (0–1) of requests without a count of their own that are tokenized for the metric. */
  sampleRate: number;
  random?: () => number;
  /** Runs the tokenizing later (default: setImmediate, after the answer was sent). */
  defer?: (work: () => void) => void;
}

/** Reports estimate ÷ reported for the requests it measures, at once (a reused count) or deferred (a sample). */
export type EstimateSampler = (record: RequestLogRecord, facts: RequestFacts, report: (ratio: number) => void) => void;

export function createEstimateSampler(options: EstimateSamplerOptions): EstimateSampler {
  const random = options.random ?? Math.random;
  const defer = options.defer ?? ((work) => void setImmediate(work));
  return (record, facts, report) => {
    // Only answers with the upstream's own count (not the gateway's estimate), and not from the cache.
    if (record.status !== 'ok' || record.operation !== 'chat' || record.cacheHit || record.estimated) return;
    const reported = record.inputTokens;
    if (reported <= 0 || record.upstreamModel === '') return;
    const counted = facts.inputEstimate;
    // The budget counted with the first target's encoding; a failover to another encoding needs a new count.
    if (counted && encodingFor(counted.upstreamModel) === encodingFor(record.upstreamModel)) {
      report(counted.tokens / reported);
      return;
    }
    const request = facts.chatRequest;
    if (!request || options.sampleRate <= 0 || random() >= options.sampleRate) return;
    const model = record.upstreamModel;
    defer(() => report(countChatTokens(request, model).tokens / reported));
  };
}
