// The bookkeeping of one request (caller signal + total deadline) and of each
// attempt within it (its own AbortController and timeout, then one `Attempt`
// record and one breaker/latency outcome).
import { create } from '@bufbuild/protobuf';
import { durationFromMs } from '@bufbuild/protobuf/wkt';
import { AttemptSchema, type Attempt } from '../../../gen/llmgateway/v1/chat_pb.js';
import { GatewayError } from '../../domain/gateway-error.js';
import type { TraceSpan } from '../../domain/trace-span.js';
import { classifyCondition, type UpstreamCondition } from '../../domain/upstream-condition.js';
import { endAttemptSpan, type StartAttemptSpan } from '../tracing/attempt-spans.js';
import { AbortLatch } from './abort-latch.js';
import { startTimer, type Sleep } from './abort-utils.js';
import type { BreakerRegistry } from './breaker-registry.js';
import type { BreakerPermit } from './circuit-breaker.js';
import type { FailureClass } from './classify-failure.js';
import type { LatencyTracker } from './latency-tracker.js';
import type { PlannedTarget } from './route-plan.js';

export interface RunDeps {
  now: () => number;
  sleep: Sleep;
  breakers: BreakerRegistry;
  latency: LatencyTracker;
}

export interface RequestScope {
  /** Aborts on the caller's abort (reason: a 'canceled' GatewayError) or at the deadline ('deadline_exceeded'). */
  readonly latch: AbortLatch;
  /** The latch as an AbortSignal, made on first use (backoff sleeps between retries). */
  readonly signal: AbortSignal;
  readonly callerSignal: AbortSignal;
  readonly deadlineAt: number;
  /** Streams, once output flows: the total deadline no longer applies (the caller's abort still does). */
  stopDeadline(): void;
  dispose(): void;
}

export function openRequestScope(callerSignal: AbortSignal, totalDeadlineMs: number, deps: RunDeps): RequestScope {
  const latch = new AbortLatch();
  const onCallerAbort = () => latch.abort(canceledError(callerSignal.reason));
  if (callerSignal.aborted) onCallerAbort();
  else callerSignal.addEventListener('abort', onCallerAbort, { once: true });
  const stopTimer = startTimer(deps.sleep, totalDeadlineMs, () => latch.abort(deadlineError(`the total deadline of ${totalDeadlineMs} ms passed`)));
  return scopeOf(latch, callerSignal, deps.now() + totalDeadlineMs, stopTimer, () => callerSignal.removeEventListener('abort', onCallerAbort));
}

/**
 * The search inside a route target (another route): it ends with the request (the caller's abort, the
 * request's deadline), or at the nested route's own total deadline — which ends only that route's search.
 */
export function openNestedScope(parent: RequestScope, totalDeadlineMs: number, routeName: string, deps: RunDeps): RequestScope {
  const latch = new AbortLatch();
  const unlinkParent = parent.latch.subscribe((reason) => latch.abort(reason));
  const ownDeadlineAt = deps.now() + totalDeadlineMs;
  // The parent's deadline comes first: its own timer says so.
  const stopTimer =
    ownDeadlineAt < parent.deadlineAt
      ? startTimer(deps.sleep, totalDeadlineMs, () => latch.abort(deadlineError(`the total deadline of ${totalDeadlineMs} ms of route ${routeName} passed`)))
      : () => {};
  return scopeOf(latch, parent.callerSignal, Math.min(ownDeadlineAt, parent.deadlineAt), stopTimer, unlinkParent);
}

function deadlineError(message: string): GatewayError {
  return new GatewayError('deadline_exceeded', message, { retryable: true, upstreamStatus: 0 });
}

function scopeOf(latch: AbortLatch, callerSignal: AbortSignal, deadlineAt: number, stopTimer: () => void, unlink: () => void): RequestScope {
  let signalController: AbortController | undefined;
  let unlinkSignal = () => {};
  let timerStopped = false;
  const stopDeadline = () => {
    if (timerStopped) return;
    timerStopped = true;
    stopTimer();
  };
  return {
    latch,
    get signal() {
      if (!signalController) {
        const controller = (signalController = new AbortController());
        unlinkSignal = latch.subscribe((reason) => controller.abort(reason));
      }
      return signalController.signal;
    },
    callerSignal,
    deadlineAt,
    stopDeadline,
    dispose() {
      stopDeadline();
      unlinkSignal();
      unlink();
    },
  };
}

