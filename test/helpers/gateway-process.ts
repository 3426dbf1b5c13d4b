// The built gateway as `npm start` runs it, as a child process: its entry and
// node flags read from package.json, a free port, its combined output, its exit.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** scripts.start: "node [flags] <entry>" — the flags and the entry the process tests run. */
const START = /^node((?: --[\w-]+(?:=\S+)?)*) (dist\/gateway\/main\.js)$/.exec(
  (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts.start,
);
export const ENTRY = path.resolve(START?.[2] ?? 'dist/gateway/main.js');
export const START_FLAGS = (START?.[1] ?? '').trim().split(' ').filter((flag) => flag !== '');

/** Throws unless package.json's start script has the expected shape and the bundle is built. */
export function checkStartScript(): void {
  if (!START) throw new Error('package.json scripts.start is not "node [--flags] dist/gateway/main.js"');
  if (!existsSync(ENTRY)) throw new Error('dist/ is missing: `npm test` builds first (pretest); run `npm run build`');
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface GatewayProcess {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts the bundle with only PATH and `environment` set; the caller kills it (see `children`). */
export function startGatewayProcess(
  environment: Record<string, string>,
  /** detached: the child leads its own process group (signal the group as a terminal's Ctrl-C does). */
  options: { nodeFlags?: string[]; args?: string[]; detached?: boolean } = {},
): GatewayProcess {
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), ENTRY, ...(options.args ?? [])], {
    env: { PATH: process.env.PATH ?? '', ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Polls `condition` until it holds; rejects after `limitMs`. For sequencing, never for timing. */
export async function waitFor(condition: () => boolean, what: string, limitMs = 20_000, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
