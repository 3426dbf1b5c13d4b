// The one table (console and markdown) and the verdict on each bar of the
// performance issue, from the per-run measurements (medians across runs; a
// ratio or a difference is taken within each run, then its median).
import type { InterleavedMeasure, InterleavedScenario, TransportScenario } from './interleaved.js';
import { RPC_KINDS, type RpcKind } from './rpc-load.js';
import { median } from './stats.js';

export type TargetName = 'direct' | 'bare' | 'floor' | 'floor-flags' | 'portkey' | 'baseline' | 'gateway';

export interface ChatPhase {
  target: TargetName;
  connections: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  failures: number;
  /** CPU of the process the client talks to (upstream, bare proxy or gateway), µs per request. */
  cpuUsPerRequest: number;
}

export interface StreamPhase {
  target: TargetName;
  streamsPerSecond: number;
  ttfcP50Ms: number;
  ttfcP99Ms: number;
  totalP50Ms: number;
  streams: number;
  failures: number;
  cpuUsPerRequest: number;
  paced: { streams: number; contentEvents: number; readsWithContent: number; maxContentEventsPerRead: number; failures: number };
}

export interface RpcPhase {
  target: 'gateway' | 'baseline';
  kind: RpcKind;
  concurrency: number;
  rps: number;
  firstP50Ms: number;
  firstP99Ms: number;
  totalP50Ms: number;
  calls: number;
  failures: number;
  cpuUsPerRequest: number;
}

export interface RunResult {
  index: number;
  loadAverageBefore: [number, number, number];
  chat: ChatPhase[];
  stream: StreamPhase[];
  rpc: RpcPhase[];
  gatewayRssMb: number;
  gatewayPeakRssMb: number;
  baselinePeakRssMb?: number;
  /** The SDK floor's peak RSS (VmHWM) so far: as it runs (Node's defaults), and under `npm start`'s node flags. */
  floorPeakRssMb?: number;
  floorFlagsPeakRssMb?: number;
  /** The typed calls and the shim's taking turns on the gateway (interleaved.ts): what the typed-surface bars are judged by. */
  interleaved?: Record<InterleavedScenario, InterleavedMeasure>;
  /** The bare transports' SSE and gRPC streams taking turns (bare-transports.ts): Node's HTTP/2 against its HTTP/1.1 for the same stream. */
  transports?: Record<TransportScenario, InterleavedMeasure>;
}

export interface SoakResult {
  seconds: number;
  connections: number;
  requests: number;
  rps: number;
  failures: number;
  rssStartMb: number;
  rssEndMb: number;
  rssIdleAfterMb: number;
  peakRssMb: number;
  /** Least-squares slope of RSS over the second half of the soak, MB per minute. */
  trendMbPerMinute: number;
  samples: Array<{ seconds: number; rssMb: number }>;
}

export interface Bar {
  name: string;
  target: string;
  measured: string;
  holds: boolean | null;
}

export interface Report {
  meta: Record<string, unknown>;
  runs: RunResult[];
  soak: SoakResult;
  rows: string[][];
  bars: Bar[];
}

const HEADER = ['scenario', 'target', 'conns', 'req/s', 'p50 ms', 'p99 ms', 'CPU µs/req', 'gw/bare', 'added p50', 'notes'];

const f = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
const signedUs = (value: number) => (Number.isFinite(value) ? `${value >= 0 ? '+' : ''}${value.toFixed(0)} µs` : '–');
const signed = (value: number, digits = 2) => (Number.isFinite(value) ? `${value >= 0 ? '+' : ''}${value.toFixed(digits)} ms` : '–');
const TARGET_LABEL: Record<TargetName, string> = {
  direct: 'direct upstream',
  bare: 'bare proxy',
  floor: 'floor: Fastify + openai SDK',
  'floor-flags': "floor, under npm start's node flags",
  portkey: 'Portkey (@portkey-ai/gateway)',
  baseline: 'baseline gateway',
  gateway: 'gateway',
};

