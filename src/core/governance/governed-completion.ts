// The completion pipeline as the edges call it: the plain pipeline wrapped in governance steps, composed
// once here and run the same way for unary chat, streamed chat, embeddings and media. Each step is its own file:
//   request-log-step  one request-log row behind every call (outermost: refused calls are logged too)
//   trace-step        (tracing on) what the pipeline learned, on the request's server span
//   limits-step       the key's rate limits (and an exhausted budget), admitted up front, settled after
//   routing-step      expert choice, the plan, prompt rules
//   cache-step        the response cache around the upstream call
//   budget-step       the key's budget: the request's worst case reserved, its consumption charged after
//                     (a request it cannot fit is still served a stored answer: the cache step decides)
import type { ChatRequest, ChatResponse, StreamChunk, Usage } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { EmbedRequest, EmbedResponse } from '../../../gen/llmgateway/v1/completion_service_pb.js';
import { GatewayError } from '../../domain/gateway-error.js';
import { DEFAULT_BUDGET_OUTPUT_RESERVE_TOKENS } from '../../domain/virtual-key.js';
import { requestContext } from '../../domain/request-context.js';
import type { ResponseCache } from '../cache/response-cache.js';
import type { CompletedStream, Completed, CompletionCall, CoreCall } from '../completion/completion-call.js';
import type { CompletionCore } from '../completion/completion-core.js';
import type { PromptRuleTable } from '../prompt-rules/prompt-rule-table.js';
import type { AdmissionControl } from './admission.js';
import { budgetStep } from './budget-step.js';
import { cacheStep } from './cache-step.js';
import type { ExpertSelection } from './choose-expert.js';
import { startOutcome, type CallOutcome, type ChatCall, type EmbedCall, type GovernanceStep, type GovernedCall, type MediaCall, type StepRun } from './governance-step.js';
import { asksForEvents, MEDIA_LOG_OPERATION, type MediaRequest, type MediaResponse } from '../../domain/media.js';
import { failedRouteOf } from './failed-route.js';
import { createInFlightCalls, type InFlightCall, type InFlightCalls } from './in-flight-calls.js';
import { limitsStep } from './limits-step.js';
import { refusedCallPlanner } from './refused-call-plan.js';
import type { RequestRecorder } from './request-facts.js';
import { markLoggedFailure } from './logged-failures.js';
import { recordRefusedRequest, type RefusedRequest } from './refused-request.js';
import { requestLogStep } from './request-log-step.js';
import { routingStep } from './routing-step.js';
import { handOverStream } from './streamed-media.js';
import { traceStep } from './trace-step.js';

export interface GovernedCompletion {
  complete(call: CompletionCall<ChatRequest>): Promise<Completed<ChatResponse>>;
  stream(call: CompletionCall<ChatRequest>): CompletedStream;
  embed(call: CompletionCall<EmbedRequest>): Promise<Completed<EmbedResponse>>;
  media(call: CompletionCall<MediaRequest>): Promise<Completed<MediaResponse>>;
  countTokens: CompletionCore['countTokens'];
  listModels: CompletionCore['listModels'];
  plan: CompletionCore['plan'];
  /** Writes the row of a request an edge refused before it became a call (refused-request.ts). */
  refused(request: RefusedRequest): void;
}

export interface GovernanceOptions extends AdmissionControl {
  core: CompletionCore;
  /** Prompt rules of the key and of the route the client named. */
  rules: PromptRuleTable;
  /** Expert routes: the route table, the classifier, and where decisions are recorded. */
  experts: ExpertSelection;
  /** Absent: no response cache. */
  cache: ResponseCache | undefined;
  /** Told each finished call: its request-log row and the facts beside it. */
  log: RequestRecorder;
  /** The calls in flight, for shutdown (default: a tracker of its own). */
  inFlight?: InFlightCalls;
  /** Output tokens a budget reserves for a request that sets no maximum (default 4096). */
  budgetOutputReserveTokens?: number;
  now?: () => number;
}

export function createGovernedCompletion(options: GovernanceOptions): GovernedCompletion {
  const now = options.now ?? Date.now;
  const { core } = options;
  const steps = [
    requestLogStep({ log: options.log, now }),
    traceStep(),
    // Limits before routing: a refused key must not even cost a classifier call.
    limitsStep(options, refusedCallPlanner(core, options.experts.routes)),
    routingStep({ core, rules: options.rules, experts: options.experts, now }),
    // The cache before the budget: a request its budget cannot fit is still served a stored (free) answer.
    cacheStep(options.cache),
    budgetStep({ budgets: options.budgets, defaultOutputTokens: options.budgetOutputReserveTokens ?? DEFAULT_BUDGET_OUTPUT_RESERVE_TOKENS }),
  ];
  const governed = composeGovernance(core, steps, now, options.inFlight);
  governed.refused = (request) => recordRefusedRequest(options.log, request, now());
  return governed;
}

const OUTPUT_EVENTS = new Set<StreamChunk['event']['case']>(['textDelta', 'reasoningDelta', 'toolCallStart', 'toolCallDelta']);

