// Upstream quotas with a bounded FIFO queue per target (provider model).
// A request takes its target's quotas (quota-take.ts) before the upstream call;
// over quota it waits in the target's queue — at most `maxLength` waiting, each
// at most `maxWait` — and the head of the queue takes the quotas again when a
// slot of this process frees (at once) or after the limiter's retry-after
// (at most `pollMs` for concurrency, whose slots other replicas free unseen).
// Only the head tries, so the queue is served in order; a newcomer never
// overtakes a waiting request. The counting is the rate limiter's: in memory,
// through the --workers primary, or in Redis shared by every replica.
import { GatewayError } from '../../domain/gateway-error.js';
import type { ProviderRecord, RequestQueueRecord } from '../../domain/provider.js';
import type { RateLimitError } from '../limits/limit-errors.js';
import type { RateLimiter } from '../limits/rate-limiter.js';
import type { PlannedTarget } from '../routing/route-plan.js';
import { UpstreamQuotaError, type QuotaRefusalCause } from './quota-error.js';
import { describeQuota, subjectsOf, type QuotaSubject } from './quota-subjects.js';
import { takeQuotas, type QuotaPass } from './quota-take.js';

export interface QuotaObserver {
  /** A request got its quotas after waiting this long in the queue (0: at once). */
  waited(providerId: string, upstreamModel: string, seconds: number): void;
  rejected(providerId: string, upstreamModel: string, cause: QuotaRefusalCause): void;
}

export interface UpstreamQuotasOptions {
  limiter: RateLimiter;
  /** GATEWAY_UPSTREAM_QUEUE_*: for providers without queue settings of their own. */
  defaultQueue: RequestQueueRecord;
  observer?: QuotaObserver;
  now?: () => number;
  /** The longest a queue head waits before asking the limiter again (default 100 ms). */
  pollMs?: number;
}

/** This process's view of one target with a quota. */
export interface QuotaGateStats {
  providerId: string;
  upstreamModel: string;
  subjects: readonly QuotaSubject[];
  inFlight: number;
  queueDepth: number;
}

export interface UpstreamQuotas {
  /** Takes the target's quotas now, or undefined when it is saturated or has a queue (never waits). */
  tryAdmit(target: PlannedTarget, estimatedTokens: number): Promise<QuotaPass | undefined>;
  /** Takes them, waiting in the target's queue; rejects with UpstreamQuotaError, or `signal.reason`. */
  admit(target: PlannedTarget, estimatedTokens: number, signal: AbortSignal): Promise<QuotaPass>;
  stats(): QuotaGateStats[];
  readonly limiter: RateLimiter;
}

interface Waiter {
  readonly estimate: number;
  readonly since: number;
  grant(pass: QuotaPass): void;
  fail(error: unknown): void;
}

interface Gate {
  readonly providerId: string;
  readonly upstreamModel: string;
  subjects: QuotaSubject[];
  queue: Waiter[];
  inFlight: number;
  serving: boolean;
  lastRefusal: RateLimitError | undefined;
  /** The quota that refused last (what a refusal names). */
  lastRefusedBy: QuotaSubject | undefined;
  wake: (() => void) | undefined;
}

const FREE_PASS: QuotaPass = Object.freeze({ settle() {}, release() {} });

