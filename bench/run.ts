// `npm run bench`: the gateway's own cost, measured against a bare node:http
// proxy and the direct upstream in the same run, on 127.0.0.1 only.
// See bench/README.md for the options and what each column means.
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { configureGateway, startGateway, startScript, type GatewayProcess } from './lib/gateway.js';
import { postJson, runLoad, type LoadResult } from './lib/http-load.js';
import { measureInterleaved } from './lib/interleaved.js';
import { cpuSeconds, loadAverage, memoryStatus, readyLine, readyPort, spawnNode, stopAll, type Child } from './lib/proc.js';
import { ensurePortkey, PORTKEY_VERSION, startPortkey } from './lib/portkey.js';
import { renderProfile, summarizeProfile } from './lib/profile.js';
import { buildReport, renderMarkdown, renderText, type ChatPhase, type RpcPhase, type RunResult, type SoakResult, type StreamPhase, type TargetName } from './lib/report.js';
import { createRawGrpcClient } from './lib/raw-rpc-clients.js';
import { createRpcClients, isRpcKind, RPC_KINDS, rpcCall, rpcLoad, type CallTiming, type RpcClients, type RpcKind } from './lib/rpc-load.js';
import { shimCall } from './lib/shim-call.js';
import { percentile, slope } from './lib/stats.js';
import { measurePaced, measureTtfc, type StreamTarget } from './lib/stream-client.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const { values: options } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    duration: { type: 'string', default: '3' },
    'stream-seconds': { type: 'string', default: '2' },
    warmup: { type: 'string', default: '2' },
    soak: { type: 'string', default: '20' },
    connections: { type: 'string', default: '1,16,64' },
    'rpc-concurrency': { type: 'string', default: '16' },
    'rpc-kinds': { type: 'string', default: Object.keys(RPC_KINDS).join(',') },
    'paced-streams': { type: 'string', default: '5' },
    'interleaved-calls': { type: 'string', default: '1200' },
    'stream-chunks': { type: 'string', default: '8' },
    'stream-gap-ms': { type: 'string', default: '5' },
    'log-level': { type: 'string', default: 'warn' },
    baseline: { type: 'string' },
    'with-portkey': { type: 'boolean', default: false },
    features: { type: 'boolean', default: false },
    'baseline-node': { type: 'string' },
    'gateway-node-options': { type: 'string' },
    profile: { type: 'boolean', default: false },
    'profile-seconds': { type: 'string', default: '15' },
    'profile-scenario': { type: 'string', default: 'chat' },
    out: { type: 'string', default: path.join(root, 'bench/results') },
    help: { type: 'boolean', default: false },
  },
});

if (options.help) {
  process.stdout.write(`npm run bench -- [options]
  --runs N              runs whose medians are reported (default 3)
  --duration S          seconds per non-streaming phase (default 3)
  --stream-seconds S    seconds per streaming and RPC phase (default 2)
  --warmup S            seconds of warm-up per target before the first run (default 2)
  --soak S              seconds of 64-connection load at the end, RSS sampled (default 20; 600 = 10 minutes)
  --connections LIST    non-streaming connection counts (default 1,16,64)
  --rpc-concurrency N   concurrent calls for the RPC throughput phases (default 16)
  --rpc-kinds LIST      the RPC rows, each at 1 and --rpc-concurrency calls (default all: ${Object.keys(RPC_KINDS).join(',')})
  --interleaved-calls N calls per scenario per run of the typed calls and the shim's taking turns on the gateway, in
                        6 rounds (bench/lib/interleaved.ts), which the typed-surface bars are judged by, and the bare
                        transports' SSE and gRPC streams the same way (bench/bare-transports.ts) (default 1200; 0: none)
  --log-level LEVEL     the gateway's GATEWAY_LOG_LEVEL (default warn)
  --gateway-node-options=FLAGS  NODE_OPTIONS for the gateway(s), e.g. --gateway-node-options=--max-old-space-size=64
  --baseline DIR        also run the gateway built in DIR (a checkout with dist/ built, e.g. main)
                        as "baseline gateway" in the same run: before/after ratios
  --with-portkey        also run Portkey's gateway (@portkey-ai/gateway ${PORTKEY_VERSION}, installed on demand into
                        bench/.portkey) on the same upstream: side-by-side rows
  --features            after the table: what the features cost (a key with limits and a budget, the same on Redis,
                        tracing on), each a gateway of its own in one run (bench/feature-cost.ts)
  --baseline-node PATH  the node binary that runs the baseline gateway (default: this one), e.g. to
                        compare Node majors: a checkout built and installed on that Node
  --profile             instead of the table: profile the gateway (node --cpu-prof) under 64 connections
  --profile-seconds S   load duration while profiling (default 15)
  --profile-scenario S  what runs under the profiler: chat (JSON, 64 connections; default), sse (one stream at a
                        time through the shim), grpc (gRPC StreamComplete) or any RPC kind, at --rpc-concurrency calls
  --out DIR             results folder (default bench/results)
`);
  process.exit(0);
}

