// `node dist/bench/recompiles.js [options]`: which functions V8 compiles again and again once the
// gateway is warm. V8 holds a function's optimized code weakly (only a live closure of it keeps it),
// so a closure made per request loses its code at every mark-compact and is compiled again by
// Turbofan on a worker thread (docs/performance.md, "Closures made per request"). This starts the
// gateway with npm start's flags plus V8's code-creation log (--log-code) and --trace-gc, drives
// chat (or SSE) at a number of connections, and counts, after the warm-up, the Turbofan compilations
// per source position and the mark-compacts: a function compiled about once per mark-compact is
// one of those closures. A tool for finding them, not a table of record.
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { configureGateway, startGateway, startScript, toolGatewayOptions } from './lib/gateway.js';
import { runLoad } from './lib/http-load.js';
import { readyPort, spawnNode, stopAll } from './lib/proc.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values: options } = parseArgs({
  options: {
    connections: { type: 'string', default: '64' },
    warmup: { type: 'string', default: '6' },
    seconds: { type: 'string', default: '10' },
    stream: { type: 'boolean', default: false },
    surface: { type: 'string', default: 'openai' },
    top: { type: 'string', default: '25' },
    help: { type: 'boolean', default: false },
  },
});
if (options.help) {
  process.stdout.write(`node dist/bench/recompiles.js [options]   (after npm run build && tsc -p bench/tsconfig.json)
  --connections N   concurrent connections (default 64)
  --warmup S        seconds of load not counted (default 6)
  --seconds S       seconds of load counted (default 10)
  --stream          chat with stream: true (SSE) instead of JSON
  --surface S       openai (POST /v1/chat/completions, default), anthropic (/v1/messages), responses
                    (/v1/responses) or gemini (/v1beta/models/…:generateContent)
  --top N           source positions listed (default 25)
`);
  process.exit(0);
}

/** One Turbofan compilation from the code-creation log: when (µs since the isolate started) and where. */
interface Compilation {
  atUs: number;
  name: string;
  where: string;
}

/** `code-creation,JS,<kind>,<µs>,<address>,<size>,<name> <url>:<line>:<column>,<shared>,<tier>`; tier `*` is Turbofan. */
function turbofanCompilations(log: string): Compilation[] {
  const compilations: Compilation[] = [];
  for (const line of log.split('\n')) {
    if (!line.startsWith('code-creation,JS,')) continue;
    const fields = line.split(',');
    const tier = fields.at(-1);
    if (tier !== '*' && tier !== "*'") continue;
    // The name field may itself hold commas (a URL with a query): everything between the size and the shared-info address.
    const nameAndWhere = fields.slice(6, -2).join(',');
    const space = nameAndWhere.lastIndexOf(' ');
    compilations.push({ atUs: Number(fields[3]), name: nameAndWhere.slice(0, space) || '(anonymous)', where: nameAndWhere.slice(space + 1) });
  }
  return compilations;
}

/** The times (ms since the isolate started) of the mark-compacts in --trace-gc's output. */
function markCompactTimes(gcLog: string): number[] {
  return [...gcLog.matchAll(/^\[\d+:0x[0-9a-f]+\]\s+(\d+) ms: Mark-Compact/gm)].map((match) => Number(match[1]));
}

/** The process's age in ms, from /proc (its start in clock ticks since boot against the uptime). */
function processAgeMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const startTicks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  const uptimeSeconds = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  return (uptimeSeconds - startTicks / 100) * 1000;
}

/** The source text at a bundle position, to tell an anonymous function by its first characters. */
function sourceAt(where: string): string {
  const match = /^file:\/\/(.+):(\d+):(\d+)$/.exec(where);
  if (!match) return '';
  try {
    const line = readFileSync(match[1]!, 'utf8').split('\n')[Number(match[2]) - 1] ?? '';
    return line.slice(Number(match[3]) - 1, Number(match[3]) + 59);
  } catch {
    return '';
  }
}

const SYSTEM = 'You are a concise assistant.';
const USER = 'Say hello in one short sentence.';

