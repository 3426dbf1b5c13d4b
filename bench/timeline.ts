// `node dist/bench/timeline.js [requests] [chat|sse]` (after a build): where
// the wall time of one request goes at one connection — the added p50 the
// bench reports, taken apart — for the SDK floor and the gateway on the same
// upstream. Each server runs with bench/lib/timeline-probe.js loaded, which
// splits every request into phases from Node's HTTP diagnostics channels:
// before the upstream request is sent, the upstream's own answer, from its
// answer to the first byte written back, and the rest until the response ends.
// Medians of each phase; the floor and the gateway are loaded one after the
// other, each on its own keep-alive connection.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configureGateway, startGateway } from './lib/gateway.js';
import { readyPort, spawnNode, stopAll } from './lib/proc.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const requests = Number(process.argv[2] ?? '3000');
const mode = process.argv[3] === 'sse' ? 'sse' : 'chat';
const warmup = 500;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-timeline-'));
const probe = path.join(root, 'dist/bench/lib/timeline-probe.js');
const probeEnv = { BENCH_TIMELINE_WARMUP: String(warmup), BENCH_TIMELINE_COUNT: String(requests) };

interface Target {
  name: string;
  url: string;
  headers: Record<string, string>;
  model: string;
  logFile: string;
}

/** `total` requests one after the other on one keep-alive connection, each read to its end. */
async function drive(target: Target, total: number): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const body = JSON.stringify({ model: target.model, messages: [{ role: 'user', content: 'Say hello in one short sentence.' }], max_tokens: 64, ...(mode === 'sse' ? { stream: true } : {}) });
  const headers = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...target.headers };
  for (let sent = 0; sent < total; sent += 1) {
    await new Promise<void>((resolve, reject) => {
      const request = http.request(target.url, { method: 'POST', agent, headers }, (response) => {
        if (response.statusCode !== 200) reject(new Error(`${target.name}: HTTP ${response.statusCode}`));
        response.resume();
        response.on('end', resolve);
        response.on('error', reject);
      });
      request.on('error', reject);
      request.end(body);
    });
  }
  agent.destroy();
}

async function timelineOf(target: Target): Promise<Record<string, number>> {
  await drive(target, warmup + requests);
  // The probe prints once the last measured response has finished, which is before the client saw its end.
  for (let tries = 0; tries < 50; tries += 1) {
    const line = readFileSync(target.logFile, 'utf8').split('\n').find((text) => text.startsWith('timeline '));
    if (line) return JSON.parse(line.slice('timeline '.length)) as Record<string, number>;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${target.name}: no timeline in ${target.logFile}`);
}

try {
  const childEnv = { PATH: process.env['PATH'], BENCH_MAX_LIFETIME_S: '900' };
  const upstream = spawnNode({ name: 'upstream', args: [path.join(root, 'dist/bench/upstream.js')], env: childEnv, cwd: root, logFile: path.join(dataDir, 'upstream.log') });
  const upstreamUrl = `http://127.0.0.1:${await readyPort(upstream)}`;
  const floorLog = path.join(dataDir, 'sdk-floor.log');
  const floor = spawnNode({
    name: 'sdk-floor',
    args: ['--import', probe, path.join(root, 'dist/bench/sdk-floor.js')],
    env: { ...childEnv, ...probeEnv, BENCH_UPSTREAM: upstreamUrl },
    cwd: root,
    logFile: floorLog,
  });
  const floorUrl = `http://127.0.0.1:${await readyPort(floor)}`;
  const gatewayLog = path.join(dataDir, 'gateway.log');
  const gateway = await startGateway({
    root,
    guardPath: path.join(root, 'dist/bench/child-guard.js'),
    dataDir,
    logFile: gatewayLog,
    logLevel: 'warn',
    maxLifetimeSeconds: 900,
    nodeOptions: `--import ${probe}`,
    env: probeEnv,
  });
  const setup = await configureGateway(gateway, upstreamUrl);
  const floorPhases = await timelineOf({ name: 'SDK floor', url: `${floorUrl}/v1/chat/completions`, headers: {}, model: 'bench', logFile: floorLog });
  const gatewayPhases = await timelineOf({ name: 'gateway', url: `${gateway.url}/v1/chat/completions`, headers: { authorization: `Bearer ${setup.secret}` }, model: setup.model, logFile: gatewayLog });
  const rows: Array<[string, string]> = [
    ['pre', 'request arrived → upstream request sent'],
    ['upstream', 'upstream request sent → its response received'],
    ['toFirstByte', 'upstream response → first byte written back'],
    ['rest', 'first byte → response finished'],
    ['total', 'request arrived → response finished'],
  ];
  process.stdout.write(`${mode === 'sse' ? 'SSE stream' : 'chat JSON'}, one connection, medians of ${requests} requests (µs)\n\n`);
  process.stdout.write('| phase | SDK floor | gateway | gateway − floor |\n|---|---:|---:|---:|\n');
  for (const [phase, label] of rows) {
    const floorValue = floorPhases[phase]!;
    const gatewayValue = gatewayPhases[phase]!;
    process.stdout.write(`| ${label} | ${floorValue} | ${gatewayValue} | ${gatewayValue - floorValue >= 0 ? '+' : ''}${gatewayValue - floorValue} |\n`);
  }
} finally {
  await stopAll();
  rmSync(dataDir, { recursive: true, force: true });
}
