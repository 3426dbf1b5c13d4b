// `node dist/bench/quick.js [connections] [seconds] [rounds]`: the gateway's CPU per
// request for non-streaming chat only, fast (no floors, streams or RPCs), for
// trying a change. NODE_OPTIONS and GATEWAY_WORKERS are passed through to the
// gateway; with workers, CPU and RSS are the sums over the primary and its workers.
// BENCH_START_FLAGS replaces `npm start`'s node flags (empty: bare node), to
// measure what each flag pays; BENCH_GATEWAY_NODE runs the gateway on another
// node binary.
// The table of record is `npm run bench`; this is a tool for the loop in between.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configureGateway, startGateway } from './lib/gateway.js';
import { runLoad } from './lib/http-load.js';
import { cpuSeconds, memoryStatus, processTree, readyPort, spawnNode, stopAll } from './lib/proc.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const [connections = 64, seconds = 4, rounds = 3] = process.argv.slice(2).map(Number);
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-quick-'));
try {
  const upstream = spawnNode({ name: 'upstream', args: [path.join(root, 'dist/bench/upstream.js')], env: { PATH: process.env['PATH'], BENCH_MAX_LIFETIME_S: '600' }, cwd: root, logFile: path.join(dataDir, 'upstream.log') });
  const upstreamUrl = `http://127.0.0.1:${await readyPort(upstream)}`;
  const gateway = await startGateway({
    root,
    guardPath: path.join(root, 'dist/bench/child-guard.js'),
    dataDir,
    logFile: path.join(dataDir, 'gateway.log'),
    logLevel: 'warn',
    maxLifetimeSeconds: 600,
    ...(process.env['NODE_OPTIONS'] ? { nodeOptions: process.env['NODE_OPTIONS'] } : {}),
    ...(process.env['GATEWAY_WORKERS'] ? { workers: Number(process.env['GATEWAY_WORKERS']) } : {}),
    ...(process.env['BENCH_START_FLAGS'] !== undefined ? { flags: process.env['BENCH_START_FLAGS'].split(/\s+/).filter((flag) => flag !== '') } : {}),
    ...(process.env['BENCH_GATEWAY_NODE'] ? { nodePath: process.env['BENCH_GATEWAY_NODE'] } : {}),
  });
  const sum = (measure: (pid: number) => number) => processTree(gateway.child.pid).reduce((total, pid) => total + measure(pid), 0);
  const setup = await configureGateway(gateway, upstreamUrl);
  const body = JSON.stringify({ model: setup.model, messages: [{ role: 'system', content: 'You are a concise assistant.' }, { role: 'user', content: 'Say hello in one short sentence.' }], max_tokens: 64, temperature: 0.2 });
  const load = (secs: number, conns: number) => runLoad({ url: `${gateway.url}/v1/chat/completions`, body, headers: { authorization: `Bearer ${setup.secret}` }, connections: conns, seconds: secs, record: true });
  await load(2, 16);
  for (let round = 1; round <= rounds; round += 1) {
    const before = sum(cpuSeconds);
    const result = await load(seconds, connections);
    const cpu = sum(cpuSeconds) - before;
    const rss = sum((pid) => memoryStatus(pid).rssMb);
    const peak = sum((pid) => memoryStatus(pid).peakRssMb);
    process.stdout.write(`round ${round}: ${result.rps.toFixed(0)} req/s, p50 ${result.p50Ms.toFixed(3)} ms, ${((cpu / result.requests) * 1e6).toFixed(0)} µs CPU/req, ${result.errors + result.non2xx} failed, RSS ${rss.toFixed(0)} MB (peak ${peak.toFixed(0)})\n`);
  }
} finally {
  await stopAll();
  rmSync(dataDir, { recursive: true, force: true });
}
