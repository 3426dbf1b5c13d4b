// The retry/failover loop shared by unary calls and streams: try the healthy
// targets in the strategy's order; retry the same target on a retryable
// failure (backoff or retry-after) up to maxRetries, then move to the next
// (a failed target is not tried again in this request); 'stop' and 'canceled'
// end the request at once. The deadline and the attempt count bound the work.
// Upstream quotas (core/quotas), when composed: each attempt holds its target's
// quotas; a saturated target is passed over while another target of the plan
// has room, and only when every one is saturated does the request wait, in the
// queue of the first.
import type { Attempt } from '../../../gen/llmgateway/v1/chat_pb.js';
import { GatewayError } from '../../domain/gateway-error.js';
import { raceAbort } from './abort-utils.js';
import { canceledError, startAttempt, type AttemptRun, type RequestScope, type RunDeps } from './attempt-run.js';
import { retryDecision } from './backoff.js';
import { classifyFailure } from './classify-failure.js';
import type { StartAttemptSpan } from '../tracing/attempt-spans.js';
import type { QuotaPass } from '../quotas/quota-take.js';
import type { UpstreamQuotas } from '../quotas/upstream-quotas.js';
import { hasQuota } from '../quotas/quota-subjects.js';
import type { BreakerRegistry } from './breaker-registry.js';
import type { PlannedTarget, RoutePlan } from './route-plan.js';
import type { TargetSelector } from './target-selector.js';

export interface LoopDeps extends RunDeps {
  random: () => number;
  selector: TargetSelector;
  quotas?: UpstreamQuotas | undefined;
}

export interface LoopRequest<T> {
  plan: RoutePlan;
  scope: RequestScope;
  record: (attempt: Attempt, target: PlannedTarget) => void;
  timeoutMessage: (target: PlannedTarget, timeoutMs: number) => string;
  /** One attempt. Its promise is raced against `attempt.signal`. */
  run: (attempt: AttemptRun) => Promise<T>;
  /** Unary: record the attempt as 'ok' when `run` resolves. Streams record it when the stream ends. */
  finishOnSuccess: boolean;
  /** Tracing on: starts each attempt's span. */
  startSpan?: StartAttemptSpan | undefined;
  /** The tokens an attempt on `target` reserves of its tokens-per-minute quota (estimated input + max output). */
  quotaTokens?: ((target: PlannedTarget) => number) | undefined;
}

export interface LoopSuccess<T> {
  value: T;
  served: PlannedTarget;
  attempt: AttemptRun;
  /** The serving attempt's quotas: the caller settles them when the call (or its stream) ends. */
  pass: QuotaPass;
}

const NO_QUOTA: QuotaPass = Object.freeze({ settle() {}, release() {} });

/** Healthy targets in the strategy's order; throws 'unavailable' when every breaker is open. */
export function orderTargets(plan: RoutePlan, deps: LoopDeps): PlannedTarget[] {
  const healthy = plan.targets.filter((target) => deps.breakers.get(target.key).isAvailable());
  if (healthy.length === 0) throw allUnavailable(plan, deps.breakers);
  return deps.selector.order(plan, healthy);
}

export function allUnavailable(plan: RoutePlan, breakers: BreakerRegistry): GatewayError {
  const what = plan.routeName === '' ? `model ${plan.targets[0]?.key ?? '(none)'}` : `route ${plan.routeName}`;
  if (plan.targets.length === 0) return new GatewayError('unavailable', `${what} has no targets`, { retryable: true, upstreamStatus: 0 });
  // The client may come back when the first breaker lets a probe through (a full half-open one: soon).
  const waitMs = Math.min(...plan.targets.map((target) => breakers.get(target.key).msUntilProbe()));
  return new GatewayError('unavailable', `all targets of ${what} are unavailable (circuit open)`, {
    retryable: true,
    upstreamStatus: 0,
    retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
  });
}

