// `node dist/bench/feature-cost.js [connections] [seconds] [rounds]` (also run by `npm run bench -- --features`):
// what the features other issues added cost on the request path, each a gateway of its own in the same run,
// serving non-streaming chat; rounds alternate between them and the figures are ratios to the first one:
//   plain            the bench's own gateway and key (metrics on, as always; tracing off, the default)
//   limits+budget    a key with rate limits (requests/min, tokens/min, concurrency) and a USD budget, in memory
//   limits+Redis     the same key with GATEWAY_REDIS_URL (BENCH_REDIS_URL, default redis://127.0.0.1:6379, a
//                    key prefix of the run's own): what reaches Redis on every request; skipped when no Redis answers
//   tracing          OTLP/HTTP tracing on, every request sampled, spans sent to a sink in the harness
//   tracing 10 %     the same, one request in ten sampled (OTEL_TRACES_SAMPLER=traceidratio)
// Redis's own CPU and the sink's are not counted.
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configureGateway, startGateway, type GatewayProcess } from './lib/gateway.js';
import { runLoad } from './lib/http-load.js';
import { cpuSeconds, processTree, readyPort, spawnNode, stopAll } from './lib/proc.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const [connections = 32, seconds = 4, rounds = 3] = process.argv.slice(2).map(Number);
const redisUrl = process.env['BENCH_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const out = process.env['BENCH_OUT'] ?? path.join(root, 'bench/results');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-feature-cost-'));

/** A key that reaches every limit and budget check: limits and a budget far above the load (never refused). */
async function limitedKey(gateway: GatewayProcess): Promise<string> {
  const response = await fetch(`${gateway.url}/llmgateway.v1.KeysService/CreateKey`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${gateway.adminToken}` },
    body: JSON.stringify({
      name: 'bench-limited',
      rateLimits: { requestsPerMinute: 100_000_000, tokensPerMinute: 2_000_000_000, concurrentRequests: 100_000 },
      budget: { amount: 1_000_000, unit: 'BUDGET_UNIT_USD', period: 'BUDGET_PERIOD_MONTH' },
    }),
  });
  const created = (await response.json()) as { secret?: string };
  if (!created.secret) throw new Error(`CreateKey: ${response.status}`);
  return created.secret;
}

function redisAnswers(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || 6379) });
    socket.setTimeout(1000, () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => (socket.destroy(), resolve(data.toString().startsWith('+PONG'))));
  });
}

/** An OTLP/HTTP receiver that takes every export and answers 200, counting the spans' bytes. */
async function startSpanSink(): Promise<{ url: string; bytes: () => number; close: () => void }> {
  let bytes = 0;
  const server = http.createServer((request, response) => {
    request.on('data', (part: Buffer) => (bytes += part.byteLength));
    request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { url: `http://127.0.0.1:${port}`, bytes: () => bytes, close: () => server.close() };
}

interface Variant {
  name: string;
  env: Record<string, string>;
  limited: boolean;
}

try {
  const upstream = spawnNode({ name: 'upstream', args: [path.join(root, 'dist/bench/upstream.js')], env: { PATH: process.env['PATH'], BENCH_MAX_LIFETIME_S: '900' }, cwd: root, logFile: path.join(dataDir, 'upstream.log') });
  const upstreamUrl = `http://127.0.0.1:${await readyPort(upstream)}`;
  const sink = await startSpanSink();
  const variants: Variant[] = [
    { name: 'plain', env: {}, limited: false },
    { name: 'limits+budget', env: {}, limited: true },
    ...((await redisAnswers(redisUrl)) ? [{ name: 'limits+Redis', env: { GATEWAY_REDIS_URL: redisUrl, GATEWAY_REDIS_KEY_PREFIX: `bench:${randomUUID()}:` }, limited: true }] : []),
    { name: 'tracing', env: { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_TRACES_SAMPLER: 'always_on', OTEL_BSP_SCHEDULE_DELAY: '1000' }, limited: false },
    { name: 'tracing 10 %', env: { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1', OTEL_BSP_SCHEDULE_DELAY: '1000' }, limited: false },
  ];
  const started = [];
  for (const variant of variants) {
    const directory = mkdtempSync(path.join(dataDir, 'gw-'));
    const gateway = await startGateway({
      root,
      guardPath: path.join(root, 'dist/bench/child-guard.js'),
      dataDir: directory,
      logFile: path.join(directory, 'gateway.log'),
      logLevel: 'warn',
      maxLifetimeSeconds: 900,
      name: variant.name,
      env: variant.env,
    });
    const setup = await configureGateway(gateway, upstreamUrl);
    const secret = variant.limited ? await limitedKey(gateway) : setup.secret;
    started.push({ ...variant, gateway, model: setup.model, secret, cpuPerRequest: [] as number[], p50: [] as number[] });
  }
  for (let round = 0; round <= rounds; round += 1) {
    for (const run of started) {
      const body = JSON.stringify({ model: run.model, messages: [{ role: 'user', content: 'Say hello in one short sentence.' }], max_tokens: 64 });
      const cpu = () => processTree(run.gateway.child.pid).reduce((total, pid) => total + cpuSeconds(pid), 0);
      const before = cpu();
      const result = await runLoad({ url: `${run.gateway.url}/v1/chat/completions`, body, headers: { authorization: `Bearer ${run.secret}` }, connections: round === 0 ? 8 : connections, seconds: round === 0 ? 2 : seconds, record: true });
      if (result.errors + result.non2xx > 0) throw new Error(`${run.name}: ${result.errors + result.non2xx} requests failed`);
      if (round === 0) continue; // warm-up
      run.cpuPerRequest.push(((cpu() - before) / result.requests) * 1e6);
      run.p50.push(result.p50Ms);
    }
  }
  const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
  const rows = started.map((run) => ({ name: run.name, cpuUsPerRequest: median(run.cpuPerRequest), p50Ms: median(run.p50) }));
  const plain = rows[0]!;
  const lines = [
    `Feature costs: non-streaming chat at ${connections} connections, medians of ${rounds} alternating rounds, ratios to the plain gateway in this run`,
    '',
    '| gateway | CPU µs/req | ×CPU | p50 ms | ×p50 |',
    '|---|---:|---:|---:|---:|',
    ...rows.map((row) => `| ${row.name} | ${row.cpuUsPerRequest.toFixed(0)} | ×${(row.cpuUsPerRequest / plain.cpuUsPerRequest).toFixed(2)} | ${row.p50Ms.toFixed(2)} | ×${(row.p50Ms / plain.p50Ms).toFixed(2)} |`),
  ];
  if (!rows.some((row) => row.name === 'limits+Redis')) lines.push('', `(no Redis answered at ${redisUrl}: the Redis row was skipped)`);
  if (sink.bytes() === 0) throw new Error('the tracing gateway exported no span');
  process.stdout.write(`${lines.join('\n')}\n`);
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'features.md'), `${lines.join('\n')}\n`);
  writeFileSync(path.join(out, 'features.json'), `${JSON.stringify({ connections, seconds, rounds, rows }, null, 2)}\n`);
  sink.close();
} finally {
  await stopAll();
  rmSync(dataDir, { recursive: true, force: true });
}
