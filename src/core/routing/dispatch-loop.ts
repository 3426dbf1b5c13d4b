// The retry/failover loop shared by unary calls and streams: try the healthy
// targets in the strategy's order; retry the same target on a retryable
// failure (backoff or retry-after) up to maxRetries, then move to the next
// (a failed target is not tried again in this request); 'stop' and 'canceled'
// end the request at once. The deadline and the attempt count bound the work.
// A route target (another route) is one target of its parent: once chosen, its
// own strategy orders its targets and its own settings govern their attempts,
// in a scope that ends with the request or at its own total deadline; when it
// is exhausted the parent moves to its next target.
// Upstream quotas (core/quotas), when composed: each attempt holds its target's
// quotas; a saturated target is passed over while another target of the plan
// has room, and only when every one is saturated does the request wait, in the
// queue of the first.
import type { Attempt } from '../../../gen/llmgateway/v1/chat_pb.js';
import { GatewayError } from '../../domain/gateway-error.js';
import { raceAbort } from './abort-utils.js';
import { canceledError, openNestedScope, startAttempt, type AttemptRun, type RequestScope, type RunDeps } from './attempt-run.js';
import { retryDecision } from './backoff.js';
import { classifyFailure } from './classify-failure.js';
import type { StartAttemptSpan } from '../tracing/attempt-spans.js';
import type { QuotaPass } from '../quotas/quota-take.js';
import type { UpstreamQuotas } from '../quotas/upstream-quotas.js';
import { hasQuota } from '../quotas/quota-subjects.js';
import type { BreakerRegistry } from './breaker-registry.js';
import { isNestedRoute, type NestedRoute, type PlanNode, type PlannedTarget, type RoutePlan } from './route-plan.js';
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
  /**
   * The scopes of the route targets the serving attempt was reached through, still open (the attempt is
   * bound to the innermost): the caller stops their deadlines once output flows, and disposes them.
   */
  nestedScopes: RequestScope[];
}

const NO_QUOTA: QuotaPass = Object.freeze({ settle() {}, release() {} });

/** One request's search: its last error, and the targets already tried when it has route targets (a failed target is not tried again in any of them). */
interface Search<T> {
  request: LoopRequest<T>;
  deps: LoopDeps;
  /** Only with route targets: without, each target is in the one order once (and the hot path allocates no set). */
  tried: Set<string> | undefined;
  lastError: unknown;
}

/** A target gave up: 'next' — try the route's next target; 'ended' — the scope's deadline ended the route's search. */
type GaveUp = 'next' | 'ended';