export async function runWithFailover<T>(request: LoopRequest<T>, deps: LoopDeps): Promise<LoopSuccess<T>> {
  const { plan, scope } = request;
  const { settings } = plan;
  const pending = orderTargets(plan, deps);
  let lastError: unknown;

  while (pending.length > 0) {
    // Without quotas (none composed, or none on these targets) the choice is synchronous: no extra await on the hot path.
    const chosen = deps.quotas && pending.some(hasQuota) ? await nextTarget(pending, request, deps, lastError) : { target: pending.shift()!, pass: NO_QUOTA };
    const target = chosen.target;
    let pass: QuotaPass | undefined = chosen.pass;
    const breaker = deps.breakers.get(target.key);
    for (let retry = 0; ; retry += 1) {
      if (scope.latch.aborted) {
        pass?.release(0);
        throw endOfRequest(scope, lastError);
      }
      // A retry is another upstream call: it takes the quotas again (waiting if need be).
      pass ??= hasQuota(target) ? await admitWaiting(target, request, deps, lastError) : NO_QUOTA;
      const permit = breaker.tryAcquire();
      if (!permit) {
        pass.release(0);
        break; // Opened (or its probe slots filled) since the order was made.
      }
      const attempt = startAttempt(
        {
          target,
          permit,
          scope,
          timeoutMs: settings.attemptTimeoutMs,
          timeoutMessage: request.timeoutMessage(target, settings.attemptTimeoutMs),
          record: request.record,
          startSpan: request.startSpan,
        },
        deps,
      );
      try {
        const value = await raceAbort(request.run(attempt), attempt.latch);
        if (request.finishOnSuccess) attempt.finish();
        deps.selector.served(plan, target);
        return { value, served: target, attempt, pass };
      } catch (caught) {
        pass.release(0);
        pass = undefined;
        const error = attempt.explain(caught);
        const failure = classifyFailure(error, settings, scope.callerSignal);
        attempt.finish(error, failure);
        if (failure === 'canceled') throw scope.callerSignal.aborted ? canceledError(scope.callerSignal.reason) : error;
        if (failure === 'stop') throw error;
        lastError = error;
        if (scope.latch.aborted) throw endOfRequest(scope, lastError);
        // Retrying the same target cannot help an error its adapter marked final (e.g. a spent quota).
        if (retry >= settings.maxRetries || (error instanceof GatewayError && !error.retryable)) break;
        const decision = retryDecision(error, retry, settings, deps.random);
        if (decision.action === 'exhausted') break; // retry-after beyond the cap: fail over now
        if (deps.now() + decision.ms > scope.deadlineAt) throw lastError;
        try {
          await deps.sleep(decision.ms, scope.signal);
        } catch {
          throw endOfRequest(scope, lastError);
        }
      }
    }
  }
  throw lastError ?? allUnavailable(plan, deps.breakers);
}

/**
 * Takes the next target out of `pending`: the first (in the strategy's order) whose
 * quotas have room now; when every one is saturated, the first, after waiting in its queue.
 */
async function nextTarget<T>(
  pending: PlannedTarget[],
  request: LoopRequest<T>,
  deps: LoopDeps,
  lastError: unknown,
): Promise<{ target: PlannedTarget; pass: QuotaPass }> {
  const quotas = deps.quotas;
  if (!quotas) return { target: pending.shift()!, pass: NO_QUOTA };
  if (pending.length > 1) {
    for (let index = 0; index < pending.length; index += 1) {
      const candidate = pending[index]!;
      const pass = await quotas.tryAdmit(candidate, request.quotaTokens?.(candidate) ?? 0);
      if (pass) return { target: pending.splice(index, 1)[0]!, pass };
    }
  }
  const target = pending.shift()!;
  return { target, pass: await admitWaiting(target, request, deps, lastError) };
}

async function admitWaiting<T>(target: PlannedTarget, request: LoopRequest<T>, deps: LoopDeps, lastError: unknown): Promise<QuotaPass> {
  if (!deps.quotas) return NO_QUOTA;
  const { scope } = request;
  try {
    return await deps.quotas.admit(target, request.quotaTokens?.(target) ?? 0, scope.signal);
  } catch (error) {
    // Left while queued: the caller's cancel, or the route's deadline (then the last upstream error, if any).
    throw scope.latch.aborted ? endOfRequest(scope, lastError) : error;
  }
}

/** The request's own signal fired: the caller left ('canceled') or the deadline passed (the last error, if any). */
function endOfRequest(scope: RequestScope, lastError: unknown): unknown {
  if (scope.callerSignal.aborted) return canceledError(scope.callerSignal.reason);
  return lastError ?? scope.latch.reason;
}
