// Dispatch: runs one request over a RoutePlan's targets with retries, failover, per-attempt timeouts, a
// total deadline and circuit breakers. Unary calls and streams share the loop in dispatch-loop.ts; a stream
// fails over only until its first non-warning chunk has reached the consumer, and is then bounded by its
// idle timeout (stream-idle-watch.ts). Attempts: each finished attempt is reported to `observer.onAttempt`
// as it ends (on success and on failure — the only way to see them when the dispatch throws), and returned
// in the result (unary) / result() (streams); the error a failed dispatch throws carries them too.
import type { Attempt, StreamChunk } from '../../../gen/llmgateway/v1/chat_pb.js';
import { GatewayError } from '../../domain/gateway-error.js';
import type { TraceSpan } from '../../domain/trace-span.js';
import type { StartAttemptSpan } from '../tracing/attempt-spans.js';
import type { UpstreamQuotas } from '../quotas/upstream-quotas.js';
import { raceAbort, realSleep, type Sleep } from './abort-utils.js';
import { canceledError, openRequestScope, type AttemptRun, type RequestScope } from './attempt-run.js';
import { createBreakerRegistry, type BreakerRegistry, type BreakerTransitionListener } from './breaker-registry.js';
import type { CircuitBreakerOptions } from './circuit-breaker.js';
import { classifyFailure } from './classify-failure.js';
import { runWithFailover, type LoopDeps } from './dispatch-loop.js';
import { withAttempts } from './failed-attempts.js';
import { createLatencyTracker, type LatencyTracker } from './latency-tracker.js';
import type { PlannedTarget, RoutePlan } from './route-plan.js';
import { closeQuietly, openUntilFirstChunk } from './open-stream.js';
import { DEFAULT_STREAM_IDLE_TIMEOUT_MS, StreamIdleWatch } from './stream-idle-watch.js';
import type { QuotaPass } from '../quotas/quota-take.js';
import { createTargetSelector, type TargetSelector } from './target-selector.js';
import type { TargetHealthSource, TargetHealthView } from './target-health.js';

export interface DispatcherOptions {
  now?: () => number;
  /** Backoff waits and timers; must reject with `signal.reason` when the signal aborts. */
  sleep?: Sleep;
  random?: () => number;
  breaker?: Partial<CircuitBreakerOptions>;
  /** Breaker transitions, for the log. */
  onBreakerTransition?: BreakerTransitionListener;
  /** Every attempt of every dispatch as it ends (the metrics), with its place in its request. */
  onAttempt?: (attempt: Attempt, kind: AttemptKind) => void;
  /** Least-latency exploration share (default 0.1). */
  explorationRate?: number;
  /** Share state with another dispatcher or inspect it in tests; built from the options above when absent. */
  breakers?: BreakerRegistry;
  latency?: LatencyTracker;
  selector?: TargetSelector;
  /** Upstream quotas and their queues (core/quotas); absent = none enforced. */
  quotas?: UpstreamQuotas;
  /** A stream whose upstream sends nothing this long after its first chunk ends with deadline_exceeded (stream-idle-watch.ts). */
  streamIdleTimeoutMs?: number;
}

/** An attempt's place in its request: the first, a retry of the same target, or a failover to another. */
export type AttemptKind = 'first' | 'retry' | 'failover';

export interface DispatchObserver {
  /** Each attempt as it ends, in order. */
  onAttempt?(attempt: Attempt, target: PlannedTarget): void;
  /** Tracing on: the span of each attempt as it starts (the dispatcher ends it with the attempt's record). */
  startAttemptSpan?: StartAttemptSpan | undefined;
  /** Upstream quotas: the tokens an attempt on `target` reserves (estimated input + max output; default 0). */
  quotaTokens?: ((target: PlannedTarget) => number) | undefined;
}

/** Unary calls: also how many tokens an answer used (the quota's window is corrected to it). */
export interface UnaryDispatchObserver<T> extends DispatchObserver {
  usedTokens?: ((value: T) => number | undefined) | undefined;
}

