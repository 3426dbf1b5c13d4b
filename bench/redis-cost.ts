// `node dist/bench/redis-cost.js [connections] [seconds] [rounds]` (after `npm run bench` or a build of the
// harness): what sharing state through Redis costs on the request path. Two gateways in the same run, one
// without Redis and one with GATEWAY_REDIS_URL (BENCH_REDIS_URL, default redis://127.0.0.1:6379, a key
// prefix of the run's own), each serving non-streaming chat for a key with rate limits (requests/min,
// tokens/min, concurrency) and a USD budget — the features that reach Redis on every request. Rounds
// alternate between the two; the figures that matter are the ratios (gateway CPU per request, p50), since
// the machine is shared. Redis's own CPU is not counted (it may serve others).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configureGateway, startGateway, type GatewayProcess } from './lib/gateway.js';
import { runLoad } from './lib/http-load.js';
import { cpuSeconds, processTree, readyPort, spawnNode, stopAll } from './lib/proc.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const [connections = 32, seconds = 4, rounds = 3] = process.argv.slice(2).map(Number);
const redisUrl = process.env['BENCH_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-redis-cost-'));

/** A key that reaches every shared feature: limits far above the load (never refused), a budget far above it. */
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

try {
  const upstream = spawnNode({ name: 'upstream', args: [path.join(root, 'dist/bench/upstream.js')], env: { PATH: process.env['PATH'], BENCH_MAX_LIFETIME_S: '900' }, cwd: root, logFile: path.join(dataDir, 'upstream.log') });
  const upstreamUrl = `http://127.0.0.1:${await readyPort(upstream)}`;
  const variants: Array<{ name: string; env: Record<string, string> }> = [
    { name: 'in memory', env: {} },
    { name: 'with Redis', env: { GATEWAY_REDIS_URL: redisUrl, GATEWAY_REDIS_KEY_PREFIX: `bench:${randomUUID()}:` } },
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
    started.push({ ...variant, gateway, model: setup.model, secret: await limitedKey(gateway), cpuPerRequest: [] as number[], p50: [] as number[] });
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
  const [memory, redis] = started.map((run) => ({ name: run.name, cpu: median(run.cpuPerRequest), p50: median(run.p50) }));
  for (const run of [memory!, redis!]) process.stdout.write(`${run.name.padEnd(10)}  ${run.cpu.toFixed(0)} µs CPU/request, p50 ${run.p50.toFixed(2)} ms\n`);
  process.stdout.write(`Redis on the path: ×${(redis!.cpu / memory!.cpu).toFixed(2)} gateway CPU per request, ×${(redis!.p50 / memory!.p50).toFixed(2)} p50 (${connections} connections, median of ${rounds} rounds)\n`);
} finally {
  await stopAll();
  rmSync(dataDir, { recursive: true, force: true });
}
