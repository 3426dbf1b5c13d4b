// One run of a health check: a small real completion through the gateway's own
// dispatch (the plan, retries and failover of the route, attempt timeouts, the
// provider's adapter over the upstream fetch), turned into a run record.
//
// What it does not go through, on purpose: the governance steps. No virtual key
// is charged (no rate limit, no budget), the response cache is not asked (a
// cached answer would say nothing about the upstream), and no request-log row
// is written (the run itself is the record; client traffic stays client traffic).
//
// Its dispatcher is its own: scheduled probes neither feed nor read the
// breakers, latencies and round-robin turns that serve clients. A probe failing
// does not open a breaker for live traffic (one process's probe is not the
// deployment's traffic), and an open breaker does not hide an upstream that has
// recovered from the probe. The probes' breakers never open.
import { create } from '@bufbuild/protobuf';
import { ChatRequestSchema, Role } from '../../../gen/llmgateway/v1/chat_pb.js';
import { randomUUID } from 'node:crypto';
import type { HealthCheckRecord, HealthCheckRunRecord } from '../../domain/health-check.js';
import { GatewayError } from '../../domain/gateway-error.js';
import type { ProviderCatalog } from '../completion/provider-catalog.js';
import { createDispatcher, type Dispatcher } from '../routing/dispatcher.js';
import type { PlannedTarget } from '../routing/route-plan.js';
import type { RouteTable } from '../routing/route-table.js';
import { planCheck } from './check-plan.js';

export interface CheckExecutorOptions {
  catalog: ProviderCatalog;
  routes: RouteTable;
  /** The run's recorded start (the scheduler's clock). */
  now?: () => number;
  /** Measures latency (default performance.now: real time, whatever `now` says). */
  clock?: () => number;
  /** Tests share or inspect it; default: a dispatcher of its own whose breakers never open. */
  dispatcher?: Dispatcher;
}

/** Runs one check; null when `signal` stopped it (shutdown): a cut run says nothing about the target. */
export type CheckExecutor = (check: HealthCheckRecord, signal: AbortSignal) => Promise<HealthCheckRunRecord | null>;

export function createCheckExecutor(options: CheckExecutorOptions): CheckExecutor {
  const now = options.now ?? Date.now;
  const clock = options.clock ?? (() => performance.now());
  const dispatcher =
    options.dispatcher ??
    createDispatcher({ breaker: { consecutiveFailures: Number.POSITIVE_INFINITY, errorRateThreshold: Number.POSITIVE_INFINITY } });

  return async (check, stop) => {
    const time = now();
    const startedAt = clock();
    const timeout = AbortSignal.timeout(check.timeoutMs);
    const signal = AbortSignal.any([stop, timeout]);
    let attempts = 0;
    let tried: PlannedTarget | undefined;
    const run = (outcome: Partial<HealthCheckRunRecord>): HealthCheckRunRecord => ({
      id: `hcr_${randomUUID().replace(/-/g, '')}`,
      checkId: check.id,
      time,
      ok: false,
      latencyMs: Math.max(0, Math.round(clock() - startedAt)),
      errorKind: '',
      errorMessage: '',
      upstreamStatus: 0,
      providerId: tried?.provider.record.id ?? '',
      upstreamModel: tried?.target.upstreamModel ?? '',
      attempts,
      ...outcome,
    });
    try {
      const plan = planCheck(check, await options.routes.snapshot(), await options.catalog.snapshot());
      const request = create(ChatRequestSchema, {
        model: check.route || `${check.providerId}/${check.upstreamModel}`,
        messages: [{ role: Role.USER, content: [{ kind: { case: 'text', value: { text: check.prompt } } }] }],
        maxOutputTokens: check.maxOutputTokens,
      });
      const { served } = await dispatcher.unary(
        plan,
        (planned, attemptSignal) => planned.provider.adapter().complete(request, planned.target, { signal: attemptSignal }),
        signal,
        {
          onAttempt: (_attempt, target) => {
            attempts += 1;
            tried = target;
          },
        },
      );
      tried = served;
      return run({ ok: true });
    } catch (error) {
      if (stop.aborted) return null;
      if (timeout.aborted) {
        return run({ errorKind: 'deadline_exceeded', errorMessage: `no answer within ${check.timeoutMs} ms (the check's timeout)` });
      }
      // A GatewayError's message is what clients are shown (never a credential); anything else may not be.
      const failure = error instanceof GatewayError ? error : new GatewayError('internal', 'the check failed unexpectedly');
      return run({ errorKind: failure.kind, errorMessage: failure.message, upstreamStatus: failure.upstreamStatus ?? 0 });
    }
  };
}