/** A route's targets that can still serve, in its strategy's order: not tried yet, breaker not open (a route target: one inside it). */
function orderNodes<T>(plan: RoutePlan, search: Search<T>): PlanNode[] {
  const { breakers } = search.deps;
  const canServe = (target: PlannedTarget) => search.tried?.has(target.key) !== true && breakers.get(target.key).isAvailable();
  const healthy = (plan.nodes ?? plan.targets).filter((node) => (isNestedRoute(node) ? node.plan.targets.some(canServe) : canServe(node)));
  return search.deps.selector.order(plan, healthy);
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

export function runWithFailover<T>(request: LoopRequest<T>, deps: LoopDeps): Promise<LoopSuccess<T>> {
  const search: Search<T> = { request, deps, tried: request.plan.nodes ? new Set() : undefined, lastError: undefined };
  // At the request's own scope runRoute serves or throws (see its end).
  return runRoute(request.plan, request.scope, search) as Promise<LoopSuccess<T>>;
}

/**
 * Tries the route's targets in its strategy's order until one serves; a route target runs its own plan in a
 * scope of its own. Exhausted (or its scope's deadline ended the search): a route target answers 'next' to
 * its parent; the request's own route throws the last error.
 */
async function runRoute<T>(plan: RoutePlan, scope: RequestScope, search: Search<T>): Promise<LoopSuccess<T> | 'next'> {
  const pending = orderNodes(plan, search);
  while (pending.length > 0) {
    // Without quotas (none composed, or none on these targets) the choice is synchronous: no extra await on the hot path.
    const chosen = search.deps.quotas && pending.some(needsQuota) ? await nextNode(pending, scope, search) : { node: pending.shift()!, pass: undefined };
    if (chosen === 'ended') break;
    const { node } = chosen;
    const outcome = isNestedRoute(node) ? await runNested(node, scope, search) : await runTarget(node, chosen.pass, plan, scope, search);
    if (typeof outcome === 'object') {
      search.deps.selector.served(plan, node);
      return outcome;
    }
    if (outcome === 'ended' || (scope.latch.aborted && endedHere(scope, search))) break;
  }
  if (scope !== search.request.scope) return 'next';
  throw search.lastError ?? allUnavailable(plan, search.deps.breakers);
}

async function runNested<T>(node: NestedRoute, scope: RequestScope, search: Search<T>): Promise<LoopSuccess<T> | 'next'> {
  const nested = openNestedScope(scope, node.plan.settings.totalDeadlineMs, node.plan.routeName, search.deps);
  let outcome: LoopSuccess<T> | 'next' | undefined;
  try {
    outcome = await runRoute(node.plan, nested, search);
    return outcome;
  } finally {
    if (typeof outcome === 'object') outcome.nestedScopes.push(nested);
    else nested.dispose();
  }
}

/** One provider target: retry it on a retryable failure (backoff or retry-after) up to the route's maxRetries. */
async function runTarget<T>(
  target: PlannedTarget,
  admitted: QuotaPass | undefined,
  plan: RoutePlan,
  scope: RequestScope,
  search: Search<T>,
): Promise<LoopSuccess<T> | GaveUp> {
  const { request, deps } = search;
  const { settings } = plan;
  const root = request.scope;
  let pass = admitted;
  search.tried?.add(target.key);
  const breaker = deps.breakers.get(target.key);
  for (let retry = 0; ; retry += 1) {
    if (scope.latch.aborted) {
      pass?.release(0);
      endedHere(scope, search);
      return 'ended';
    }
    // A retry is another upstream call: it takes the quotas again (waiting if need be).
    if (pass === undefined) {
      const admittedNow = hasQuota(target) ? await admitWaiting(target, scope, search) : NO_QUOTA;
      if (admittedNow === 'ended') return 'ended';
      pass = admittedNow;
    }
    const permit = breaker.tryAcquire();
    if (!permit) {
      pass.release(0);
      return 'next'; // Opened (or its probe slots filled) since the order was made.
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
      return { value, served: target, attempt, pass, nestedScopes: [] };
    } catch (caught) {
      pass.release(0);
      pass = undefined;
      const error = attempt.explain(caught);
      const failure = classifyFailure(error, settings, scope.callerSignal);
      attempt.finish(error, failure);
      if (failure === 'canceled') throw scope.callerSignal.aborted ? canceledError(scope.callerSignal.reason) : error;
      if (failure === 'stop') throw error;
      search.lastError = error;
      if (scope.latch.aborted) {
        endedHere(scope, search);
        return 'ended';
      }
      // Retrying the same target cannot help an error its adapter marked final (e.g. a spent quota).
      if (retry >= settings.maxRetries || (error instanceof GatewayError && !error.retryable)) return 'next';
      const decision = retryDecision(error, retry, settings, deps.random);
      if (decision.action === 'exhausted') return 'next'; // retry-after beyond the cap: fail over now
      const waitEndsAt = deps.now() + decision.ms;
      if (waitEndsAt > root.deadlineAt) throw error;
      if (waitEndsAt > scope.deadlineAt) return 'ended';
      try {
        await deps.sleep(decision.ms, scope.signal);
      } catch {
        endedHere(scope, search);
        return 'ended';
      }
    }
  }
}

const needsQuota = (node: PlanNode): boolean => !isNestedRoute(node) && hasQuota(node);

/**
 * Takes the next target out of `pending`: the first (in the strategy's order) whose quotas have room now
 * (a route target's quotas are its own targets', taken inside it); when every one is saturated, the first,
 * after waiting in its queue.
 */
async function nextNode<T>(pending: PlanNode[], scope: RequestScope, search: Search<T>): Promise<{ node: PlanNode; pass: QuotaPass | undefined } | 'ended'> {
  const { quotas } = search.deps;
  if (!quotas) return { node: pending.shift()!, pass: undefined };
  if (pending.length > 1) {
    for (let index = 0; index < pending.length; index += 1) {
      const candidate = pending[index]!;
      if (isNestedRoute(candidate)) return { node: pending.splice(index, 1)[0]!, pass: undefined };
      const pass = await quotas.tryAdmit(candidate, search.request.quotaTokens?.(candidate) ?? 0);
      if (pass) return { node: pending.splice(index, 1)[0]!, pass };
    }
  }
  const node = pending.shift()!;
  if (isNestedRoute(node)) return { node, pass: undefined };
  const pass = await admitWaiting(node, scope, search);
  return pass === 'ended' ? 'ended' : { node, pass };
}

async function admitWaiting<T>(target: PlannedTarget, scope: RequestScope, search: Search<T>): Promise<QuotaPass | 'ended'> {
  const { quotas } = search.deps;
  if (!quotas) return NO_QUOTA;
  try {
    return await quotas.admit(target, search.request.quotaTokens?.(target) ?? 0, scope.signal);
  } catch (error) {
    // Left while queued: the caller's cancel, or a deadline (the request's, or a route target's own).
    if (!scope.latch.aborted) throw error;
    endedHere(scope, search);
    return 'ended';
  }
}

/**
 * The scope's signal fired. The request's own (the caller left, or its deadline passed): the request ends
 * — 'canceled', or the last upstream error if any, else the deadline. A route target's own deadline ends
 * only that route's search: returns true, its parent moves on.
 */
function endedHere<T>(scope: RequestScope, search: Search<T>): true {
  const root = search.request.scope;
  if (scope === root || root.latch.aborted) {
    if (root.callerSignal.aborted) throw canceledError(root.callerSignal.reason);
    throw search.lastError ?? root.latch.reason;
  }
  search.lastError ??= scope.latch.reason;
  return true;
}
