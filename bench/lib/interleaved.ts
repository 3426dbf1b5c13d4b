// The typed calls against the shim calls that do the same work, on one gateway, taking turns: the
// calls of each scenario in rounds, every scenario in each round, so that all of them share the same
// stretches of time. The bench's other phases measure one scenario after another, seconds apart,
// on a machine whose speed drifts by more than the differences the typed-surface bars ask about
// (and code warmed by one phase serves the next); this measure is what those bars are judged by.
import { cpuSeconds } from './proc.js';
import type { CallTiming } from './rpc-load.js';
import { percentile } from './stats.js';

/** The scenarios held against each other: each typed call and the shim call doing its work. */
export const INTERLEAVED_PAIRS = [
  { typed: 'connect-unary-raw', shim: 'shim-json' },
  { typed: 'grpc-stream-raw', shim: 'shim-sse' },
] as const;
export type InterleavedScenario = (typeof INTERLEAVED_PAIRS)[number]['typed'] | (typeof INTERLEAVED_PAIRS)[number]['shim'];
/** The transports' floor for the stream pair (bench/bare-transports.ts), measured the same way. */
export type TransportScenario = 'bare-sse' | 'bare-grpc';

export interface InterleavedMeasure {
  calls: number;
  cpuUsPerCall: number;
  firstP50Ms: number;
}

export interface InterleavedOptions {
  /** Calls per scenario before measuring. */
  warmup: number;
  /** Measured calls per scenario, split evenly over the rounds. */
  calls: number;
  rounds: number;
}

/** One call at a time; each scenario's CPU (the serving process's, user + system) counted over its own calls only. */
export async function measureInterleaved<Scenario extends string>(
  pid: number,
  callOf: Record<Scenario, () => Promise<CallTiming>>,
  options: InterleavedOptions,
): Promise<Record<Scenario, InterleavedMeasure>> {
  const scenarios = Object.keys(callOf) as Scenario[];
  const cpu = new Map(scenarios.map((scenario) => [scenario, 0]));
  const timings = new Map(scenarios.map((scenario): [Scenario, CallTiming[]] => [scenario, []]));
  for (const scenario of scenarios) for (let index = 0; index < options.warmup; index++) await callOf[scenario]();
  const perRound = Math.max(1, Math.round(options.calls / options.rounds));
  for (let round = 0; round < options.rounds; round++) {
    for (const scenario of scenarios) {
      const before = cpuSeconds(pid);
      for (let index = 0; index < perRound; index++) timings.get(scenario)!.push(await callOf[scenario]());
      cpu.set(scenario, cpu.get(scenario)! + cpuSeconds(pid) - before);
    }
  }
  const measured = {} as Record<Scenario, InterleavedMeasure>;
  for (const scenario of scenarios) {
    const calls = timings.get(scenario)!;
    measured[scenario] = { calls: calls.length, cpuUsPerCall: (cpu.get(scenario)! / calls.length) * 1e6, firstP50Ms: percentile(calls.map((timing) => timing.firstMs), 50) };
  }
  return measured;
}
