// `node dist/bench/quota-overhead.js [calls] [rounds]`: the CPU an upstream quota
// adds to one dispatch, in process — the dispatcher over a one-target plan
// whose upstream answers at once, without quotas, with a target that has none,
// and with a provider quota (RPM, TPM and max concurrent, never reached) on the
// in-memory limiter. Prints the median CPU µs per call of each and the delta.
// A micro-bench: the network, the SDK and the shims are left out on purpose.
import { createInMemoryRateLimiter } from '../src/core/limits/in-memory-rate-limiter.js';
import { createUpstreamQuotas } from '../src/core/quotas/upstream-quotas.js';
import { createDispatcher, type Dispatcher } from '../src/core/routing/dispatcher.js';
import { DEFAULT_ROUTE_SETTINGS, type PlannedTarget, type RoutePlan } from '../src/core/routing/route-plan.js';
import type { ProviderRecord } from '../src/domain/provider.js';

const [calls = 20_000, rounds = 5] = process.argv.slice(2).map(Number);

function planFor(quota: ProviderRecord['quota']): RoutePlan {
  const model = { upstreamModel: 'm', alias: '', enabled: true, deployment: '', prices: null };
  const record: ProviderRecord = {
    id: 'bench',
    name: 'bench',
    type: 'openai',
    baseUrl: '',
    apiKeyCiphertext: '',
    apiKeyLast4: '',
    extraHeaders: {},
    enabled: true,
    models: [model],
    azureApiVersion: '',
    ...(quota ? { quota } : {}),
    createdAt: 0,
    updatedAt: 0,
  };
  const target: PlannedTarget = {
    key: 'bench/m',
    provider: { record, connection: {} as never, adapter: () => ({}) as never },
    model,
    target: { upstreamModel: 'm', deployment: '' },
    weight: 1,
  };
  return { routeName: '', strategy: 'priority', targets: [target], settings: DEFAULT_ROUTE_SETTINGS, affinityKey: '' };
}

async function cpuPerCall(dispatcher: Dispatcher, plan: RoutePlan): Promise<number> {
  const signal = new AbortController().signal;
  const answer = { usage: undefined };
  const observer = { quotaTokens: () => 100, usedTokens: () => 80 };
  for (let index = 0; index < 2_000; index += 1) await dispatcher.unary(plan, async () => answer, signal, observer); // warm-up
  const before = process.cpuUsage();
  for (let index = 0; index < calls; index += 1) await dispatcher.unary(plan, async () => answer, signal, observer);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / calls;
}

const median = (values: number[]) => [...values].sort((left, right) => left - right)[Math.floor(values.length / 2)]!;
const quotas = createUpstreamQuotas({ limiter: createInMemoryRateLimiter(), defaultQueue: { maxLength: 100, maxWaitMs: 30_000 } });
const cases: Array<[string, Dispatcher, RoutePlan]> = [
  ['no quotas composed', createDispatcher(), planFor(undefined)],
  ['quotas composed, target without one', createDispatcher({ quotas }), planFor(undefined)],
  ['provider quota (RPM, TPM, concurrent)', createDispatcher({ quotas }), planFor({ requestsPerMinute: 1e9, tokensPerMinute: 1e9, maxConcurrent: 1_000 })],
];
const results = new Map<string, number[]>();
for (let round = 0; round < rounds; round += 1) {
  for (const [name, dispatcher, plan] of cases) results.set(name, [...(results.get(name) ?? []), await cpuPerCall(dispatcher, plan)]);
}
const base = median(results.get(cases[0]![0])!);
for (const [name] of cases) {
  const value = median(results.get(name)!);
  console.log(`${name.padEnd(40)} ${value.toFixed(2).padStart(7)} µs CPU per dispatch   (${value - base >= 0 ? '+' : ''}${(value - base).toFixed(2)} µs)`);
}
