// `node dist/bench/quick-rpc.js [options]`: the gateway's cost per call on each
// surface — the OpenAI shim (JSON and SSE) and every RPC kind — measured in
// one gateway process, a fixed number of calls per scenario, for trying a
// change. CPU µs per call from /proc; with --callgrind the gateway runs under
// valgrind and each scenario also reports instructions per call (callgrind's
// counters zeroed before and dumped after it): repeatable on a shared,
// noisy machine where CPU time is not. BENCH_GATEWAY_NODE_OPTIONS: NODE_OPTIONS for the
// gateway; BENCH_START_FLAGS: node flags instead of npm start's (e.g. with --trace-opt, which
// NODE_OPTIONS refuses); BENCH_CPU_PROFILE_DIR: a CPU profile of the unbundled gateway there.
// With --baseline DIR another checkout's gateway serves too, the two taking turns call by call,
// each one's CPU counted over the same stretch of time: an A/B that a machine whose speed drifts
// between runs cannot skew (as timeline.ts does for the shim). With --rounds R the scenarios take
// turns in R rounds, so the typed calls and the shim calls they are held against (the bench's bars)
// share the same stretches of time too. The table of record is `npm run bench`.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { configureGateway, startGateway } from './lib/gateway.js';
import { cpuSplit, memoryStatus, readyPort, spawnNode, stopAll, syscallCounts, threadCpuSeconds } from './lib/proc.js';
import { createRpcClients, isRpcKind, RPC_KINDS, rpcCall, type CallTiming } from './lib/rpc-load.js';
import { shimCall } from './lib/shim-call.js';
import { percentile } from './lib/stats.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SHIM_SCENARIOS = ['shim-json', 'shim-sse'] as const;
const { values: options } = parseArgs({
  options: {
    scenarios: { type: 'string', default: [...SHIM_SCENARIOS, ...Object.keys(RPC_KINDS)].join(',') },
    calls: { type: 'string', default: '2000' },
    warmup: { type: 'string', default: '300' },
    concurrency: { type: 'string', default: '1' },
    callgrind: { type: 'boolean', default: false },
    'keep-dumps': { type: 'string' },
    baseline: { type: 'string' },
    rounds: { type: 'string', default: '1' },
    help: { type: 'boolean', default: false },
  },
});
if (options.help) {
  process.stdout.write(`node dist/bench/quick-rpc.js [options]   (after npm run bench, or npm run build && tsc -p bench/tsconfig.json)
  --scenarios LIST   shim-json, shim-sse and RPC kinds (${Object.keys(RPC_KINDS).join(', ')}); default all
  --calls N          measured calls per scenario (default 2000; with --callgrind try 200)
  --warmup N         calls per scenario before measuring (default 300)
  --concurrency C    calls in flight (default 1)
  --callgrind        run the gateway under valgrind --tool=callgrind: instructions per call
  --keep-dumps DIR   with --callgrind: keep callgrind's dump of each scenario there (for callgrind_annotate)
  --baseline DIR     also another checkout's gateway (built, with its own npm start), taking turns with this one call by call
  --rounds R         the calls in R rounds, every scenario in each (after every warm-up): the scenarios share the
                     same stretches of time, and each RPC kind is compared with the shim call doing its work
`);
  process.exit(0);
}
const scenarios = String(options.scenarios).split(',').map((entry) => entry.trim()).filter(Boolean);
for (const scenario of scenarios) {
  if (!isRpcKind(scenario) && !(SHIM_SCENARIOS as readonly string[]).includes(scenario)) throw new Error(`unknown scenario ${scenario}`);
}
const calls = Number(options.calls);
const warmupCalls = Number(options.warmup);
const concurrency = Number(options.concurrency);
const callgrind = options.callgrind === true;
const keepDumps = options['keep-dumps'] === undefined ? undefined : path.resolve(options['keep-dumps']);
const baselineRoot = options.baseline === undefined ? undefined : path.resolve(options.baseline);
if (baselineRoot && callgrind) throw new Error('--baseline and --callgrind: one gateway under valgrind at a time');
const rounds = Number(options.rounds);
if (!(Number.isInteger(rounds) && rounds >= 1)) throw new Error('--rounds: a whole number, 1 or more');
if (rounds > 1 && callgrind) throw new Error('--rounds and --callgrind: callgrind counts one scenario at a time');

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-quick-rpc-'));
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });

/**
 * Calls on every target in turn (one call of each, then again), `count` rounds; each target's timings
 * apart. The order turns round every other round, so that no target always follows the same one.
 */
async function drive(calls: Array<() => Promise<CallTiming>>, count: number): Promise<CallTiming[][]> {
  const timings: CallTiming[][] = calls.map(() => []);
  const forward = calls.map((_call, index) => index);
  const backward = [...forward].reverse();
  let started = 0;
  const worker = async () => {
    while (started < count) {
      started += 1;
      for (const index of started % 2 === 0 ? forward : backward) timings[index]!.push(await calls[index]!());
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return timings;
}

/**
 * Callgrind's instructions since the last zeroing, dumped now: the main thread's (JavaScript, the
 * event loop) and all threads' (adding V8's background compilation and concurrent marking, which
 * vary with timing). With --separate-threads each dump is one file per thread: callgrind.out.PID.PART-THREAD.
 */
function dumpInstructions(pid: number, outDir: string, scenario: string): { main: number; total: number } {
  execFileSync('callgrind_control', ['--dump', String(pid)], { stdio: 'ignore' });
  const pattern = new RegExp(`^callgrind\\.out\\.${pid}\\.(\\d+)-(\\d+)$`);
  const files = readdirSync(outDir).flatMap((name) => {
    const match = pattern.exec(name);
    return match ? [{ name, part: Number(match[1]), thread: Number(match[2]) }] : [];
  });
  const part = Math.max(...files.map((file) => file.part));
  let main = 0;
  let total = 0;
  for (const file of files.filter((candidate) => candidate.part === part)) {
    const summary = /^summary:\s+(\d+)/m.exec(readFileSync(path.join(outDir, file.name), 'utf8'));
    if (!summary) throw new Error(`no summary line in ${file.name}`);
    total += Number(summary[1]);
    if (file.thread === 1) main = Number(summary[1]);
    if (keepDumps) {
      mkdirSync(keepDumps, { recursive: true });
      copyFileSync(path.join(outDir, file.name), path.join(keepDumps, `callgrind.${scenario}.thread-${file.thread}.out`));
    }
  }
  if (total === 0) throw new Error('callgrind wrote no dump');
  return { main, total };
}

/** A gateway under measure: its process, and a call of each scenario on it. */
interface Target {
  name: string;
  pid: number;
  callOf: (scenario: string) => () => Promise<CallTiming>;
  close: () => void;
}

async function startTarget(name: string, targetRoot: string, upstreamUrl: string): Promise<Target> {
  const gateway = await startGateway({
    root: targetRoot,
    guardPath: path.join(root, 'dist/bench/child-guard.js'),
    dataDir: mkdtempSync(path.join(dataDir, `${name}-`)),
    logFile: path.join(dataDir, `${name}.log`),
    logLevel: 'warn',
    maxLifetimeSeconds: 3600,
    name,
    ...(process.env['BENCH_GATEWAY_NODE_OPTIONS'] ? { nodeOptions: process.env['BENCH_GATEWAY_NODE_OPTIONS'] } : {}),
    // Other node flags than npm start's (empty: none), e.g. to add --trace-opt; as in quick.ts.
    ...(process.env['BENCH_START_FLAGS'] !== undefined ? { flags: process.env['BENCH_START_FLAGS'].split(/\s+/).filter((flag) => flag !== '') } : {}),
    // A CPU profile of the unbundled gateway (so it names files and packages) into this directory.
    ...(process.env['BENCH_CPU_PROFILE_DIR'] ? { cpuProfileDir: baselineRoot ? path.join(process.env['BENCH_CPU_PROFILE_DIR'], name) : process.env['BENCH_CPU_PROFILE_DIR'] } : {}),
    ...(callgrind ? { commandPrefix: ['valgrind', '--tool=callgrind', '--separate-threads=yes', `--callgrind-out-file=${dataDir}/callgrind.out.%p`], startTimeoutMs: 900_000 } : {}),
  });
  const setup = await configureGateway(gateway, upstreamUrl);
  const clients = createRpcClients(gateway.url, setup.secret, concurrency);
  const chatBody = (stream: boolean) => JSON.stringify({ model: setup.model, messages: [{ role: 'system', content: 'You are a concise assistant.' }, { role: 'user', content: 'Say hello in one short sentence.' }], max_tokens: 64, temperature: 0.2, ...(stream ? { stream: true } : {}) });
  return {
    name,
    pid: gateway.child.pid!,
    callOf: (scenario) => {
      if (isRpcKind(scenario)) return rpcCall(scenario, clients, setup.model);
      const body = chatBody(scenario === 'shim-sse');
      return () => shimCall(agent, `${gateway.url}/v1/chat/completions`, { authorization: `Bearer ${setup.secret}` }, body);
    },
    close: () => clients.close(),
  };
}

/** What /proc counts of a gateway: CPU seconds (user, system; main thread, other threads) and read/write syscalls. */
interface Counters {
  user: number;
  system: number;
  main: number;
  others: number;
  reads: number;
  writes: number;
}

function countersOf(pid: number): Counters {
  const cpu = cpuSplit(pid);
  const threads = threadCpuSeconds(pid);
  const syscalls = syscallCounts(pid);
  return { user: cpu.user, system: cpu.system, main: threads.main, others: threads.others, reads: syscalls.reads, writes: syscalls.writes };
}

/** One target's measure of one scenario: the counters' growth over its calls (summed over rounds) and each call's timing. */
interface Measured {
  counted: Counters;
  timings: CallTiming[];
}

function grow(measured: Measured, before: Counters, after: Counters, timings: CallTiming[]): void {
  for (const name of Object.keys(before) as Array<keyof Counters>) measured.counted[name] += after[name] - before[name];
  measured.timings.push(...timings);
}

/** Prints one row; returns the CPU seconds per call. */
function row(target: Target, scenario: string, measured: Measured): number {
  const { counted, timings } = measured;
  const count = timings.length;
  const perCallUs = (seconds: number) => ((seconds / count) * 1e6).toFixed(0);
  // The total from the scheduler's per-thread nanoseconds (proc.ts); the user/system split only exists in clock ticks.
  const cpu = `${perCallUs(counted.main + counted.others)} (${perCallUs(counted.user)}+${perCallUs(counted.system)})`;
  const threads = `${perCallUs(counted.main)}+${perCallUs(counted.others)}`;
  const syscalls = `${(counted.reads / count).toFixed(1)}+${(counted.writes / count).toFixed(1)}`;
  const instructions = callgrind ? dumpInstructions(target.pid, dataDir, scenario) : { main: Number.NaN, total: Number.NaN };
  const perCall = (total: number) => Math.round(total / count).toLocaleString('en');
  const first = percentile(timings.map((timing) => timing.firstMs), 50);
  const memory = memoryStatus(target.pid);
  const label = baselineRoot ? `${scenario} (${target.name})` : scenario;
  process.stdout.write(`${label.padEnd(30)}  ${String(count).padStart(5)}  ${cpu.padStart(22)}  ${threads.padStart(18)}  ${syscalls.padStart(17)}  ${first.toFixed(3).padStart(12)}${callgrind ? `  ${perCall(instructions.main).padStart(30)}  ${perCall(instructions.total).padStart(12)}` : ''}  ${memory.rssMb.toFixed(0)} / ${memory.peakRssMb.toFixed(0)}\n`);
  return (counted.main + counted.others) / count;
}

const firstP50 = (measured: Measured) => percentile(measured.timings.map((timing) => timing.firstMs), 50);
const signedMs = (value: number) => `${value >= 0 ? '+' : ''}${value.toFixed(3)} ms`;

/** Each scenario's rows, and the gateway against the baseline when there is one. */
function report(targets: Target[], scenario: string, measured: Measured[]): number[] {
  const cpu = targets.map((target, index) => row(target, scenario, measured[index]!));
  if (baselineRoot) {
    process.stdout.write(`${''.padEnd(30)}  gateway vs baseline: ×${(cpu[0]! / cpu[1]!).toFixed(3)} CPU per call, first p50 ${signedMs(firstP50(measured[0]!) - firstP50(measured[1]!))}\n`);
  }
  return cpu;
}

try {
  const upstream = spawnNode({ name: 'upstream', args: [path.join(root, 'dist/bench/upstream.js')], env: { PATH: process.env['PATH'], BENCH_MAX_LIFETIME_S: '3600' }, cwd: root, logFile: path.join(dataDir, 'upstream.log') });
  const upstreamUrl = `http://127.0.0.1:${await readyPort(upstream)}`;
  const targets = [await startTarget('gateway', root, upstreamUrl)];
  if (baselineRoot) targets.push(await startTarget('baseline', baselineRoot, upstreamUrl));
  process.stdout.write(`${'scenario'.padEnd(30)}  calls  CPU µs/call (tick u+s)  main+other threads  reads+writes/call  first p50 ms${callgrind ? '  instructions/call: main thread   all threads' : ''}  RSS / peak MB\n`);
  const callsOf = new Map(scenarios.map((scenario) => [scenario, targets.map((target) => target.callOf(scenario))]));
  const measured = new Map(scenarios.map((scenario) => [scenario, targets.map((): Measured => ({ counted: { user: 0, system: 0, main: 0, others: 0, reads: 0, writes: 0 }, timings: [] }))]));
  if (rounds > 1) for (const scenario of scenarios) await drive(callsOf.get(scenario)!, warmupCalls);
  for (let round = 0; round < rounds; round++) {
    for (const scenario of scenarios) {
      const scenarioCalls = callsOf.get(scenario)!;
      if (rounds === 1) await drive(scenarioCalls, warmupCalls);
      if (callgrind) execFileSync('callgrind_control', ['--zero', String(targets[0]!.pid)], { stdio: 'ignore' });
      const before = targets.map((target) => countersOf(target.pid));
      const timings = await drive(scenarioCalls, Math.round(calls / rounds));
      const after = targets.map((target) => countersOf(target.pid));
      targets.forEach((_target, index) => grow(measured.get(scenario)![index]!, before[index]!, after[index]!, timings[index]!));
      if (rounds === 1) report(targets, scenario, measured.get(scenario)!);
    }
  }
  if (rounds > 1) {
    const cpu = new Map(scenarios.map((scenario) => [scenario, report(targets, scenario, measured.get(scenario)!)]));
    // The typed surfaces against the shim call that does the same work, measured over the same stretches of time.
    for (const scenario of scenarios.filter(isRpcKind)) {
      const shim = RPC_KINDS[scenario].stream ? 'shim-sse' : 'shim-json';
      if (!cpu.has(shim)) continue;
      const versus = targets.map((target, index) => `${target.name} ×${(cpu.get(scenario)![index]! / cpu.get(shim)![index]!).toFixed(3)} CPU, first p50 ${signedMs(firstP50(measured.get(scenario)![index]!) - firstP50(measured.get(shim)![index]!))}`);
      process.stdout.write(`${scenario} vs ${shim}: ${versus.join('; ')}\n`);
    }
  }
  for (const target of targets) target.close();
} finally {
  agent.destroy();
  await stopAll();
  // BENCH_KEEP_DIR=1 keeps the gateway's log (e.g. a --trace-deopt) and the data folder.
  if (process.env['BENCH_KEEP_DIR'] === '1') process.stdout.write(`kept: ${dataDir}\n`);
  else rmSync(dataDir, { recursive: true, force: true });
}