export function createUpstreamQuotas(options: UpstreamQuotasOptions): UpstreamQuotas {
  const { limiter, observer } = options;
  const now = options.now ?? Date.now;
  const pollMs = options.pollMs ?? 100;
  const gates = new Map<string, Gate>();

  const gateOf = (target: PlannedTarget): Gate => {
    let gate = gates.get(target.key);
    if (!gate) {
      gate = { providerId: target.provider.record.id, upstreamModel: target.model.upstreamModel, subjects: [], queue: [], inFlight: 0, serving: false, lastRefusal: undefined, lastRefusedBy: undefined, wake: undefined };
      gates.set(target.key, gate);
    }
    // The records are the catalog's current ones: an admin change applies to the next request.
    gate.subjects = subjectsOf(target.provider.record, target.model);
    return gate;
  };

  /** Wakes every queue that shares a subject with `gate` (a slot of theirs may have freed). */
  const wakeSharing = (gate: Gate) => {
    const ids = new Set(gate.subjects.map((subject) => subject.id));
    for (const other of gates.values()) if (other.wake && other.subjects.some((subject) => ids.has(subject.id))) other.wake();
  };

  const held = (gate: Gate, pass: QuotaPass, since: number): QuotaPass => {
    gate.inFlight += 1;
    observer?.waited(gate.providerId, gate.upstreamModel, Math.max(0, now() - since) / 1000);
    let done = false;
    const finish = (end: () => void) => {
      if (done) return;
      done = true;
      gate.inFlight -= 1;
      end();
      wakeSharing(gate);
    };
    return { settle: (tokens) => finish(() => pass.settle(tokens)), release: (tokens) => finish(() => pass.release(tokens)) };
  };

  const refusal = (gate: Gate, cause: QuotaRefusalCause, waitedMs: number, queue: RequestQueueRecord): UpstreamQuotaError => {
    observer?.rejected(gate.providerId, gate.upstreamModel, cause);
    const refused = gate.lastRefusal;
    const subject = gate.lastRefusedBy ?? gate.subjects[0];
    const limits = subject ? `${subject.label} allows ${describeQuota(subject.rateLimits)}` : `provider ${gate.providerId} is over its quota`;
    const why =
      cause === 'queue_disabled'
        ? 'and has no request queue'
        : cause === 'queue_full'
          ? `and its queue is full (${queue.maxLength} waiting)`
          : `and the request waited ${waitedMs} ms in its queue (max ${queue.maxWaitMs} ms)`;
    return new UpstreamQuotaError(`upstream quota: ${limits}, ${why}; retry later`, cause, gate.providerId, refused?.retryAfterSeconds ?? 1);
  };

  const delayAfter = (refused: RateLimitError) =>
    refused.limit === 'concurrency' ? pollMs : Math.min(1_000, Math.max(pollMs, (refused.retryAfterSeconds ?? 1) * 1000));

  const pause = (gate: Gate, ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => gate.wake?.(), ms);
      gate.wake = () => {
        gate.wake = undefined;
        clearTimeout(timer);
        resolve();
      };
    });

  /** The queue's one loop: the head takes the quotas or waits; runs while anyone waits. */
  const serve = async (gate: Gate) => {
    if (gate.serving) return;
    gate.serving = true;
    try {
      while (gate.queue.length > 0) {
        const head = gate.queue[0]!;
        let result;
        try {
          result = await takeQuotas(limiter, gate.subjects, head.estimate);
        } catch (error) {
          // The limiter's store refuses (Redis away, fail-closed): the head fails as it would have at once.
          head.fail(error);
          continue;
        }
        if ('pass' in result) {
          // The head may have left while the limiter answered: the next one gets the quotas.
          const next = gate.queue[0];
          if (next) next.grant(result.pass);
          else result.pass.release(0);
          continue;
        }
        gate.lastRefusal = result.refused;
        gate.lastRefusedBy = result.subject;
        await pause(gate, delayAfter(result.refused));
      }
    } finally {
      gate.serving = false;
    }
  };

  const tooLarge = (gate: Gate, refused: RateLimitError) =>
    new GatewayError('resource_exhausted', `upstream quota: this request needs more tokens than ${gate.subjects.find((subject) => subject.rateLimits.tokensPerMinute > 0)?.label ?? 'the upstream'} allows per minute`, {
      provider: gate.providerId,
      cause: refused,
    });

  return {
    limiter,

    async tryAdmit(target, estimatedTokens) {
      const gate = gateOf(target);
      if (gate.subjects.length === 0) return FREE_PASS;
      if (gate.queue.length > 0) return undefined;
      const since = now();
      const result = await takeQuotas(limiter, gate.subjects, estimatedTokens);
      if ('pass' in result) return held(gate, result.pass, since);
      gate.lastRefusal = result.refused;
      gate.lastRefusedBy = result.subject;
      return undefined;
    },

    async admit(target, estimatedTokens, signal) {
      const gate = gateOf(target);
      if (gate.subjects.length === 0) return FREE_PASS;
      const since = now();
      if (gate.queue.length === 0) {
        const result = await takeQuotas(limiter, gate.subjects, estimatedTokens);
        if ('pass' in result) return held(gate, result.pass, since);
        gate.lastRefusal = result.refused;
        gate.lastRefusedBy = result.subject;
        if (result.refused.retryAfterSeconds === undefined) throw tooLarge(gate, result.refused);
      }
      const queue = settingsOf(target.provider.record, options.defaultQueue);
      if (queue.maxLength === 0 || queue.maxWaitMs === 0) throw refusal(gate, 'queue_disabled', 0, queue);
      if (gate.queue.length >= queue.maxLength) throw refusal(gate, 'queue_full', 0, queue);
      signal.throwIfAborted();
      return new Promise<QuotaPass>((resolve, reject) => {
        const leave = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          const index = gate.queue.indexOf(waiter);
          if (index >= 0) gate.queue.splice(index, 1);
        };
        const onAbort = () => {
          leave();
          reject(signal.reason);
        };
        const timer = setTimeout(() => {
          leave();
          reject(refusal(gate, 'max_wait', now() - since, queue));
        }, queue.maxWaitMs);
        const waiter: Waiter = {
          estimate: estimatedTokens,
          since,
          grant(pass) {
            leave();
            resolve(held(gate, pass, since));
          },
          fail(error) {
            leave();
            reject(error);
          },
        };
        gate.queue.push(waiter);
        signal.addEventListener('abort', onAbort, { once: true });
        void serve(gate);
      });
    },

    stats: () =>
      [...gates.values()]
        .filter((gate) => gate.subjects.length > 0 || gate.inFlight > 0 || gate.queue.length > 0)
        .map((gate) => ({ providerId: gate.providerId, upstreamModel: gate.upstreamModel, subjects: gate.subjects, inFlight: gate.inFlight, queueDepth: gate.queue.length })),
  };
}

export function settingsOf(provider: ProviderRecord, defaults: RequestQueueRecord): RequestQueueRecord {
  return provider.queue ?? defaults;
}
