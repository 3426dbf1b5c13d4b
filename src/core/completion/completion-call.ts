// One call of the completion pipeline (inputs in) and what it gives back
// (results out). The request context is read-only; what governance learned
// about the request (the key's rate-limit state, whether the cache answered)
// is returned next to the response, for the edge's response headers.
import type { StreamChunk, Usage } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { RequestContext } from '../../domain/request-context.js';
import type { VirtualKeyRecord } from '../../domain/virtual-key.js';
import type { RateLimitState } from '../limits/rate-limiter.js';
import type { RoutePlan } from '../routing/route-plan.js';

export interface CompletionCall<Request> {
  readonly request: Request;
  readonly key: VirtualKeyRecord;
  readonly signal: AbortSignal;
  /** Absent: an RPC with no client details (tests, internal callers). */
  readonly context?: RequestContext;
}

/** A call of the plain pipeline, as the governance steps hand it down. */
export interface CoreCall<Request> extends CompletionCall<Request> {
  /** The plan made for this request already (the governance plans before the cache lookup): dispatched as is. */
  readonly plan?: RoutePlan;
  /** A model name the key's allowed-model patterns were already checked for: an expert route the key may use chose it. */
  readonly accessGrantedFor?: string;
  /**
   * A stream that ends without its usage (the client left, the upstream broke
   * mid-stream, shutdown cut it) after a target began serving: told what was
   * consumed so far — the input and the output received, counted with the
   * tokenizer and marked estimated, at the serving model's prices.
   */
  readonly onPartialUsage?: (usage: Usage) => void;
}

export interface RequestReport {
  /** The key's rate-limit numbers after this request (x-ratelimit-* headers); undefined for a key without limits. */
  limits: RateLimitState | undefined;
  /** Whether the response cache was consulted, and whether it answered; `bypass`: the client asked it not to answer (no-cache, no-store). */
  cache: 'hit' | 'miss' | 'bypass' | undefined;
}

export interface Completed<Response> {
  response: Response;
  report: RequestReport;
}

export interface CompletedStream {
  /** Lazy: nothing runs until the first chunk is pulled; each chunk is passed on as it arrives. */
  chunks: AsyncIterable<StreamChunk>;
  /** Filled by the time the first chunk is yielded (or the stream failed), i.e. when an edge writes its headers. */
  report: RequestReport;
}