/** The same small chat on each client surface (the gateway's README has each one's shape). */
function requestFor(surface: string, model: string, secret: string, stream: boolean): { path: string; body: string; headers: Record<string, string> } {
  const streamField = stream ? { stream: true } : {};
  switch (surface) {
    case 'openai':
      return {
        path: '/v1/chat/completions',
        body: JSON.stringify({ model, messages: [{ role: 'system', content: SYSTEM }, { role: 'user', content: USER }], max_tokens: 64, ...streamField }),
        headers: { authorization: `Bearer ${secret}` },
      };
    case 'anthropic':
      return {
        path: '/v1/messages',
        body: JSON.stringify({ model, system: SYSTEM, messages: [{ role: 'user', content: USER }], max_tokens: 64, ...streamField }),
        headers: { 'x-api-key': secret, 'anthropic-version': '2023-06-01' },
      };
    case 'responses':
      return {
        path: '/v1/responses',
        body: JSON.stringify({ model, instructions: SYSTEM, input: USER, max_output_tokens: 64, ...streamField }),
        headers: { authorization: `Bearer ${secret}` },
      };
    case 'gemini':
      return {
        path: `/v1beta/models/${encodeURIComponent(model)}:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`,
        body: JSON.stringify({ systemInstruction: { parts: [{ text: SYSTEM }] }, contents: [{ role: 'user', parts: [{ text: USER }] }], generationConfig: { maxOutputTokens: 64 } }),
        headers: { 'x-goog-api-key': secret },
      };
    default:
      throw new Error(`unknown surface ${surface}`);
  }
}

const connections = Number(options.connections);
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-recompiles-'));
const v8Log = path.join(dataDir, 'v8.log');
try {
  const upstream = spawnNode({ name: 'upstream', args: [path.join(root, 'dist/bench/upstream.js')], env: { PATH: process.env['PATH'], BENCH_MAX_LIFETIME_S: '600' }, cwd: root, logFile: path.join(dataDir, 'upstream.log') });
  const upstreamUrl = `http://127.0.0.1:${await readyPort(upstream)}`;
  const base = toolGatewayOptions(root, dataDir, 600);
  const gatewayLog = base.logFile;
  const gateway = await startGateway({
    ...base,
    flags: [...startScript(root).flags, '--log-code', `--logfile=${v8Log}`, '--no-logfile-per-isolate', '--trace-gc'],
  });
  const setup = await configureGateway(gateway, upstreamUrl);
  const request = requestFor(String(options.surface), setup.model, setup.secret, options.stream === true);
  const url = `${gateway.url}${request.path}`;
  const { body, headers } = request;
  const load = (seconds: number) => runLoad({ url, body, headers, connections, seconds });
  await load(Number(options.warmup));
  const fromMs = processAgeMs(gateway.child.pid);
  const result = await load(Number(options.seconds));
  const toMs = processAgeMs(gateway.child.pid);
  await stopAll();

  const counted = turbofanCompilations(readFileSync(v8Log, 'utf8')).filter((entry) => entry.atUs / 1000 >= fromMs && entry.atUs / 1000 <= toMs);
  const markCompacts = markCompactTimes(readFileSync(gatewayLog, 'utf8')).filter((atMs) => atMs >= fromMs && atMs <= toMs).length;
  const byWhere = new Map<string, { name: string; count: number }>();
  for (const entry of counted) {
    const seen = byWhere.get(entry.where) ?? { name: entry.name, count: 0 };
    seen.count += 1;
    byWhere.set(entry.where, seen);
  }
  process.stdout.write(
    `${options.surface}${options.stream ? ' SSE' : ' JSON'} at ${connections} connections, ${result.requests} requests in ${result.seconds.toFixed(1)} s after ${options.warmup} s of warm-up: ` +
      `${markCompacts} mark-compacts, ${counted.length} Turbofan compilations (${(counted.length / Math.max(1, markCompacts)).toFixed(1)} per mark-compact)\n\n`,
  );
  process.stdout.write('count  function (source position: the text there)\n');
  for (const [where, { name, count }] of [...byWhere].sort((left, right) => right[1].count - left[1].count).slice(0, Number(options.top))) {
    const file = where.replace(/^file:\/\/.*\/dist\//, 'dist/');
    process.stdout.write(`${String(count).padStart(5)}  ${name} ${file}${where.startsWith('file://') ? `: ${sourceAt(where)}` : ''}\n`);
  }
} finally {
  await stopAll();
  rmSync(dataDir, { recursive: true, force: true });
}
