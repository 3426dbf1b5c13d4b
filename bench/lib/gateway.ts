// The gateway under test, started as the checkout's `npm start` starts it
// (package.json: its node flags and entry point), in production mode, on its
// embedded default (SQLite in a temporary GATEWAY_DATA_DIR), configured
// through its admin API with a provider (the upstream, OpenAI-compatible), a
// route and a virtual key.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { freePort, spawnNode, type Child } from './proc.js';

export interface GatewayProcess {
  child: Child;
  url: string;
  adminToken: string;
}

export interface GatewayStartOptions {
  /** The checkout whose `npm start` entry point (built) runs. */
  root: string;
  /** bench/child-guard.js as compiled by the harness. */
  guardPath: string;
  dataDir: string;
  logFile: string;
  logLevel: string;
  /**
   * Directory for `--cpu-prof` output; no profiling when unset. A profiled gateway runs the
   * unbundled dist/src/main.js (same code, same flags), so the profile names packages and files.
   */
  cpuProfileDir?: string;
  maxLifetimeSeconds: number;
  name?: string;
  /** NODE_OPTIONS for the gateway process, when set (flags of `npm start` given on the command line win). */
  nodeOptions?: string;
  /** GATEWAY_WORKERS, when set (a --workers primary with that many workers). */
  workers?: number;
  /** The node binary that runs the gateway (default: the harness's own), e.g. another Node major. */
  nodePath?: string;
  /** Node flags instead of the start script's (measuring what each flag pays); unset = the start script's. */
  flags?: string[];
  /** Further environment variables (e.g. GATEWAY_REDIS_URL). */
  env?: Record<string, string>;
  /** A command the gateway runs under (valgrind for instruction counts); it is then slow to start. */
  commandPrefix?: string[];
  /** How long the start may take before it is a failure (default 30 s). */
  startTimeoutMs?: number;
}

/** What the bench's tools (quick, timeline, recompiles …) start the gateway with, before their own options. */
export function toolGatewayOptions(root: string, dataDir: string, maxLifetimeSeconds: number): GatewayStartOptions & { logFile: string } {
  return {
    root,
    guardPath: path.join(root, 'dist/bench/child-guard.js'),
    dataDir,
    logFile: path.join(dataDir, 'gateway.log'),
    logLevel: 'warn',
    maxLifetimeSeconds,
  };
}

export interface StartScript {
  flags: string[];
  /** Relative to the checkout: dist/gateway/main.js (the bundle), or dist/src/main.js in older checkouts. */
  entry: string;
}

/** What `npm start` runs in `root`: scripts.start = "node [flags] <entry>.js". */
export function startScript(root: string): StartScript {
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts?: { start?: string } };
  const script = manifest.scripts?.start?.trim() ?? '';
  const match = /^node((?:\s+--[\w-]+(?:=\S+)?)*)\s+(dist\/[\w/.-]+\.js)$/.exec(script);
  if (!match) throw new Error(`${root}/package.json: scripts.start is not "node [--flags] dist/….js": ${script}`);
  return { flags: match[1]!.trim().split(/\s+/).filter((flag) => flag.length > 0), entry: match[2]! };
}

export async function startGateway(options: GatewayStartOptions): Promise<GatewayProcess> {
  const port = await freePort();
  const adminToken = `bench-admin-${randomBytes(18).toString('base64url')}`;
  const start = startScript(options.root);
  const args = [...(options.flags ?? start.flags), '--import', options.guardPath];
  if (options.cpuProfileDir) args.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`);
  args.push(path.join(options.root, options.cpuProfileDir ? 'dist/src/main.js' : start.entry));
  const child = spawnNode({
    name: options.name ?? 'gateway',
    args,
    ...(options.nodePath ? { nodePath: options.nodePath } : {}),
    ...(options.commandPrefix ? { commandPrefix: options.commandPrefix } : {}),
    cwd: options.root,
    logFile: options.logFile,
    env: {
      PATH: process.env['PATH'],
      HOME: process.env['HOME'],
      NODE_ENV: 'production',
      GATEWAY_HOST: '127.0.0.1',
      GATEWAY_PORT: String(port),
      GATEWAY_DATA_DIR: options.dataDir,
      GATEWAY_LOG_LEVEL: options.logLevel,
      GATEWAY_ADMIN_TOKEN: adminToken,
      GATEWAY_SHUTDOWN_GRACE_MS: '2000',
      BENCH_MAX_LIFETIME_S: String(options.maxLifetimeSeconds),
      ...(options.nodeOptions ? { NODE_OPTIONS: options.nodeOptions } : {}),
      ...(options.workers ? { GATEWAY_WORKERS: String(options.workers) } : {}),
      ...options.env,
    },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(url, child, options.startTimeoutMs ?? 30_000);
  return { child, url, adminToken };
}

async function waitHealthy(url: string, child: Child, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void child.exited.then(() => (exited = true));
  while (Date.now() < deadline && !exited) {
    try {
      const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(exited ? 'the gateway exited during start; see its log' : `the gateway did not become ready within ${timeoutMs / 1000} s`);
}

export interface GatewaySetup {
  /** The virtual key's secret. */
  secret: string;
  /** The route clients name. */
  model: string;
  /** A second route, to the paced upstream stream. */
  pacedModel: string;
}

/** Provider `up` (the upstream), routes `bench` and `bench-paced`, and a key. */
export async function configureGateway(gateway: GatewayProcess, upstreamUrl: string): Promise<GatewaySetup> {
  const admin = async (method: string, body: object): Promise<Record<string, unknown>> => {
    const response = await fetch(`${gateway.url}/llmgateway.v1.${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${gateway.adminToken}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`${method}: ${response.status} ${text}`);
    return JSON.parse(text) as Record<string, unknown>;
  };
  await admin('ProvidersService/CreateProvider', {
    id: 'up',
    name: 'Benchmark upstream',
    type: 'PROVIDER_TYPE_OPENAI_COMPATIBLE',
    baseUrl: `${upstreamUrl}/v1`,
    apiKey: 'sk-bench-upstream-not-a-real-key',
    models: [{ upstreamModel: 'bench-model' }, { upstreamModel: 'bench-paced' }],
  });
  await admin('RoutesService/CreateRoute', {
    name: 'bench',
    strategy: 'ROUTE_STRATEGY_PRIORITY',
    targets: [{ providerId: 'up', upstreamModel: 'bench-model' }],
  });
  await admin('RoutesService/CreateRoute', {
    name: 'bench-paced',
    strategy: 'ROUTE_STRATEGY_PRIORITY',
    targets: [{ providerId: 'up', upstreamModel: 'bench-paced' }],
  });
  const created = await admin('KeysService/CreateKey', { name: 'bench' });
  const secret = created['secret'];
  if (typeof secret !== 'string') throw new Error('CreateKey returned no secret');
  return { secret, model: 'bench', pacedModel: 'bench-paced' };
}