const number = (name: keyof typeof options, minimum = 0): number => {
  const value = Number(options[name]);
  if (!Number.isFinite(value) || value < minimum) throw new Error(`--${name} must be a number ≥ ${minimum}`);
  return value;
};
const config = {
  runs: number('runs', 1),
  phaseSeconds: number('duration', 0.5),
  streamSeconds: number('stream-seconds', 0.5),
  warmupSeconds: number('warmup'),
  soakSeconds: number('soak', 1),
  connections: String(options.connections)
    .split(',')
    .map((entry) => Number(entry.trim()))
    .filter((entry) => Number.isInteger(entry) && entry > 0),
  rpcConcurrency: number('rpc-concurrency', 1),
  rpcKinds: rpcKindsOf(String(options['rpc-kinds'])),
  pacedStreams: number('paced-streams', 1),
  interleavedCalls: number('interleaved-calls'),
  streamChunks: number('stream-chunks', 2),
  streamGapMs: number('stream-gap-ms', 1),
  logLevel: String(options['log-level']),
  gatewayNodeOptions: options['gateway-node-options'],
  baseline: options.baseline === undefined ? undefined : path.resolve(options.baseline),
  withPortkey: options['with-portkey'] === true,
  baselineNode: options['baseline-node'] === undefined ? undefined : path.resolve(options['baseline-node']),
  profile: options.profile === true,
  profileSeconds: number('profile-seconds', 1),
  profileScenario: profileScenarioOf(String(options['profile-scenario'])),
  out: path.resolve(String(options.out)),
};

function profileScenarioOf(value: string): 'chat' | 'sse' | RpcKind {
  if (value === 'grpc') return 'grpc-stream';
  if (value === 'chat' || value === 'sse' || isRpcKind(value)) return value;
  throw new Error(`--profile-scenario must be chat, sse or an RPC kind (${Object.keys(RPC_KINDS).join(', ')})`);
}

function rpcKindsOf(value: string): RpcKind[] {
  const kinds = value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  for (const kind of kinds) if (!isRpcKind(kind)) throw new Error(`--rpc-kinds: unknown kind ${kind} (known: ${Object.keys(RPC_KINDS).join(', ')})`);
  return kinds as RpcKind[];
}