/** Enters the steps in order; the runs entered so far are in `runs` (also when a step refuses). */
async function enterSteps(steps: readonly GovernanceStep[], call: GovernedCall, outcome: CallOutcome, runs: StepRun[]): Promise<void> {
  for (const step of steps) {
    const entered = step.enter(call, outcome);
    const run = entered instanceof Promise ? await entered : entered;
    if (run) runs.push(run);
  }
}

/** Ends the runs in reverse order of entering: all of them, or (`behindAnswer`) only those that end behind the answer, or only the others. */
function endSteps(runs: readonly StepRun[], outcome: CallOutcome, behindAnswer?: boolean): void {
  for (let index = runs.length - 1; index >= 0; index -= 1) {
    const run = runs[index]!;
    if (behindAnswer === undefined || (run.endsBehindAnswer === true) === behindAnswer) run.end?.(outcome);
  }
}

/** The steps' per-chunk observers, or undefined when no step asked (the common case). */
function chunkObserversOf(runs: readonly StepRun[]): Array<(chunk: StreamChunk) => void> | undefined {
  let observers: Array<(chunk: StreamChunk) => void> | undefined;
  for (const run of runs) if (run.chunk) (observers ??= []).push(run.chunk);
  return observers;
}

/** What a governed call takes from the edge's call; no plan until the routing step makes one. */
function callFields<Request>(call: CompletionCall<Request>) {
  return { request: call.request, key: call.key, signal: call.signal, context: call.context ?? requestContext({ surface: 'rpc' }), plan: undefined };
}

function endRecording(runs: readonly StepRun[], outcome: CallOutcome, flight: InFlightCall): void {
  try {
    endSteps(runs, outcome, true);
  } finally {
    flight.end();
  }
}

type WrapOf<Result> = (run: StepRun) => ((next: (signal: AbortSignal) => Result) => Result) | undefined;
const wrapComplete: WrapOf<Promise<ChatResponse>> = (run) => run.complete?.bind(run);
const wrapStream: WrapOf<AsyncIterable<StreamChunk>> = (run) => run.stream?.bind(run);

/**
 * The upstream call, wrapped by the steps that wrap it, the first step outermost. `upstream` takes
 * the call as an argument rather than closing over it, and the chain is made only when a step wraps:
 * a function made per request loses its optimized code at every full garbage collection
 * (docs/performance.md, "Closures made per request").
 */
function callUpstream<Call, Result>(
  runs: readonly StepRun[],
  wrapOf: WrapOf<Result>,
  upstream: (call: Call, signal: AbortSignal) => Result,
  call: Call,
  signal: AbortSignal,
): Result {
  let invoke: ((signal: AbortSignal) => Result) | undefined;
  for (let index = runs.length - 1; index >= 0; index -= 1) {
    const wrap = wrapOf(runs[index]!);
    if (wrap) {
      const inner = invoke ?? ((innerSignal: AbortSignal) => upstream(call, innerSignal));
      // A wrapping step calls `next` with its own signal (the cache: one shared by the callers of a flight).
      invoke = () => wrap(inner);
    }
  }
  return invoke ? invoke(signal) : upstream(call, signal);
}

