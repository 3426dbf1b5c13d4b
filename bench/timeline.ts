// `node dist/bench/timeline.js [requests] [chat|sse] [--baseline DIR]` (after a build): where
// the wall time of one request goes at one connection — the added p50 the
// bench reports, taken apart — for the SDK floor and the gateway on the same
// upstream. Each server runs with bench/lib/timeline-probe.js loaded, which
// splits every request into phases from Node's HTTP diagnostics channels:
// before the upstream request is sent, the upstream's own answer, from its
// answer to the first byte written back, and the rest until the response ends;
// also how long the server stayed busy after sending the upstream request (its
// answer, if it came back sooner, waited for that).
// Medians of each phase; requests alternate between the floor and the gateway,
// each on its own keep-alive connection. With --baseline, a gateway built in another checkout
// (its own `npm start` entry) takes turns with them too: an A/B of two trees at one connection,
// request by request, which a machine whose speed drifts between runs cannot skew.
// BENCH_START_FLAGS replaces the
// gateway's node flags (those of `npm start`), to see what each one costs.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configureGateway, startGateway, toolGatewayOptions } from './lib/gateway.js';
import { readyPort, spawnNode, stopAll } from './lib/proc.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const positional = process.argv.slice(2).filter((argument, index, all) => argument !== '--baseline' && all[index - 1] !== '--baseline');
const baselineAt = process.argv.indexOf('--baseline');
const baselineRoot = baselineAt > 0 && process.argv[baselineAt + 1] ? path.resolve(process.argv[baselineAt + 1]!) : undefined;
const requests = Number(positional[0] ?? '3000');
const mode = positional[1] === 'sse' ? 'sse' : 'chat';
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

/** One request on the target's keep-alive connection, read to its end. */
function requestOnce(target: Target, agent: http.Agent, body: string): Promise<void> {
  const headers = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...target.headers };
  return new Promise<void>((resolve, reject) => {
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

/**
 * `total` requests to each target, alternating (one to each in turn), so that both see the same
 * machine: a load that comes and goes on this shared machine slows both alike.
 */
async function drive(targets: Target[], total: number): Promise<void> {
  const agents = targets.map(() => new http.Agent({ keepAlive: true, maxSockets: 1 }));
  const bodies = targets.map((target) =>
    JSON.stringify({ model: target.model, messages: [{ role: 'user', content: 'Say hello in one short sentence.' }], max_tokens: 64, ...(mode === 'sse' ? { stream: true } : {}) }),
  );
  // The order turns round every other request, so that no target always follows the same one (a
  // target measured right after another was seen to pay ~20 µs more before its upstream call).
  const forward = targets.map((_target, index) => index);
  const backward = [...forward].reverse();
  for (let sent = 0; sent < total; sent += 1) {
    for (const index of sent % 2 === 0 ? forward : backward) await requestOnce(targets[index]!, agents[index]!, bodies[index]!);
  }
  for (const agent of agents) agent.destroy();
}

/** The medians the probe printed once its count of requests was measured. */
async function phasesOf(target: Target): Promise<Record<string, number>> {
  // The probe prints once the last measured response has finished, which may be after the client saw its end.
  for (let tries = 0; tries < 50; tries += 1) {
    const line = readFileSync(target.logFile, 'utf8').split('\n').find((text) => text.startsWith('timeline '));
    if (line) return JSON.parse(line.slice('timeline '.length)) as Record<string, number>;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${target.name}: no timeline in ${target.logFile}`);
}

/** The baseline checkout's gateway (its own build and start script), with the probe, on the same upstream. */
async function startBaseline(baselineRoot: string, upstreamUrl: string): Promise<Target> {
  const options = toolGatewayOptions(baselineRoot, mkdtempSync(path.join(dataDir, 'baseline-')), 900);
  const baseline = await startGateway({ ...options, guardPath: path.join(root, 'dist/bench/child-guard.js'), name: 'baseline', nodeOptions: `--import ${probe}`, env: probeEnv });
  const setup = await configureGateway(baseline, upstreamUrl);
  return { name: 'baseline', url: `${baseline.url}/v1/chat/completions`, headers: { authorization: `Bearer ${setup.secret}` }, model: setup.model, logFile: options.logFile };
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
  const base = toolGatewayOptions(root, dataDir, 900);
  const gatewayLog = base.logFile;
  const gateway = await startGateway({
    ...base,
    nodeOptions: `--import ${probe}`,
    env: probeEnv,
    ...(process.env['BENCH_START_FLAGS'] !== undefined ? { flags: process.env['BENCH_START_FLAGS'].split(/\s+/).filter((flag) => flag !== '') } : {}),
  });
  const setup = await configureGateway(gateway, upstreamUrl);
  const floorTarget: Target = { name: 'SDK floor', url: `${floorUrl}/v1/chat/completions`, headers: {}, model: 'bench', logFile: floorLog };
  const gatewayTarget: Target = { name: 'gateway', url: `${gateway.url}/v1/chat/completions`, headers: { authorization: `Bearer ${setup.secret}` }, model: setup.model, logFile: gatewayLog };
  const baselineTarget = baselineRoot === undefined ? undefined : await startBaseline(baselineRoot, upstreamUrl);
  await drive(baselineTarget ? [floorTarget, baselineTarget, gatewayTarget] : [floorTarget, gatewayTarget], warmup + requests);
  const floorPhases = await phasesOf(floorTarget);
  const gatewayPhases = await phasesOf(gatewayTarget);
  const baselinePhases = baselineTarget && (await phasesOf(baselineTarget));
  const rows: Array<[string, string]> = [
    ['pre', 'request arrived → upstream request sent'],
    ['upstream', 'upstream request sent → its response received'],
    ['busyAfterSend', '… of which the server stayed busy after sending'],
    ['toFirstByte', 'upstream response → first byte written back'],
    ['rest', 'first byte → response finished'],
    ['total', 'request arrived → response finished'],
  ];
  process.stdout.write(`${mode === 'sse' ? 'SSE stream' : 'chat JSON'}, one connection, medians of ${requests} requests (µs)\n\n`);
  const signed = (value: number) => `${value >= 0 ? '+' : ''}${value}`;
  if (baselinePhases) {
    process.stdout.write(`baseline: ${baselineRoot}\n\n| phase | SDK floor | baseline | gateway | baseline − floor | gateway − floor | gateway − baseline |\n|---|---:|---:|---:|---:|---:|---:|\n`);
  } else process.stdout.write('| phase | SDK floor | gateway | gateway − floor |\n|---|---:|---:|---:|\n');
  for (const [phase, label] of rows) {
    const floorValue = floorPhases[phase]!;
    const gatewayValue = gatewayPhases[phase]!;
    if (baselinePhases) {
      const baselineValue = baselinePhases[phase]!;
      process.stdout.write(
        `| ${label} | ${floorValue} | ${baselineValue} | ${gatewayValue} | ${signed(baselineValue - floorValue)} | ${signed(gatewayValue - floorValue)} | ${signed(gatewayValue - baselineValue)} |\n`,
      );
    } else process.stdout.write(`| ${label} | ${floorValue} | ${gatewayValue} | ${signed(gatewayValue - floorValue)} |\n`);
  }
} finally {
  await stopAll();
  rmSync(dataDir, { recursive: true, force: true });
}
