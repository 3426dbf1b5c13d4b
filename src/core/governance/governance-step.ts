// The shape of one governance step. Steps are composed once (see
// governed-completion.ts) and run for every call, unary, streamed or
// embeddings, like middleware: each step enters before the upstream call (it
// may refuse, re-aim or rewrite the request), may wrap the upstream call, and
// ends after it (settles or gives back what it took, writes what it records).
import type { ChatRequest, ChatResponse, RouteInfo, StreamChunk, Usage } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { EmbedRequest, EmbedResponse } from '../../../gen/llmgateway/v1/completion_service_pb.js';
import type { MediaRequest, MediaResponse } from '../../domain/media.js';
import type { RequestContext } from '../../domain/request-context.js';
import type { MediaLogOperation } from '../../domain/request-log.js';
import type { VirtualKeyRecord } from '../../domain/virtual-key.js';
import type { RequestReport } from '../completion/completion-call.js';
import type { RoutePlan } from '../routing/route-plan.js';
import type { InputEstimate } from './request-facts.js';

interface CallBase {
  readonly key: VirtualKeyRecord;
  /** The caller's signal; in the pipeline, one that shutdown's cut aborts too (in-flight-calls.ts). */
  signal: AbortSignal;
  readonly context: RequestContext;
  /** Set by the routing step; the dispatch uses it instead of planning again. */
  plan: RoutePlan | undefined;
  /** Set by the budget step when it counted the input (observers reuse the count instead of tokenizing again). */
  inputEstimate?: InputEstimate;
}

export interface ChatCall extends CallBase {
  readonly operation: 'chat';
  readonly stream: boolean;
  /** As the client sent it until the routing step re-aims it (expert) and rewrites it (prompt rules). */
  request: ChatRequest;
  /** Set by the cache step when the response cache answers this call first (its cache key). */
  cacheKey?: string;
  /**
   * A refusal a stored answer still avoids (the budget step's: a hit costs nothing): the cache step then
   * serves a stored answer, or throws this instead of calling upstream.
   */
  refusedUnlessCached?: unknown;
}

export interface EmbedCall extends CallBase {
  readonly operation: 'embeddings';
  readonly stream: false;
  request: EmbedRequest;
}

/** OpenAI's media endpoints: limits, budget, the request log and tracing apply; no cache, no prompt rules. */
export interface MediaCall extends CallBase {
  readonly operation: MediaLogOperation;
  /** The client asked for server-sent events (domain/media.ts, asksForEvents). */
  readonly stream: boolean;
  request: MediaRequest;
}

/** One governed call: the steps read it, and the routing step updates `request` and `plan`. */
export type GovernedCall = ChatCall | EmbedCall | MediaCall;

/** What a call produced: filled while it runs, read by the steps when it ends. */
export interface CallOutcome {
  /** Returned to the edge (response headers). */
  readonly report: RequestReport;
  /** running → ok (answered in full) or failed (`error`; a client that stopped reading a stream: canceled). */
  status: 'running' | 'ok' | 'failed';
  error: unknown;
  /** The unary answer. */
  response: ChatResponse | EmbedResponse | MediaResponse | undefined;
  /** The last route seen (a stream's last route event is authoritative: attempts, and whether the cache answered). */
  route: RouteInfo | undefined;
  usage: Usage | undefined;
  cacheHit: boolean;
  /** When the first output (text, reasoning, tool call) streamed; null for unary calls. */
  firstOutputAt: number | null;
}

/** A call's outcome before it runs. */
export function startOutcome(): CallOutcome {
  return {
    report: { limits: undefined, cache: undefined },
    status: 'running',
    error: undefined,
    response: undefined,
    route: undefined,
    usage: undefined,
    cacheHit: false,
    firstOutputAt: null,
  };
}

export type UnaryUpstream = (signal: AbortSignal) => Promise<ChatResponse>;
export type StreamUpstream = (signal: AbortSignal) => AsyncIterable<StreamChunk>;

/** What a step does for one call after entering it. */
export interface StepRun {
  /** Wraps a unary chat call (the cache answers it or shares one upstream call). */
  complete?(next: UnaryUpstream): Promise<ChatResponse>;
  /** Wraps a streamed chat call, lazily and chunk by chunk. */
  stream?(next: StreamUpstream): AsyncIterable<StreamChunk>;
  /** The route the pipeline reports (the unary answer's, each stream route event): the step may annotate it. */
  route?(route: RouteInfo): void;
  /** Each streamed chunk as it passes, synchronously (streams are not buffered). */
  chunk?(chunk: StreamChunk): void;
  /** The call is over (outcome.status says how). Runs in reverse order of entering; must not throw. */
  end?(outcome: CallOutcome): void;
  /**
   * The end only records what happened (the request-log row): on a unary call it runs once the
   * answer has been handed back and written, off the client's latency, after the other steps' ends.
   */
  endsBehindAnswer?: boolean;
}

export interface GovernanceStep {
  /**
   * Before the upstream call, in composition order. Throwing refuses the
   * request: the steps entered before end as failed, later ones never enter.
   * Undefined: the step has nothing to do for this call.
   */
  enter(call: GovernedCall, outcome: CallOutcome): StepRun | undefined | Promise<StepRun | undefined>;
}