/** `steps` in order of entering (the first ends last). No steps: the plain pipeline with the governed call shapes. */
export function composeGovernance(
  core: CompletionCore,
  steps: readonly GovernanceStep[],
  now: () => number = Date.now,
  inFlight: InFlightCalls = createInFlightCalls(),
): GovernedCompletion {
  /** With `call`: a failure after upstream attempts gets the route they were made on (failed-route.ts). */
  const failed = (outcome: CallOutcome, error: unknown, call?: GovernedCall, runs?: readonly StepRun[]): unknown => {
    outcome.status = 'failed';
    outcome.error = inFlight.failureOf(error);
    markLoggedFailure(error);
    const route = call && outcome.route === undefined ? failedRouteOf(error, call.plan) : undefined;
    if (route) {
      for (const run of runs ?? []) run.route?.(route);
      outcome.route = route;
    }
    const answer = inFlight.answerOf(error);
    if (answer !== error) markLoggedFailure(answer);
    return answer;
  };
  const chatCall = (call: CompletionCall<ChatRequest>, stream: boolean): ChatCall => ({ operation: 'chat', stream, ...callFields(call) });
  /** What the plain pipeline is handed: the request as the steps left it, and the routing step's plan. */
  const coreCall = <Request>(call: GovernedCall & { request: Request }, signal: AbortSignal): CoreCall<Request> => ({
    request: call.request,
    key: call.key,
    signal,
    context: call.context,
    plan: call.plan,
  });

  const completeUpstream = (call: ChatCall, signal: AbortSignal) => core.complete(coreCall(call, signal));
  const embedUpstream = (call: EmbedCall, signal: AbortSignal) => core.embed(coreCall(call, signal));
  const mediaUpstream = (call: MediaCall, signal: AbortSignal) => core.media(coreCall(call, signal));
  const streamUpstream = ({ call, onPartialUsage }: { call: ChatCall; onPartialUsage: (usage: Usage) => void }, signal: AbortSignal) =>
    core.stream({ request: call.request, key: call.key, signal, context: call.context, plan: call.plan, onPartialUsage });

  /** Unary chat and embeddings: enter, call (wrapped by the steps that wrap it, `wrapOf`), end. */
  async function unary<Call extends GovernedCall, Response extends ChatResponse | EmbedResponse | MediaResponse>(
    call: Call,
    upstream: (call: Call, signal: AbortSignal) => Promise<Response>,
    wrapOf?: WrapOf<Promise<Response>>,
  ): Promise<Completed<Response>> {
    const outcome = startOutcome();
    const runs: StepRun[] = [];
    const flight = inFlight.begin(call.signal);
    call.signal = flight.signal;
    let streaming = false;
    try {
      await enterSteps(steps, call, outcome, runs);
      const response = await (wrapOf ? callUpstream(runs, wrapOf, upstream, call, call.signal) : upstream(call, call.signal));
      const route = response.route;
      if (route) for (const run of runs) run.route?.(route);
      outcome.response = response;
      outcome.route = route;
      outcome.usage = response.usage;
      // A streamed media answer ends the call when its parts end (streamed-media.ts).
      streaming = handOverStream(response, outcome, now, (error) => {
        const answer = error === undefined ? undefined : failed(outcome, error, call, runs);
        if (error === undefined) outcome.status = 'ok';
        endSteps(runs, outcome);
        flight.end();
        return answer;
      });
      if (!streaming) outcome.status = 'ok';
      return { response, report: outcome.report };
    } catch (error) {
      throw failed(outcome, error, call, runs);
    } finally {
      // Settlements now (the answer's rate-limit headers carry their state); the recording steps behind
      // the answer: a tick queued here runs once the microtasks drain — after an edge that writes the
      // answer as soon as it has it (the REST shims, the RPC fast path) has rendered and written it. The
      // call counts as in flight until then, so shutdown still waits for its row.
      if (!streaming) {
        endSteps(runs, outcome, false);
        process.nextTick(endRecording, runs, outcome, flight);
      }
    }
  }

  /** Lazy like any generator: the steps enter when the first chunk is pulled. */
  async function* streamed(call: ChatCall, outcome: CallOutcome): AsyncGenerator<StreamChunk> {
    const runs: StepRun[] = [];
    const flight = inFlight.begin(call.signal);
    call.signal = flight.signal;
    try {
      await enterSteps(steps, call, outcome, runs);
      // A stream cut short is charged for what it consumed: the core reports it before this generator ends.
      const onPartialUsage = (usage: Usage) => {
        if (outcome.status === 'running' && !outcome.usage) outcome.usage = usage;
      };
      const chunks = callUpstream(runs, wrapStream, streamUpstream, { call, onPartialUsage }, call.signal);
      // Per-chunk work stays synchronous and allocation-free; observers exist only for steps that asked.
      const observers = chunkObserversOf(runs);
      for await (const chunk of chunks) {
        const event = chunk.event;
        if (outcome.firstOutputAt === null && OUTPUT_EVENTS.has(event.case)) outcome.firstOutputAt = now();
        if (event.case === 'usage') outcome.usage = event.value;
        else if (event.case === 'route') {
          for (const run of runs) run.route?.(event.value);
          outcome.route = event.value;
          outcome.cacheHit = event.value.cacheHit;
        }
        if (observers) for (const observe of observers) observe(chunk);
        yield chunk;
      }
      outcome.status = 'ok';
    } catch (error) {
      throw failed(outcome, error, call, runs);
    } finally {
      // Still running: the consumer stopped early (the client left); nothing more will come.
      if (outcome.status === 'running') failed(outcome, new GatewayError('canceled', 'the client stopped reading the stream'));
      endSteps(runs, outcome);
      flight.end();
    }
  }

  return {
    complete(call) {
      return unary(chatCall(call, false), completeUpstream, wrapComplete);
    },

    stream(call) {
      const outcome = startOutcome();
      return { chunks: streamed(chatCall(call, true), outcome), report: outcome.report };
    },

    embed(call) {
      return unary<EmbedCall, EmbedResponse>({ operation: 'embeddings', stream: false, ...callFields(call) }, embedUpstream);
    },

    media(call) {
      const { operation } = call.request;
      return unary<MediaCall, MediaResponse>({ operation: MEDIA_LOG_OPERATION[operation], stream: asksForEvents(call.request), ...callFields(call) }, mediaUpstream);
    },

    // Deliberately not governed (as before the steps were composed here): counting tokens and
    // listing models generate nothing, so no limits, budget, cache or request-log row apply;
    // plan is what the routing step itself calls.
    countTokens: core.countTokens,
    listModels: core.listModels,
    plan: core.plan,
    // Without the request-log step (createGovernedCompletion adds it) there is no row to write.
    refused() {},
  };
}
