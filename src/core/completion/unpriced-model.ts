// A model without a price — none on the provider model, none in the built-in
// table (usage/price-table.ts) — costs $0 in the request log, so a USD budget
// cannot count what it serves. That must not be silent: each answer such a
// model serves is told to the listener (a metric, a log line once per model),
// and the answer of a key with a USD budget carries a warning. A price of 0 set
// on the provider model is a price (a free model): nothing is said then, nor
// when the upstream reported what it charged (OpenRouter's usage.cost, which
// the core bills then). A stream is told before its usage is in, so its warning
// says the reported cost is the exception.
import { create } from '@bufbuild/protobuf';
import { WarningSchema, type Warning } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { VirtualKeyRecord } from '../../domain/virtual-key.js';
import { pricesFor } from '../usage/price-table.js';
import type { PlannedTarget } from '../routing/route-plan.js';

/** Served by a model without a price (provider id, upstream model). */
export type UnpricedListener = (providerId: string, upstreamModel: string) => void;

/** Tells `listener` when `served` has no price; the warning for `key`'s answer when its USD budget cannot count it. */
export function noticeUnpriced(
  served: Pick<PlannedTarget, 'provider' | 'model'>,
  key: VirtualKeyRecord,
  listener: UnpricedListener | undefined,
  /** The answer's cost when it is known before the warning goes out (unary answers). */
  knownCostUsd?: number,
): Warning | undefined {
  if (pricesFor(served.model) || (knownCostUsd ?? 0) > 0) return undefined;
  const providerId = served.provider.record.id;
  listener?.(providerId, served.model.upstreamModel);
  if (key.budget?.unit !== 'usd') return undefined;
  return create(WarningSchema, {
    code: 'unpriced_model',
    param: 'model',
    message:
      `${providerId}/${served.model.upstreamModel} has no price: unless the upstream reports what it charged, this request costs $0 ` +
      "and the key's USD budget does not count it (set prices on the provider model)",
  });
}

export interface UnpricedReporterOptions {
  warn(fields: object, message: string): void;
  /** Every answer (llm_gateway_unpriced_requests_total). */
  count(providerId: string, upstreamModel: string): void;
}

/** Counts every answer of an unpriced model, and logs each such model once (per process). */
export function unpricedReporter(options: UnpricedReporterOptions): UnpricedListener {
  // Bounded anyway: models come from configuration, and from pass-through routes.
  const told = new Set<string>();
  return (providerId, upstreamModel) => {
    options.count(providerId, upstreamModel);
    const name = `${providerId}/${upstreamModel}`;
    if (told.has(name)) return;
    if (told.size >= 1_000) told.clear();
    told.add(name);
    options.warn(
      { provider: providerId, upstreamModel },
      `model ${name} has no price: its requests cost $0 and USD budgets do not count them; set prices on the provider model (0 for a free model)`,
    );
  };
}