export function canceledError(cause?: unknown): GatewayError {
  if (cause instanceof GatewayError && cause.kind === 'canceled') return cause;
  return new GatewayError('canceled', 'the request was canceled by the caller', cause === undefined ? {} : { cause });
}

export interface AttemptRun {
  readonly target: PlannedTarget;
  /** The attempt's span (tracing on), ended by finish(). */
  readonly span: TraceSpan | undefined;
  /** Aborts on the caller's abort, the total deadline, the attempt timeout, or abort(); goes to the SDK call. */
  readonly signal: AbortSignal;
  /** Aborted exactly when `signal` is, with the same reason (for the dispatcher's own races). */
  readonly latch: AbortLatch;
  /** Streams: the first chunk arrived — stops the first-chunk timeout and samples latency. */
  markFirstChunk(): void;
  /** The error to report for a failure: the timeout/deadline/cancel that aborted the attempt, else `error`. */
  explain(error: unknown): unknown;
  abort(reason: GatewayError): void;
  /** Records the attempt once (later calls are ignored); no error = 'ok'. */
  finish(error?: unknown, failure?: FailureClass): void;
}

export interface AttemptRunOptions {
  target: PlannedTarget;
  permit: BreakerPermit;
  scope: RequestScope;
  /** ≤ 0: none. Unary: the whole attempt; streams: until markFirstChunk(). */
  timeoutMs: number;
  timeoutMessage: string;
  record: (attempt: Attempt, target: PlannedTarget) => void;
  /** Tracing on: starts the attempt's span. */
  startSpan?: StartAttemptSpan | undefined;
}

export function startAttempt(options: AttemptRunOptions, deps: RunDeps): AttemptRun {
  const { target, permit } = options;
  const startedAt = deps.now();
  const controller = new AbortController();
  const latch = new AbortLatch();
  const abortWith = (reason: unknown) => {
    if (latch.aborted) return;
    latch.abort(reason);
    controller.abort(reason);
  };
  const unlinkScope = options.scope.latch.subscribe(abortWith);
  const provider = target.provider.record.id;
  const span = options.startSpan?.(target);
  // Built only when the timer fires: most attempts never time out.
  let timeoutError: GatewayError | undefined;
  const stopTimer =
    options.timeoutMs > 0
      ? startTimer(deps.sleep, options.timeoutMs, () => {
          timeoutError = upstreamConditionError({ type: 'timeout' }, options.timeoutMessage, provider);
          abortWith(timeoutError);
        })
      : () => {};
  let latencySampled = false;
  let finished = false;

  const sampleLatency = () => {
    if (latencySampled) return;
    latencySampled = true;
    deps.latency.observe(target.key, deps.now() - startedAt);
  };

  return {
    target,
    span,
    signal: controller.signal,
    latch,
    markFirstChunk() {
      stopTimer();
      sampleLatency();
    },
    explain(error) {
      return latch.aborted && latch.reason instanceof GatewayError ? latch.reason : error;
    },
    abort(reason) {
      abortWith(reason);
    },
    finish(error, failure) {
      if (finished) return;
      finished = true;
      stopTimer();
      unlinkScope();
      const breaker = deps.breakers.get(target.key);
      deps.latency.countAttempt(target.key);
      if (error === undefined) {
        sampleLatency();
        breaker.succeed(permit);
      } else {
        // A timed-out target was at least this slow: least-latency should see it.
        if (timeoutError !== undefined && error === timeoutError) sampleLatency();
        if (failure === 'retryable') breaker.fail(permit);
        else breaker.release(permit);
      }
      const gatewayError = error instanceof GatewayError ? error : undefined;
      const attempt = create(AttemptSchema, {
        providerId: provider,
        upstreamModel: target.target.upstreamModel,
        outcome: error === undefined ? 'ok' : (gatewayError?.kind ?? 'internal'),
        duration: durationFromMs(Math.max(0, deps.now() - startedAt)),
        upstreamStatus: gatewayError?.upstreamStatus ?? 0,
      });
      options.record(attempt, target);
      if (span) endAttemptSpan(span, attempt, error);
    },
  };
}

/** A condition the dispatcher itself observes (a timeout, a stream that ended empty), classified by the one taxonomy. */
export function upstreamConditionError(condition: UpstreamCondition, message: string, provider: string): GatewayError {
  const { kind, retryable, upstreamStatus } = classifyCondition(condition);
  return new GatewayError(kind, message, { provider, retryable, upstreamStatus });
}
