// Loaded into a server under test (`--import`, by bench/timeline.ts): splits
// the wall time of each POST it serves, one request at a time, into phases —
// request arrived → upstream request sent → upstream response (status and
// headers) → first byte written back → response finished — from Node's own
// HTTP diagnostics channels, so nothing in the server changes. After
// BENCH_TIMELINE_WARMUP requests it keeps BENCH_TIMELINE_COUNT, then prints the
// median of each phase as one line on stderr: `timeline {"pre":…,…}` (µs).
// Only meaningful at one connection: phases are matched to the request in flight.
import diagnostics from 'node:diagnostics_channel';
import http from 'node:http';

const warmup = Number(process.env['BENCH_TIMELINE_WARMUP'] ?? '300');
const count = Number(process.env['BENCH_TIMELINE_COUNT'] ?? '2000');

interface Marks {
  arrived: number;
  upstreamSent?: number;
  /** How long the server stayed busy after sending the upstream request (its answer waits meanwhile). */
  busyAfterSend?: number;
  upstreamAnswered?: number;
  firstWrite?: number;
}

const PHASES = ['pre', 'upstream', 'busyAfterSend', 'toFirstByte', 'rest', 'total'] as const;
const samples: Record<(typeof PHASES)[number], number[]> = { pre: [], upstream: [], busyAfterSend: [], toFirstByte: [], rest: [], total: [] };
let current: Marks | undefined;
let seen = 0;

const microseconds = () => Number(process.hrtime.bigint()) / 1000;

diagnostics.subscribe('http.server.request.start', (message) => {
  const { request } = message as { request: http.IncomingMessage };
  current = request.method === 'POST' ? { arrived: microseconds() } : undefined;
});
diagnostics.subscribe('http.client.request.start', () => {
  const marks = current;
  if (!marks || marks.upstreamSent !== undefined) return;
  const sent = microseconds();
  marks.upstreamSent = sent;
  // An immediate runs once the work queued behind the send (ticks, promise reactions) is done.
  setImmediate(() => {
    marks.busyAfterSend = microseconds() - sent;
  });
});
diagnostics.subscribe('http.client.response.finish', () => {
  if (current && current.upstreamAnswered === undefined) current.upstreamAnswered = microseconds();
});

// No channel tells when a response's first byte is written: write() and end() are wrapped instead.
for (const method of ['write', 'end'] as const) {
  const original = http.ServerResponse.prototype[method] as (...args: unknown[]) => unknown;
  (http.ServerResponse.prototype as unknown as Record<string, unknown>)[method] = function (this: http.ServerResponse, ...args: unknown[]) {
    if (current && current.firstWrite === undefined && current.upstreamAnswered !== undefined) current.firstWrite = microseconds();
    return original.apply(this, args);
  };
}

diagnostics.subscribe('http.server.response.finish', () => {
  const marks = current;
  current = undefined;
  if (!marks?.upstreamSent || !marks.upstreamAnswered || !marks.firstWrite) return;
  seen += 1;
  if (seen <= warmup || seen > warmup + count) return;
  const finished = microseconds();
  samples.pre.push(marks.upstreamSent - marks.arrived);
  samples.upstream.push(marks.upstreamAnswered - marks.upstreamSent);
  samples.busyAfterSend.push(marks.busyAfterSend ?? Number.NaN);
  samples.toFirstByte.push(marks.firstWrite - marks.upstreamAnswered);
  samples.rest.push(finished - marks.firstWrite);
  samples.total.push(finished - marks.arrived);
  if (seen === warmup + count) {
    const medians = Object.fromEntries(PHASES.map((phase) => [phase, median(samples[phase])]));
    process.stderr.write(`timeline ${JSON.stringify(medians)}\n`);
  }
});

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  return Math.round(sorted[sorted.length >> 1]!);
}
