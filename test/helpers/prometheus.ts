// Debian's Prometheus (apt-get install prometheus: /usr/bin/prometheus and
// /usr/bin/promtool) for the metrics tests: a server of the test's own on a
// free 127.0.0.1 port with a temporary config and data folder, queried through
// its HTTP API. Without the package the tests are skipped loudly, except on CI
// (.ci/run installs it), where they must run.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, waitFor } from './gateway-process.js';

export const PROMETHEUS = '/usr/bin/prometheus';
export const PROMTOOL = '/usr/bin/promtool';

export type Availability = { available: true } | { available: false; reason: string };

export function prometheusAvailability(): Availability {
  const missing = [PROMETHEUS, PROMTOOL].filter((file) => !existsSync(file));
  if (missing.length === 0) return { available: true };
  return { available: false, reason: `${missing.join(' and ')} not found (install Debian's prometheus: apt-get install -y prometheus)` };
}

/** Run here: the binaries are installed, or CI requires them (and the test then fails saying why). */
export const prometheusRequired = (availability: Availability) => availability.available || process.env.CI === 'true';

export function warnNotRun(what: string, availability: Availability): void {
  if (availability.available || process.env.CI === 'true') return;
  const message = `${what} NOT RUN: ${availability.reason}`;
  const bar = '#'.repeat(Math.min(100, message.length + 4));
  console.warn(`\n${bar}\n# ${message}\n${bar}\n`);
}

export function assertAvailable(availability: Availability): void {
  if (!availability.available) throw new Error(`required on CI but unavailable: ${availability.reason}`);
}

/** promtool with `args`, in `cwd`: its exit code and output. */
export function promtool(args: string[], cwd: string): { status: number | null; output: string } {
  const result = spawnSync(PROMTOOL, args, { cwd, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

export interface RunningPrometheus {
  url: string;
  /** Everything it logged. */
  output(): string;
  /** One instant query; rejects when Prometheus reports an error (a bad expression). */
  query(expression: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>>;
  close(): Promise<void>;
}

/** Starts Prometheus with `config` (YAML text) and waits until it is ready. */
export async function startPrometheus(config: string): Promise<RunningPrometheus> {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'gw-prometheus-'));
  const configFile = path.join(directory, 'prometheus.yml');
  writeFileSync(configFile, config);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    PROMETHEUS,
    [`--config.file=${configFile}`, `--storage.tsdb.path=${path.join(directory, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let exited = false;
  child.once('exit', () => (exited = true));
  let ready = false;
  const poll = setInterval(() => {
    void fetch(`${url}/-/ready`).then(
      (response) => (ready = response.status === 200),
      () => undefined,
    );
  }, 100);
  try {
    await waitFor(() => ready || exited, 'Prometheus to be ready', 30_000);
  } finally {
    clearInterval(poll);
  }
  if (exited) throw new Error(`Prometheus exited at start:\n${output}`);
  return {
    url,
    output: () => output,
    async query(expression) {
      const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expression)}`);
      const body = (await response.json()) as { status: string; error?: string; data?: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
      if (body.status !== 'success') throw new Error(`query ${expression}: ${body.error ?? response.status}`);
      return body.data!.result;
    },
    async close() {
      if (!exited) {
        const gone = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await gone;
      }
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
