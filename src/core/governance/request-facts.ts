// What observers of a finished request need beyond its request-log row (the
// console line, the metrics): the row keeps the error's kind and message, the
// token totals, whether the cache answered — not the error itself (a refusal's
// reason), the cache-write tokens, whether the cache was consulted at all, or
// the input count a budget reservation already paid for.
import type { ChatRequest, Usage } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { RequestLogRecord } from '../../domain/request-log.js';
import type { RoutePlan } from '../routing/route-plan.js';

/** Input tokens the gateway counted before the call, and the upstream model whose encoding counted them. */
export interface InputEstimate {
  tokens: number;
  upstreamModel: string;
}

export interface RequestFacts {
  /** What the call failed with (undefined when answered): RateLimitError, BudgetExceededError, … */
  error: unknown;
  /** The answer's usage as reported (or estimated). */
  usage: Usage | undefined;
  /** The response cache's answer when it was consulted; undefined when it was not. */
  cache: 'hit' | 'miss' | undefined;
  /** Chat: the request as dispatched (expert chosen, prompt rules applied); undefined for embeddings. */
  chatRequest: ChatRequest | undefined;
  /** Counted by the budget reservation (keys with a budget), else undefined. */
  inputEstimate: InputEstimate | undefined;
  /** The routing step's plan (chat; undefined when refused before it): names the target of a failed direct call. */
  plan: RoutePlan | undefined;
}

/** Where the request-log step hands each finished request: the row, and the facts beside it. */
export interface RequestRecorder {
  write(record: RequestLogRecord, facts: RequestFacts): void;
}