export function buildReport(meta: Record<string, unknown>, runs: RunResult[], soak: SoakResult, pacedChunks: number): Report {
  const rows: string[][] = [];
  const connections = [...new Set(runs.flatMap((run) => run.chat.map((phase) => phase.connections)))];
  const chatOf = (run: RunResult, target: TargetName, conns: number) => run.chat.find((phase) => phase.target === target && phase.connections === conns);
  const medianOf = (pick: (run: RunResult) => number | undefined) => median(runs.map((run) => pick(run) ?? Number.NaN));

  const ratioOf = (target: TargetName, conns: number) => medianOf((run) => ratio(chatOf(run, target, conns)?.rps, chatOf(run, 'bare', conns)?.rps));
  const ratioAt = (conns: number) => ratioOf('gateway', conns);
  const addedAt = (target: TargetName, conns: number) =>
    medianOf((run) => difference(chatOf(run, target, conns)?.p50Ms, chatOf(run, 'direct', conns)?.p50Ms));

  const targets = (['direct', 'bare', 'floor', 'floor-flags', 'portkey', 'baseline', 'gateway'] as const).filter((target) => runs.some((run) => run.chat.some((phase) => phase.target === target)));
  const hasBaseline = targets.includes('baseline');
  /** Gateway against the baseline gateway, per run: throughput ratio and CPU ratio. */
  const versusBaseline = (of: (run: RunResult, target: TargetName) => { rps: number; cpuUsPerRequest: number } | undefined) => {
    if (!hasBaseline) return '';
    const speed = medianOf((run) => ratio(of(run, 'gateway')?.rps, of(run, 'baseline')?.rps));
    const cpu = medianOf((run) => ratio(of(run, 'gateway')?.cpuUsPerRequest, of(run, 'baseline')?.cpuUsPerRequest));
    return `vs baseline: ×${f(speed, 2)} req/s, ×${f(cpu, 2)} CPU/req`;
  };
  /** Gateway against Portkey on the same upstream, per run. */
  const versusPortkey = (of: (run: RunResult, target: TargetName) => { rps: number; cpuUsPerRequest: number } | undefined) => {
    if (!targets.includes('portkey')) return '';
    const speed = medianOf((run) => ratio(of(run, 'gateway')?.rps, of(run, 'portkey')?.rps));
    const cpu = medianOf((run) => ratio(of(run, 'gateway')?.cpuUsPerRequest, of(run, 'portkey')?.cpuUsPerRequest));
    return `vs Portkey: ×${f(speed, 2)} req/s, ×${f(cpu, 2)} CPU/req`;
  };
  for (const conns of connections) {
    for (const target of targets) {
      const pick = (field: keyof ChatPhase) => medianOf((run) => chatOf(run, target, conns)?.[field] as number | undefined);
      const failures = runs.reduce((sum, run) => sum + (chatOf(run, target, conns)?.failures ?? 0), 0);
      rows.push([
        'chat JSON (shim)',
        TARGET_LABEL[target],
        String(conns),
        f(pick('rps'), 0),
        f(pick('p50Ms'), 3),
        f(pick('p99Ms'), 3),
        f(pick('cpuUsPerRequest'), 0),
        target === 'direct' || target === 'bare' ? '' : `${f(ratioOf(target, conns) * 100, 1)} %`,
        target === 'direct' ? '' : signed(addedAt(target, conns), 3),
        [target === 'gateway' ? versusBaseline((run, name) => chatOf(run, name, conns)) : '', target === 'gateway' ? versusPortkey((run, name) => chatOf(run, name, conns)) : '', failures > 0 ? `${failures} failed` : ''].filter(Boolean).join('; '),
      ]);
    }
  }

  const streamOf = (run: RunResult, target: TargetName) => run.stream.find((phase) => phase.target === target);
  const streamFigures = (run: RunResult, target: TargetName) => {
    const phase = streamOf(run, target);
    return phase ? { rps: phase.streamsPerSecond, cpuUsPerRequest: phase.cpuUsPerRequest } : undefined;
  };
  for (const target of targets.filter((name) => runs.some((run) => streamOf(run, name)))) {
    const pick = (field: keyof StreamPhase) => medianOf((run) => streamOf(run, target)?.[field] as number | undefined);
    const added = medianOf((run) => difference(streamOf(run, target)?.ttfcP50Ms, streamOf(run, 'direct')?.ttfcP50Ms));
    const paced = sumPaced(runs.map((run) => streamOf(run, target)?.paced));
    const failures = runs.reduce((sum, run) => sum + (streamOf(run, target)?.failures ?? 0), 0) + paced.failures;
    rows.push([
      'chat SSE, first chunk',
      TARGET_LABEL[target],
      '1',
      f(pick('streamsPerSecond'), 0),
      f(pick('ttfcP50Ms'), 3),
      f(pick('ttfcP99Ms'), 3),
      f(pick('cpuUsPerRequest'), 0),
      '',
      target === 'direct' ? '' : signed(added, 3),
      [
        `paced: ${paced.contentEvents}/${paced.streams * pacedChunks} chunks in ${paced.readsWithContent} reads, max ${paced.maxContentEventsPerRead}/read`,
        target === 'gateway' ? versusBaseline(streamFigures) : '',
        target === 'gateway' ? versusPortkey(streamFigures) : '',
        failures > 0 ? `${failures} failed` : '',
      ].filter(Boolean).join('; '),
    ]);
  }

  const rpcKinds = [...new Set(runs.flatMap((run) => run.rpc.map((phase) => `${phase.kind}:${phase.concurrency}:${phase.target}`)))];
  for (const key of rpcKinds) {
    const [kind, conns, target] = key.split(':') as [RpcPhase['kind'], string, RpcPhase['target']];
    const find = (run: RunResult, name: TargetName) => run.rpc.find((phase) => phase.kind === kind && phase.concurrency === Number(conns) && phase.target === name);
    const of = (run: RunResult) => find(run, target);
    const pick = (field: keyof RpcPhase) => medianOf((run) => of(run)?.[field] as number | undefined);
    const failures = runs.reduce((sum, run) => sum + (of(run)?.failures ?? 0), 0);
    rows.push([
      RPC_KINDS[kind]?.label ?? kind,
      TARGET_LABEL[target],
      conns,
      f(pick('rps'), 0),
      f(pick('firstP50Ms'), 3),
      f(pick('firstP99Ms'), 3),
      f(pick('cpuUsPerRequest'), 0),
      '',
      '',
      [
        RPC_KINDS[kind]?.stream ? `whole stream p50 ${f(pick('totalP50Ms'), 3)} ms` : '',
        target === 'gateway' ? versusBaseline((run, name) => find(run, name)) : '',
        failures > 0 ? `${failures} failed` : '',
      ].filter(Boolean).join('; '),
    ]);
  }

  const peakRss = Math.max(...runs.map((run) => run.gatewayPeakRssMb), soak.peakRssMb);
  const peakBeforeSoak = Math.max(...runs.map((run) => run.gatewayPeakRssMb));
  const floorPeak = Math.max(...runs.map((run) => run.floorPeakRssMb ?? Number.NaN));
  const floorFlagsPeak = Math.max(...runs.map((run) => run.floorFlagsPeakRssMb ?? Number.NaN));
  const floorPeaks = Number.isFinite(floorPeak) ? `; SDK floor ${f(floorPeak, 1)} MB, under npm start's flags ${f(floorFlagsPeak, 1)} MB` : '';
  rows.push([
    'memory',
    'gateway',
    String(soak.connections),
    f(soak.rps, 0),
    '',
    '',
    '',
    '',
    '',
    `peak RSS ${f(peakRss, 1)} MB (VmHWM; ${f(peakBeforeSoak, 1)} MB before the soak${hasBaseline ? `; baseline gateway ${f(Math.max(...runs.map((run) => run.baselinePeakRssMb ?? Number.NaN)), 1)} MB` : ''}${floorPeaks}); ${f(soak.seconds, 0)} s soak: RSS ${f(soak.rssStartMb, 1)} → ${f(soak.rssEndMb, 1)} MB, trend ${f(soak.trendMbPerMinute, 2)} MB/min, idle after ${f(soak.rssIdleAfterMb, 1)} MB${soak.failures > 0 ? `; ${soak.failures} failed` : ''}`,
  ]);

  const maxConns = Math.max(...connections);
  const minConns = Math.min(...connections);
  const gatewayPaced = sumPaced(runs.map((run) => streamOf(run, 'gateway')?.paced));
  const streamAdded = medianOf((run) => difference(streamOf(run, 'gateway')?.ttfcP50Ms, streamOf(run, 'direct')?.ttfcP50Ms));
  const cpuVersusFloor = medianOf((run) => ratio(chatOf(run, 'gateway', maxConns)?.cpuUsPerRequest, chatOf(run, 'floor', maxConns)?.cpuUsPerRequest));
  // The floor runs on Node's defaults (a young generation up to 4× larger, no heap-growth cap): the same
  // floor under npm start's flags says how much of the ratio is the memory flags' price, not the gateway's code.
  const cpuVersusFlaggedFloor = medianOf((run) => ratio(chatOf(run, 'gateway', maxConns)?.cpuUsPerRequest, chatOf(run, 'floor-flags', maxConns)?.cpuUsPerRequest));
  const sameFlags = (text: string) => (Number.isFinite(cpuVersusFlaggedFloor) || Number.isFinite(floorFlagsPeak) ? ` (${text})` : '');
  const bars: Bar[] = [
    {
      name: `non-streaming throughput at ${maxConns} connections vs bare proxy`,
      target: '≥ 50 %',
      measured: `${f(ratioAt(maxConns) * 100, 1)} %`,
      holds: maxConns === 64 ? ratioAt(maxConns) >= 0.5 : null,
    },
    {
      name: `added p50 latency at ${minConns} connection over direct upstream`,
      target: '≤ 0.4 ms',
      measured: signed(addedAt('gateway', minConns), 3),
      holds: minConns === 1 ? addedAt('gateway', minConns) <= 0.4 : null,
    },
    { name: 'streaming: added time to first chunk', target: '≤ 1 ms', measured: signed(streamAdded, 3), holds: streamAdded <= 1 },
    {
      name: 'streaming: every upstream chunk forwarded as its own write',
      target: `${gatewayPaced.streams * pacedChunks} chunks in as many reads`,
      measured: `${gatewayPaced.contentEvents} chunks in ${gatewayPaced.readsWithContent} reads, max ${gatewayPaced.maxContentEventsPerRead} per read`,
      holds:
        gatewayPaced.streams > 0 &&
        gatewayPaced.contentEvents === gatewayPaced.streams * pacedChunks &&
        gatewayPaced.readsWithContent === gatewayPaced.contentEvents &&
        gatewayPaced.maxContentEventsPerRead === 1,
    },
    {
      name: `gateway CPU per request at ${maxConns} connections vs the SDK floor's`,
      target: '≤ 2×',
      measured: `×${f(cpuVersusFloor, 2)}${sameFlags(`×${f(cpuVersusFlaggedFloor, 2)} of the floor under npm start's flags`)}`,
      holds: Number.isNaN(cpuVersusFloor) ? null : cpuVersusFloor <= 2,
    },
    ...rpcBars(runs, streamOf, chatOf, minConns),
    { name: `peak RSS (run at up to ${maxConns} connections)`, target: '≤ 120 MB', measured: `${f(peakRss, 1)} MB${sameFlags(`the floor under npm start's flags: ${f(floorFlagsPeak, 1)} MB`)}`, holds: peakRss <= 120 },
    {
      name: 'no RSS growth trend over the soak',
      target: '10-minute soak, no upward trend',
      measured: `${f(soak.seconds, 0)} s: trend ${f(soak.trendMbPerMinute, 2)} MB/min, ${f(soak.rssStartMb, 1)} → ${f(soak.rssEndMb, 1)} MB`,
      // A trend under 0.5 MB/min over ≥ 10 minutes; a shorter soak cannot decide it.
      holds: soak.seconds >= 600 ? soak.trendMbPerMinute < 0.5 : null,
    },
    {
      name: 'hot path: no database reads, no synchronous log writes',
      target: 'shown by a test',
      measured: 'test/bench/hot-path-queries.test.ts',
      holds: null,
    },
  ];
  return { meta, runs, soak, rows, bars };
}

/** The typed surfaces against the shim, one call at a time, within each run: CPU per call and time to first chunk. */
function rpcBars(
  runs: RunResult[],
  streamOf: (run: RunResult, target: TargetName) => StreamPhase | undefined,
  chatOf: (run: RunResult, target: TargetName, conns: number) => ChatPhase | undefined,
  minConns: number,
): Bar[] {
  const rpcOf = (run: RunResult, kind: RpcKind) => run.rpc.find((phase) => phase.target === 'gateway' && phase.kind === kind && phase.concurrency === 1);
  const medianOf = (pick: (run: RunResult) => number) => median(runs.map(pick));
  const bars: Bar[] = [];
  const bar = (name: string, target: string, value: number, unit: 'ratio' | 'ms', holds: (value: number) => boolean) =>
    // Three digits: a ratio judged against ×1 reads ×1.00 either side of it at two.
    bars.push({ name, target, measured: unit === 'ratio' ? `×${f(value, 3)}` : signed(value, 3), holds: Number.isNaN(value) ? null : holds(value) });
  // Both measured by a client without a library (node:http / node:http2, the text searched, nothing decoded) when the raw row ran,
  // as the SSE stream is: connect-node's client adds headers to negotiate (user-agent, grpc-accept-encoding) and ends
  // its request with a DATA frame of its own once the message's write completes — work the server does for that
  // client, not for the call (its ratio is shown beside).
  const grpcFirstKind = runs.some((run) => rpcOf(run, 'grpc-stream-raw')) ? 'grpc-stream-raw' : 'grpc-stream';
  const grpcCpuRatio = (kind: RpcKind) => medianOf((run) => ratio(rpcOf(run, kind)?.cpuUsPerRequest, streamOf(run, 'gateway')?.cpuUsPerRequest));
  const connectKind = runs.some((run) => rpcOf(run, 'connect-unary-raw')) ? 'connect-unary-raw' : 'connect-unary';
  // The same comparisons from the rows' phases, seconds apart (drift and warm-up between them): beside the bars, or the bars when no interleaved measure ran.
  const apart = {
    grpcCpu: grpcCpuRatio(grpcFirstKind),
    grpcFirst: medianOf((run) => difference(rpcOf(run, grpcFirstKind)?.firstP50Ms, streamOf(run, 'gateway')?.ttfcP50Ms)),
    connectCpu: medianOf((run) => ratio(rpcOf(run, connectKind)?.cpuUsPerRequest, chatOf(run, 'gateway', 1)?.cpuUsPerRequest)),
  };
  const withNote = (note: string) => (bars[bars.length - 1]!.measured += ` (${note})`);
  const connectNode = runs.some((run) => rpcOf(run, 'grpc-stream')) ? `; connect-node's client, phases apart: ×${f(grpcCpuRatio('grpc-stream'), 2)}` : '';
  if (runs.every((run) => run.interleaved !== undefined)) {
    const turns = (pick: (measured: NonNullable<RunResult['interleaved']>) => number) => medianOf((run) => pick(run.interleaved!));
    bar('gRPC StreamComplete (grpc-stream-raw) CPU per call vs the shim\'s per SSE stream, taking turns (1 at a time)', '≤ ×1', turns((m) => ratio(m['grpc-stream-raw'].cpuUsPerCall, m['shim-sse'].cpuUsPerCall)), 'ratio', (value) => value <= 1);
    // What Node's HTTP/2 costs over its HTTP/1.1 for the same stream, in µs per stream beside the gateway's own difference.
    const transports = runs.every((run) => run.transports !== undefined)
      ? `; the transports alone, bare: ×${f(medianOf((run) => ratio(run.transports!['bare-grpc'].cpuUsPerCall, run.transports!['bare-sse'].cpuUsPerCall)), 2)}, ` +
        `${signedUs(medianOf((run) => run.transports!['bare-grpc'].cpuUsPerCall - run.transports!['bare-sse'].cpuUsPerCall))} against the gateway's ` +
        `${signedUs(turns((m) => m['grpc-stream-raw'].cpuUsPerCall - m['shim-sse'].cpuUsPerCall))} per stream`
      : '';
    withNote(`phases apart: ×${f(apart.grpcCpu, 2)}${connectNode}${transports}`);
    bar('gRPC time to first chunk (grpc-stream-raw) minus the shim\'s SSE time to first chunk, taking turns', '≤ 0 ms', turns((m) => m['grpc-stream-raw'].firstP50Ms - m['shim-sse'].firstP50Ms), 'ms', (value) => value <= 0);
    withNote(`phases apart: ${signed(apart.grpcFirst, 3)}`);
    bar('Connect Complete (binary, connect-unary-raw) CPU per call vs the shim\'s chat JSON, taking turns (1 at a time)', '≤ ×1', turns((m) => ratio(m['connect-unary-raw'].cpuUsPerCall, m['shim-json'].cpuUsPerCall)), 'ratio', (value) => value <= 1);
    if (minConns === 1) withNote(`phases apart: ×${f(apart.connectCpu, 2)}`);
    return bars;
  }
  bar(`gRPC StreamComplete (${grpcFirstKind}) CPU per call vs the shim\'s per SSE stream (1 at a time)`, '≤ ×1', apart.grpcCpu, 'ratio', (value) => value <= 1);
  if (grpcFirstKind === 'grpc-stream-raw' && connectNode) withNote(connectNode.slice(2));
  bar(`gRPC time to first chunk (${grpcFirstKind}) minus the shim\'s SSE time to first chunk`, '≤ 0 ms', apart.grpcFirst, 'ms', (value) => value <= 0);
  // As the shim is driven (autocannon: no client library) when the raw row ran.
  if (minConns === 1) bar(`Connect Complete (binary, ${connectKind}) CPU per call vs the shim\'s chat JSON (1 connection)`, '≤ ×1', apart.connectCpu, 'ratio', (value) => value <= 1);
  return bars;
}

function ratio(numerator: number | undefined, denominator: number | undefined): number {
  return numerator !== undefined && denominator !== undefined && denominator > 0 ? numerator / denominator : Number.NaN;
}

function difference(left: number | undefined, right: number | undefined): number {
  return left !== undefined && right !== undefined ? left - right : Number.NaN;
}

function sumPaced(items: Array<StreamPhase['paced'] | undefined>): StreamPhase['paced'] {
  const total = { streams: 0, contentEvents: 0, readsWithContent: 0, maxContentEventsPerRead: 0, failures: 0 };
  for (const item of items) {
    if (!item) continue;
    total.streams += item.streams;
    total.contentEvents += item.contentEvents;
    total.readsWithContent += item.readsWithContent;
    total.maxContentEventsPerRead = Math.max(total.maxContentEventsPerRead, item.maxContentEventsPerRead);
    total.failures += item.failures;
  }
  return total;
}

const verdict = (bar: Bar) => (bar.holds === null ? 'n/a' : bar.holds ? 'holds' : 'FAILS');

export function renderText(report: Report): string {
  const widths = HEADER.map((title, column) => Math.max(title.length, ...report.rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((cell, column) => (column >= 3 && column <= 8 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ').trimEnd();
  const out = [line(HEADER), widths.map((width) => '-'.repeat(width)).join('  '), ...report.rows.map(line), ''];
  out.push('Bars:');
  for (const bar of report.bars) out.push(`  [${verdict(bar).padEnd(5)}] ${bar.name}: ${bar.measured} (bar ${bar.target})`);
  out.push('', metaLine(report.meta));
  return out.join('\n');
}

export function renderMarkdown(report: Report): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  const out = [
    '# Benchmark results',
    '',
    metaLine(report.meta),
    '',
    `| ${HEADER.join(' | ')} |`,
    `|${HEADER.map((_, column) => (column >= 3 && column <= 8 ? '---:' : '---')).join('|')}|`,
    ...report.rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
    '',
    '## Bars',
    '',
    '| bar | target | measured | verdict |',
    '|---|---|---|---|',
    ...report.bars.map((bar) => `| ${escape(bar.name)} | ${escape(bar.target)} | ${escape(bar.measured)} | ${verdict(bar)} |`),
    '',
    'Column meanings: see bench/README.md.',
    '',
  ];
  return out.join('\n');
}

function metaLine(meta: Record<string, unknown>): string {
  const load = (value: unknown) => (Array.isArray(value) ? value.map((entry) => Number(entry).toFixed(2)).join(' ') : '?');
  return [
    `${String(meta['date'])}, node ${String(meta['node'])}, ${String(meta['cpus'])} × ${String(meta['cpuModel'])}`,
    `commit ${String(meta['commit'])}`,
    ...(meta['baseline'] ? [`baseline gateway ${String(meta['baseline'])} on node ${String(meta['baselineNode'])}`] : []),
    `${String(meta['runs'])} runs (medians), ${String(meta['phaseSeconds'])} s per chat phase, ${String(meta['streamSeconds'])} s per stream/RPC phase`,
    `gateway log level ${String(meta['logLevel'])}${meta['gatewayNodeOptions'] ? `, NODE_OPTIONS ${String(meta['gatewayNodeOptions'])}` : ''}`,
    `load average before ${load(meta['loadAverageBefore'])}, after ${load(meta['loadAverageAfter'])}`,
  ].join('; ');
}