/** One attempt's upstream call: the target, the attempt's signal, and its span when tracing is on. */
export type AttemptCall<T> = (target: PlannedTarget, signal: AbortSignal, span: TraceSpan | undefined) => T;

export interface UnaryDispatchResult<T> {
  value: T;
  served: PlannedTarget;
  attempts: Attempt[];
}

export interface StreamDispatch {
  /** Iterate once. Breaking out early aborts the upstream call. */
  chunks: AsyncIterable<StreamChunk>;
  /** The serving target (once a chunk reached the consumer) and the attempts so far; complete once `chunks` ended. */
  result(): { served: PlannedTarget | undefined; attempts: Attempt[] };
}

export interface Dispatcher extends TargetHealthSource {
  unary<T>(
    plan: RoutePlan,
    call: AttemptCall<Promise<T>>,
    callerSignal: AbortSignal,
    observer?: UnaryDispatchObserver<T>,
  ): Promise<UnaryDispatchResult<T>>;
  stream(
    plan: RoutePlan,
    open: AttemptCall<AsyncIterable<StreamChunk>>,
    callerSignal: AbortSignal,
    observer?: DispatchObserver,
  ): StreamDispatch;
  healthOf(targetKey: string): TargetHealthView;
  readonly breakers: BreakerRegistry;
  readonly latency: LatencyTracker;
}

