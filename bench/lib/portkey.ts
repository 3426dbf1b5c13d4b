// `--with-portkey`: Portkey's open-source gateway (the system this gateway
// replaces) as one more target of the same run, on the same upstream. It is
// not a dependency of the project: installed on demand into bench/.portkey
// (ignored by git) with the npm override it needs (@hono/node-server 1.14.1:
// newer ones break its streaming responses), and started like the bare proxy —
// its own process, 127.0.0.1 only, ended with the harness.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort, spawnNode, type Child } from './proc.js';

export const PORTKEY_VERSION = '1.15.2';

const MANIFEST = {
  name: 'bench-portkey',
  private: true,
  description: 'Installed on demand by `npm run bench -- --with-portkey`; not part of the project.',
  dependencies: { '@portkey-ai/gateway': PORTKEY_VERSION },
  overrides: { '@hono/node-server': '1.14.1' },
};

/** Installs Portkey into bench/.portkey unless that version is already there; returns its entry point. */
export function ensurePortkey(root: string, progress: (message: string) => void): string {
  const directory = path.join(root, 'bench/.portkey');
  const entry = path.join(directory, 'node_modules/@portkey-ai/gateway/build/start-server.js');
  const installed = path.join(directory, 'node_modules/@portkey-ai/gateway/package.json');
  const manifest = `${JSON.stringify(MANIFEST, null, 2)}\n`;
  const manifestPath = path.join(directory, 'package.json');
  const current = existsSync(installed) && (JSON.parse(readFileSync(installed, 'utf8')) as { version?: string }).version === PORTKEY_VERSION;
  if (current && existsSync(manifestPath) && readFileSync(manifestPath, 'utf8') === manifest) return entry;
  mkdirSync(directory, { recursive: true });
  writeFileSync(manifestPath, manifest);
  progress(`installing @portkey-ai/gateway ${PORTKEY_VERSION} into ${directory} (once)`);
  // The npm that runs `npm run bench`, else the one on PATH.
  const npmCli = process.env['npm_execpath'];
  const [command, args] = npmCli?.endsWith('.js') ? [process.execPath, [npmCli]] : ['npm', []];
  execFileSync(command, [...args, 'install', '--no-audit', '--no-fund', '--ignore-scripts', '--omit=dev'], { cwd: directory, stdio: ['ignore', 'ignore', 'inherit'] });
  if (!existsSync(entry)) throw new Error(`@portkey-ai/gateway installed, but ${entry} is missing`);
  return entry;
}

export interface PortkeyProcess {
  child: Child;
  url: string;
  /** Headers that make Portkey call the upstream as an OpenAI-compatible host. */
  headers: Record<string, string>;
}

export async function startPortkey(options: { entry: string; guardPath: string; upstreamUrl: string; logFile: string; maxLifetimeSeconds: number }): Promise<PortkeyProcess> {
  const port = await freePort();
  const child = spawnNode({
    name: 'portkey',
    args: ['--import', options.guardPath, options.entry, `--port=${port}`, '--headless'],
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], NODE_ENV: 'production', BENCH_MAX_LIFETIME_S: String(options.maxLifetimeSeconds) },
    cwd: path.dirname(options.entry),
    logFile: options.logFile,
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const response = await fetch(`${url}/`, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      break;
    } catch {
      if (Date.now() > deadline || child.process.exitCode !== null) throw new Error(`Portkey did not start; see ${options.logFile}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return {
    child,
    url,
    headers: { authorization: 'Bearer sk-bench-upstream-not-a-real-key', 'x-portkey-provider': 'openai', 'x-portkey-custom-host': `${options.upstreamUrl}/v1` },
  };
}