const progress = (message: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

const CHAT_MESSAGES = [
  { role: 'system', content: 'You are a concise assistant.' },
  { role: 'user', content: 'Say hello in one short sentence.' },
];
const chatBody = (model: string, stream: boolean) => JSON.stringify({ model, messages: CHAT_MESSAGES, max_tokens: 64, temperature: 0.2, ...(stream ? { stream: true } : {}) });

interface Target {
  name: TargetName;
  /** The process whose CPU time is charged to each request. */
  pid: number;
  base: string;
  headers: Record<string, string>;
  model: string;
  pacedModel: string;
}

async function main(): Promise<void> {
  mkdirSync(config.out, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const logDir = path.join(config.out, 'logs');
  mkdirSync(logDir, { recursive: true });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-bench-'));
  // Every child ends itself after this long, whatever happens to the harness.
  const budgetSeconds = config.profile
    ? config.profileSeconds + 120
    : config.runs * (config.connections.length * 5 * config.phaseSeconds + 20 * config.streamSeconds + 15) + config.soakSeconds + 180;
  const childEnv = {
    PATH: process.env['PATH'],
    BENCH_MAX_LIFETIME_S: String(Math.ceil(budgetSeconds)),
    BENCH_STREAM_GAP_MS: String(config.streamGapMs),
    BENCH_STREAM_CHUNKS: String(config.streamChunks),
  };
  const rpcClients: RpcClients[] = [];
  const closeRpc = () => {
    for (const clients of rpcClients.splice(0)) clients.close();
  };
  const onSignal = () => {
    progress('interrupted: stopping everything');
    closeRpc();
    void stopAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const upstream = spawnNode({ name: 'upstream', args: [path.join(root, 'dist/bench/upstream.js')], env: childEnv, cwd: root, logFile: path.join(logDir, 'upstream.log') });
    const upstreamUrl = `http://127.0.0.1:${await readyPort(upstream)}`;
    const bare = spawnNode({
      name: 'bare-proxy',
      args: [path.join(root, 'dist/bench/bare-proxy.js')],
      env: { ...childEnv, BENCH_UPSTREAM: upstreamUrl },
      cwd: root,
      logFile: path.join(logDir, 'bare-proxy.log'),
    });
    const bareUrl = `http://127.0.0.1:${await readyPort(bare)}`;
    const floor = spawnNode({
      name: 'sdk-floor',
      args: [path.join(root, 'dist/bench/sdk-floor.js')],
      env: { ...childEnv, BENCH_UPSTREAM: upstreamUrl },
      cwd: root,
      logFile: path.join(logDir, 'sdk-floor.log'),
    });
    const floorUrl = `http://127.0.0.1:${await readyPort(floor)}`;
    // The same floor under npm start's node flags (the gateway's memory flags): what those flags cost a
    // process that is only Fastify and the SDK, in CPU and in peak RSS.
    const flaggedFloor = spawnNode({
      name: 'sdk-floor-flags',
      args: [...startScript(root).flags, path.join(root, 'dist/bench/sdk-floor.js')],
      env: { ...childEnv, BENCH_UPSTREAM: upstreamUrl },
      cwd: root,
      logFile: path.join(logDir, 'sdk-floor-flags.log'),
    });
    const flaggedFloorUrl = `http://127.0.0.1:${await readyPort(flaggedFloor)}`;
    // The transports' floor for the stream bar, under the gateway's node flags as the gateway runs.
    if (config.interleavedCalls > 0 && !config.profile) {
      const child = spawnNode({
        name: 'bare-transports',
        args: [...startScript(root).flags, path.join(root, 'dist/bench/bare-transports.js')],
        env: { ...childEnv, BENCH_UPSTREAM: upstreamUrl },
        cwd: root,
        logFile: path.join(logDir, 'bare-transports.log'),
      });
      const ready = await readyLine(child);
      const grpc = createRawGrpcClient(`http://127.0.0.1:${String(ready['http2Port'])}`, 'not-checked');
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      cleanups.push(() => (grpc.close(), agent.destroy()));
      transports = { pid: child.pid, sse: () => shimCall(agent, `http://127.0.0.1:${ready.port}/`, {}, chatBody('bench-model', true)), grpc: () => grpc.streamOnce('bench-model') };
    }
    const profileDir = config.profile ? path.join(config.out, `profile-${stamp}`) : undefined;
    if (profileDir) mkdirSync(profileDir, { recursive: true });
    progress(`upstream ${upstreamUrl}, bare proxy ${bareUrl}; starting the gateway (as npm start runs it, log level ${config.logLevel})`);
    const guardPath = path.join(root, 'dist/bench/child-guard.js');
    const gateway = await startGateway({
      root,
      guardPath,
      dataDir,
      logFile: path.join(logDir, 'gateway.log'),
      logLevel: config.logLevel,
      maxLifetimeSeconds: Math.ceil(budgetSeconds),
      ...(profileDir ? { cpuProfileDir: profileDir } : {}),
      ...(config.gatewayNodeOptions ? { nodeOptions: config.gatewayNodeOptions } : {}),
    });
    const setup = await configureGateway(gateway, upstreamUrl);
    const upstreamHeaders = { authorization: 'Bearer sk-bench-upstream-not-a-real-key' };
    const gatewayTarget: Target = { name: 'gateway', pid: gateway.child.pid, base: gateway.url, headers: { authorization: `Bearer ${setup.secret}` }, model: setup.model, pacedModel: setup.pacedModel };
    const targets: Target[] = [
      { name: 'direct', pid: upstream.pid, base: upstreamUrl, headers: upstreamHeaders, model: 'bench-model', pacedModel: 'bench-paced' },
      { name: 'bare', pid: bare.pid, base: bareUrl, headers: upstreamHeaders, model: 'bench-model', pacedModel: 'bench-paced' },
      { name: 'floor', pid: floor.pid, base: floorUrl, headers: {}, model: 'bench-model', pacedModel: 'bench-paced' },
      { name: 'floor-flags', pid: flaggedFloor.pid, base: flaggedFloorUrl, headers: {}, model: 'bench-model', pacedModel: 'bench-paced' },
    ];
    if (config.withPortkey && !config.profile) {
      const entry = ensurePortkey(root, progress);
      const portkey = await startPortkey({ entry, guardPath, upstreamUrl, logFile: path.join(logDir, 'portkey.log'), maxLifetimeSeconds: Math.ceil(budgetSeconds) });
      progress(`Portkey ${PORTKEY_VERSION} at ${portkey.url}`);
      targets.push({ name: 'portkey', pid: portkey.child.pid, base: portkey.url, headers: portkey.headers, model: 'bench-model', pacedModel: 'bench-paced' });
    }
    const gateways: RpcGateway[] = [];
    if (config.baseline && !config.profile) {
      const baselineDir = mkdtempSync(path.join(os.tmpdir(), 'gw-bench-baseline-'));
      cleanups.push(() => rmSync(baselineDir, { recursive: true, force: true }));
      progress(`starting the baseline gateway from ${config.baseline}${config.baselineNode ? ` on ${config.baselineNode}` : ''}`);
      const baseline = await startGateway({
        root: config.baseline,
        guardPath,
        dataDir: baselineDir,
        logFile: path.join(logDir, 'baseline-gateway.log'),
        logLevel: config.logLevel,
        maxLifetimeSeconds: Math.ceil(budgetSeconds),
        name: 'baseline-gateway',
        ...(config.gatewayNodeOptions ? { nodeOptions: config.gatewayNodeOptions } : {}),
        ...(config.baselineNode ? { nodePath: config.baselineNode } : {}),
      });
      const baselineSetup = await configureGateway(baseline, upstreamUrl);
      targets.push({ name: 'baseline', pid: baseline.child.pid, base: baseline.url, headers: { authorization: `Bearer ${baselineSetup.secret}` }, model: baselineSetup.model, pacedModel: baselineSetup.pacedModel });
      const clients = createRpcClients(baseline.url, baselineSetup.secret, config.rpcConcurrency);
      rpcClients.push(clients);
      gateways.push({ name: 'baseline', pid: baseline.child.pid, clients, model: baselineSetup.model });
    }
    targets.push(gatewayTarget);
    await checkTargets(targets);

    const clients = createRpcClients(gateway.url, setup.secret, config.rpcConcurrency);
    rpcClients.push(clients);
    if (config.profile) {
      await profileGateway(gatewayTarget, gateway, profileDir!, clients, setup.model);
      return;
    }
    gateways.push({ name: 'gateway', pid: gateway.child.pid, clients, model: setup.model });
    const loadAverageBefore = loadAverage();
    await warmUp(targets, gateways);
    const runs: RunResult[] = [];
    for (let index = 1; index <= config.runs; index += 1) {
      runs.push(await oneRun(index, targets, gateways));
    }
    const soak = await soakGateway(gatewayTarget, gateway.child);
    const loadAverageAfter = loadAverage();
    closeRpc();
    const meta = {
      date: new Date().toISOString(),
      node: process.version,
      ...(config.baseline ? { baseline: config.baseline, baselineNode: config.baselineNode ? execFileSync(config.baselineNode, ['--version'], { encoding: 'utf8' }).trim() : process.version } : {}),
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model.trim() ?? '?',
      commit: gitDescribe(),
      runs: config.runs,
      phaseSeconds: config.phaseSeconds,
      streamSeconds: config.streamSeconds,
      logLevel: config.logLevel,
      gatewayNodeOptions: config.gatewayNodeOptions ?? '',
      loadAverageBefore,
      loadAverageAfter,
      config,
    };
    const report = buildReport(meta, runs, soak, config.streamChunks);
    const text = renderText(report);
    process.stdout.write(`\n${text}\n`);
    writeFileSync(path.join(config.out, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(path.join(config.out, 'latest.md'), renderMarkdown(report));
    progress(`written: ${path.join(config.out, 'latest.json')} and latest.md`);
  } finally {
    closeRpc();
    await stopAll();
    rmSync(dataDir, { recursive: true, force: true });
    for (const cleanup of cleanups.splice(0)) cleanup();
  }
  if (options.features) {
    progress('features: each a gateway of its own, non-streaming chat at 32 connections');
    execFileSync(process.execPath, [path.join(root, 'dist/bench/feature-cost.js'), '32', String(config.phaseSeconds), String(config.runs)], {
      stdio: 'inherit',
      env: { ...process.env, BENCH_OUT: config.out },
    });
    appendFileSync(path.join(config.out, 'latest.md'), `\n${readFileSync(path.join(config.out, 'features.md'), 'utf8')}`);
  }
}

/** A gateway (the one under test, or the baseline) as the RPC phases see it. */
interface RpcGateway {
  name: 'gateway' | 'baseline';
  pid: number;
  clients: RpcClients;
  model: string;
}

const cleanups: Array<() => void> = [];
/** The bare transports' server (bare-transports.ts) and a call of each of its streams. */
let transports: { pid: number; sse: () => Promise<CallTiming>; grpc: () => Promise<CallTiming> } | undefined;

/** Every target answers a completion before any load. */
async function checkTargets(targets: Target[]): Promise<void> {
  for (const target of targets) {
    const answer = await postJson(`${target.base}/v1/chat/completions`, target.headers, chatBody(target.model, false));
    if (answer.status !== 200 || !answer.body.includes('benchmark upstream')) {
      throw new Error(`${target.name} did not answer a completion: ${answer.status} ${answer.body.slice(0, 300)}`);
    }
  }
}

async function chatPhase(target: Target, connections: number, seconds: number, record = true): Promise<ChatPhase & { raw: LoadResult }> {
  const cpuBefore = cpuSeconds(target.pid);
  const result = await runLoad({
    url: `${target.base}/v1/chat/completions`,
    body: chatBody(target.model, false),
    headers: target.headers,
    connections,
    seconds,
    record,
  });
  const cpu = cpuSeconds(target.pid) - cpuBefore;
  return {
    target: target.name,
    connections,
    rps: result.rps,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    requests: result.requests,
    failures: result.errors + result.non2xx + result.timeouts,
    cpuUsPerRequest: result.requests > 0 ? (cpu / result.requests) * 1e6 : Number.NaN,
    raw: result,
  };
}

function streamTarget(target: Target, paced: boolean): StreamTarget {
  return { url: `${target.base}/v1/chat/completions`, headers: target.headers, body: chatBody(paced ? target.pacedModel : target.model, true) };
}

async function warmUp(targets: Target[], gateways: RpcGateway[]): Promise<void> {
  if (config.warmupSeconds <= 0) return;
  progress(`warm-up: ${config.warmupSeconds} s per target`);
  for (const target of targets) await chatPhase(target, 16, config.warmupSeconds, false);
  for (const target of targets) if (target.name === 'gateway' || target.name === 'baseline') await measureTtfc(streamTarget(target, false), config.warmupSeconds / 2);
  for (const gateway of gateways) {
    for (const kind of config.rpcKinds) await rpcLoad(rpcCall(kind, gateway.clients, gateway.model), config.rpcConcurrency, config.warmupSeconds / 4);
  }
}

/**
 * Every other run measures the gateway before the baseline: in one order only, a gateway measured
 * right after the other was seen to pay ~20 µs more per request (an A/A of one tree, timeline.ts).
 */
function inTurn<Item extends { name: string }>(items: Item[], runIndex: number): Item[] {
  const baseline = items.findIndex((item) => item.name === 'baseline');
  const gateway = items.findIndex((item) => item.name === 'gateway');
  if (runIndex % 2 === 1 || baseline < 0 || gateway < 0) return items;
  const turned = [...items];
  turned[baseline] = items[gateway]!;
  turned[gateway] = items[baseline]!;
  return turned;
}

async function oneRun(index: number, allTargets: Target[], allGateways: RpcGateway[]): Promise<RunResult> {
  const targets = inTurn(allTargets, index);
  const gateways = inTurn(allGateways, index);
  const run: RunResult = { index, loadAverageBefore: loadAverage(), chat: [], stream: [], rpc: [], gatewayRssMb: 0, gatewayPeakRssMb: 0 };
  for (const connections of config.connections) {
    for (const target of targets) {
      progress(`run ${index}/${config.runs}: chat JSON, ${target.name}, ${connections} connection(s), ${config.phaseSeconds} s`);
      const { raw: _raw, ...phase } = await chatPhase(target, connections, config.phaseSeconds);
      run.chat.push(phase);
    }
  }
  for (const target of targets) {
    progress(`run ${index}/${config.runs}: chat SSE, ${target.name}`);
    const cpuBefore = cpuSeconds(target.pid);
    const ttfc = await measureTtfc(streamTarget(target, false), config.streamSeconds);
    const cpu = cpuSeconds(target.pid) - cpuBefore;
    const paced = await measurePaced(streamTarget(target, true), config.pacedStreams);
    const phase: StreamPhase = {
      target: target.name,
      streamsPerSecond: ttfc.ttfcMs.length / ttfc.seconds,
      ttfcP50Ms: percentile(ttfc.ttfcMs, 50),
      ttfcP99Ms: percentile(ttfc.ttfcMs, 99),
      totalP50Ms: percentile(ttfc.totalMs, 50),
      streams: ttfc.ttfcMs.length,
      failures: ttfc.errors,
      cpuUsPerRequest: ttfc.ttfcMs.length > 0 ? (cpu / ttfc.ttfcMs.length) * 1e6 : Number.NaN,
      paced: { streams: paced.streams, contentEvents: paced.contentEvents, readsWithContent: paced.readsWithContent, maxContentEventsPerRead: paced.maxContentEventsPerRead, failures: paced.errors },
    };
    run.stream.push(phase);
  }
  const rpcPhases: Array<[RpcKind, number]> = config.rpcKinds.flatMap((kind): Array<[RpcKind, number]> => [
    [kind, 1],
    [kind, config.rpcConcurrency],
  ]);
  for (const [kind, concurrency] of rpcPhases) {
    for (const gateway of gateways) {
      progress(`run ${index}/${config.runs}: ${kind}, ${gateway.name}, ${concurrency} concurrent`);
      const { clients, model } = gateway;
      const call = rpcCall(kind, clients, model);
      const cpuBefore = cpuSeconds(gateway.pid);
      const result = await rpcLoad(call, concurrency, config.streamSeconds);
      const cpu = cpuSeconds(gateway.pid) - cpuBefore;
      run.rpc.push({
        target: gateway.name,
        kind,
        concurrency,
        rps: result.rps,
        firstP50Ms: percentile(result.firstMs, 50),
        firstP99Ms: percentile(result.firstMs, 99),
        totalP50Ms: percentile(result.totalMs, 50),
        calls: result.calls,
        failures: result.errors,
        cpuUsPerRequest: result.calls > 0 ? (cpu / result.calls) * 1e6 : Number.NaN,
      });
    }
  }
  if (config.interleavedCalls > 0) {
    progress(`run ${index}/${config.runs}: typed calls and the shim's taking turns, gateway`);
    run.interleaved = await interleavedPhase(targets.find((target) => target.name === 'gateway')!, gateways.find((gateway) => gateway.name === 'gateway')!);
    if (transports) {
      progress(`run ${index}/${config.runs}: the bare transports' SSE and gRPC streams taking turns`);
      run.transports = await measureInterleaved(transports.pid, { 'bare-sse': transports.sse, 'bare-grpc': transports.grpc }, { warmup: 200, calls: config.interleavedCalls, rounds: 6 });
    }
  }
  for (const target of targets) {
    if (target.name === 'floor') run.floorPeakRssMb = memoryStatus(target.pid).peakRssMb;
    if (target.name === 'floor-flags') run.floorFlagsPeakRssMb = memoryStatus(target.pid).peakRssMb;
  }
  for (const gateway of gateways) {
    const memory = memoryStatus(gateway.pid);
    if (gateway.name === 'baseline') run.baselinePeakRssMb = memory.peakRssMb;
    else {
      run.gatewayRssMb = memory.rssMb;
      run.gatewayPeakRssMb = memory.peakRssMb;
    }
  }
  return run;
}

/** The typed-surface bars' measure: each typed call and the shim call doing its work, one at a time, in rounds. */
async function interleavedPhase(target: Target, gateway: RpcGateway): Promise<RunResult['interleaved']> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const url = `${target.base}/v1/chat/completions`;
  try {
    return await measureInterleaved(
      gateway.pid,
      {
        'shim-json': () => shimCall(agent, url, target.headers, chatBody(target.model, false)),
        'shim-sse': () => shimCall(agent, url, target.headers, chatBody(target.model, true)),
        'connect-unary-raw': rpcCall('connect-unary-raw', gateway.clients, gateway.model),
        'grpc-stream-raw': rpcCall('grpc-stream-raw', gateway.clients, gateway.model),
      },
      { warmup: 200, calls: config.interleavedCalls, rounds: 6 },
    );
  } finally {
    agent.destroy();
  }
}

async function soakGateway(target: Target, gateway: Child): Promise<SoakResult> {
  const connections = Math.max(...config.connections);
  progress(`soak: gateway at ${connections} connections for ${config.soakSeconds} s`);
  const samples: Array<{ seconds: number; rssMb: number }> = [];
  const startedAt = Date.now();
  const sample = () => samples.push({ seconds: (Date.now() - startedAt) / 1000, rssMb: memoryStatus(gateway.pid).rssMb });
  sample();
  const timer = setInterval(sample, 1000);
  let result: ChatPhase;
  try {
    result = await chatPhase(target, connections, config.soakSeconds, false);
  } finally {
    clearInterval(timer);
  }
  sample();
  const rssEndMb = samples[samples.length - 1]!.rssMb;
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const secondHalf = samples.filter((point) => point.seconds >= config.soakSeconds / 2);
  return {
    seconds: config.soakSeconds,
    connections,
    requests: result.requests,
    rps: result.rps,
    failures: result.failures,
    rssStartMb: samples[0]!.rssMb,
    rssEndMb,
    rssIdleAfterMb: memoryStatus(gateway.pid).rssMb,
    peakRssMb: memoryStatus(gateway.pid).peakRssMb,
    trendMbPerMinute: slope(secondHalf.map((point) => ({ x: point.seconds / 60, y: point.rssMb }))),
    samples,
  };
}

async function profileGateway(target: Target, gateway: GatewayProcess, profileDir: string, clients: RpcClients, model: string): Promise<void> {
  const connections = Math.max(...config.connections);
  const scenario = config.profileScenario;
  const what =
    scenario === 'chat'
      ? `non-streaming chat at ${connections} connections`
      : scenario === 'sse'
        ? 'streaming chat through the shim, one stream at a time'
        : `${RPC_KINDS[scenario].label} at ${config.rpcConcurrency} concurrent calls`;
  progress(`profile: warm-up, then ${config.profileSeconds} s of ${what} under node --cpu-prof`);
  await chatPhase(target, 16, Math.max(config.warmupSeconds, 1), false);
  const cpuBefore = cpuSeconds(target.pid);
  let requests: number;
  let load: Record<string, unknown>;
  if (scenario === 'chat') {
    const phase = await chatPhase(target, connections, config.profileSeconds);
    requests = phase.requests;
    load = { ...phase };
  } else if (scenario === 'sse') {
    const ttfc = await measureTtfc(streamTarget(target, false), config.profileSeconds);
    requests = ttfc.ttfcMs.length;
    load = { streams: requests, ttfcP50Ms: percentile(ttfc.ttfcMs, 50) };
  } else {
    const result = await rpcLoad(rpcCall(scenario, clients, model), config.rpcConcurrency, config.profileSeconds);
    requests = result.calls;
    load = { calls: requests, firstP50Ms: percentile(result.firstMs, 50) };
  }
  const cpuUsPerRequest = requests > 0 ? ((cpuSeconds(target.pid) - cpuBefore) / requests) * 1e6 : Number.NaN;
  const rate = requests / config.profileSeconds;
  progress(`profile load: ${rate.toFixed(0)} per second, ${cpuUsPerRequest.toFixed(0)} µs CPU/request; stopping the gateway to write the profile`);
  await gateway.child.stop(20_000);
  const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile in ${profileDir}: did the gateway exit cleanly? see logs/gateway.log`);
  const summary = summarizeProfile(path.join(profileDir, file));
  const heading = `Gateway under ${what}: ${rate.toFixed(0)} per second, ${cpuUsPerRequest.toFixed(0)} µs CPU/request (profiler on)`;
  const text = `${heading}\n${renderProfile(summary)}`;
  process.stdout.write(`\n${text}\n`);
  writeFileSync(path.join(config.out, 'profile.json'), `${JSON.stringify({ scenario, load, cpuUsPerRequest, summary }, null, 2)}\n`);
  writeFileSync(path.join(config.out, 'profile.md'), `# Gateway CPU profile\n\n\`\`\`\n${text}\n\`\`\`\n`);
  progress(`written: ${path.join(config.out, 'profile.md')}; raw profile in ${profileDir} (open it in Chrome DevTools)`);
}

function gitDescribe(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const commit = git('rev-parse', '--short', 'HEAD');
    const dirty = git('status', '--porcelain', '--', 'src', 'gen') !== '';
    return dirty ? `${commit} + uncommitted changes in src/gen` : commit;
  } catch {
    return 'unknown';
  }
}

main().then(
  () => process.exit(0),
  async (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    await stopAll();
    process.exit(1);
  },
);