export function createDispatcher(options: DispatcherOptions = {}): Dispatcher {
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const breakers =
    options.breakers ??
    createBreakerRegistry({
      now,
      ...(options.breaker ? { breaker: options.breaker } : {}),
      ...(options.onBreakerTransition ? { onTransition: options.onBreakerTransition } : {}),
    });
  const latency = options.latency ?? createLatencyTracker();
  const selector =
    options.selector ??
    createTargetSelector({
      latencyOf: latency.latencyOf,
      random,
      now,
      ...(options.explorationRate === undefined ? {} : { explorationRate: options.explorationRate }),
    });
  const deps: LoopDeps = { now, sleep: options.sleep ?? realSleep, random, breakers, latency, selector, quotas: options.quotas };
  const streamIdleTimeoutMs = options.streamIdleTimeoutMs ?? DEFAULT_STREAM_IDLE_TIMEOUT_MS;

  const onAttempt = options.onAttempt;
  const recorder = (observer: DispatchObserver | undefined) => {
    const attempts: Attempt[] = [];
    let previousKey: string | undefined;
    const record = (attempt: Attempt, target: PlannedTarget) => {
      attempts.push(attempt);
      observer?.onAttempt?.(attempt, target);
      if (onAttempt) {
        onAttempt(attempt, previousKey === undefined ? 'first' : previousKey === target.key ? 'retry' : 'failover');
        previousKey = target.key;
      }
    };
    return { attempts, record };
  };

  return {
    breakers,
    latency,

    async unary(plan, call, callerSignal, observer) {
      const { attempts, record } = recorder(observer);
      const scope = openRequestScope(callerSignal, plan.settings.totalDeadlineMs, deps);
      let nestedScopes: RequestScope[] = [];
      try {
        const success = await runWithFailover(
          {
            plan,
            scope,
            record,
            finishOnSuccess: true,
            startSpan: observer?.startAttemptSpan,
            quotaTokens: observer?.quotaTokens,
            timeoutMessage: (target, ms) => `provider ${target.provider.record.id} did not answer within ${ms} ms`,
            run: (attempt) => call(attempt.target, attempt.signal, attempt.span),
          },
          deps,
        );
        nestedScopes = success.nestedScopes;
        const used = observer?.usedTokens?.(success.value);
        if (used === undefined) success.pass.release();
        else success.pass.settle(used);
        return { value: success.value, served: success.served, attempts: [...attempts] };
      } catch (error) {
        throw withAttempts(error, attempts);
      } finally {
        for (const nested of nestedScopes) nested.dispose();
        scope.dispose();
      }
    },

    stream(plan, open, callerSignal, observer) {
      const { attempts, record } = recorder(observer);
      let served: PlannedTarget | undefined;

      async function* chunks(): AsyncGenerator<StreamChunk, void, undefined> {
        const scope = openRequestScope(callerSignal, plan.settings.totalDeadlineMs, deps);
        let nestedScopes: RequestScope[] = [];
        let current: { attempt: AttemptRun; iterator: AsyncIterator<StreamChunk>; pass: QuotaPass } | undefined;
        let idle: StreamIdleWatch | undefined;
        let ended = false;
        let usedTokens: number | undefined;
        try {
          const success = await runWithFailover(
            {
              plan,
              scope,
              record,
              finishOnSuccess: false,
              startSpan: observer?.startAttemptSpan,
              quotaTokens: observer?.quotaTokens,
              timeoutMessage: (target, ms) => `provider ${target.provider.record.id} sent nothing within ${ms} ms`,
              run: (attempt) => openUntilFirstChunk(attempt, open),
            },
            deps,
          );
          served = success.served;
          nestedScopes = success.nestedScopes;
          // The total deadline bounds the search for a target (and a route target's its search inside
          // it); once output flows, a long generation (reasoning models) may take as long as it needs.
          scope.stopDeadline();
          for (const nested of nestedScopes) nested.stopDeadline();
          const { attempt } = success;
          current = { attempt, iterator: success.value.iterator, pass: success.pass };
          yield* success.value.head;
          idle = new StreamIdleWatch(attempt, streamIdleTimeoutMs, deps);
          try {
            for (;;) {
              idle.waiting();
              const next = await raceAbort(current.iterator.next(), attempt.latch);
              idle.answered();
              if (next.done) break;
              const event = next.value.event;
              if (event.case === 'usage') usedTokens = event.value.inputTokens + event.value.outputTokens;
              yield next.value;
            }
          } catch (caught) {
            // After the first chunk there is no failover: the error ends the stream.
            const error = attempt.explain(caught);
            const failure = classifyFailure(error, plan.settings, callerSignal);
            // The route's total deadline cutting a stream that was flowing is not the target's fault.
            const cutByDeadline = error === scope.latch.reason && !callerSignal.aborted;
            attempt.finish(error, cutByDeadline ? 'stop' : failure);
            ended = true;
            endPass(current.pass, usedTokens);
            throw failure === 'canceled' && callerSignal.aborted ? canceledError(callerSignal.reason) : error;
          }
          attempt.finish();
          ended = true;
          endPass(current.pass, usedTokens);
        } catch (error) {
          throw withAttempts(error, attempts);
        } finally {
          idle?.stop();
          if (current && !ended) {
            // The consumer stopped reading: abort the upstream, count nothing.
            const reason = new GatewayError('canceled', 'the consumer stopped reading the stream');
            current.attempt.abort(reason);
            current.attempt.finish(reason, 'canceled');
            endPass(current.pass, usedTokens);
            closeQuietly(current.iterator);
          }
          for (const nested of nestedScopes) nested.dispose();
          scope.dispose();
        }
      }

      return { chunks: chunks(), result: () => ({ served, attempts: [...attempts] }) };
    },

    healthOf(targetKey) {
      const snapshot = breakers.peek(targetKey)?.snapshot();
      return {
        breaker: snapshot?.state ?? 'closed',
        latencyMs: latency.latencyOf(targetKey),
        errorRate: snapshot?.errorRate ?? 0,
        consecutiveFailures: snapshot?.consecutiveFailures ?? 0,
        openUntil: snapshot?.openUntil ?? null,
        attempts: latency.attemptsOf(targetKey),
      };
    },
  };
}

/** A stream's quotas end with its usage when it reported one, else with the estimate counted. */
function endPass(pass: QuotaPass, usedTokens: number | undefined): void {
  if (usedTokens === undefined) pass.release();
  else pass.settle(usedTokens);
}
