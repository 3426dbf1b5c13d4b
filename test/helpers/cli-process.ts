// The built admin CLI (package.json `bin`, dist/cli/llm-gateway.js) run as a
// child process, and a built gateway process for it to talk to.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startGatewayProcess, waitFor, type GatewayProcess } from './gateway-process.js';

const BIN = (JSON.parse(readFileSync('package.json', 'utf8')) as { bin: Record<string, string> }).bin['llm-gateway']!;
export const CLI_ENTRY = path.resolve(BIN);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `llm-gateway ARGS` with only PATH and `environment` set (never the test's own env). */
export function runCli(args: string[], environment: Record<string, string> = {}): Promise<CliResult> {
  if (!existsSync(CLI_ENTRY)) throw new Error('dist/cli is missing: run `npm run build`');
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI_ENTRY, ...args], { env: { PATH: process.env.PATH ?? '', ...environment } }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export interface RunningGateway {
  process: GatewayProcess;
  url: string;
  adminToken: string;
  dataDir: string;
  /** The CLI's environment for this gateway (GATEWAY_URL, GATEWAY_ADMIN_TOKEN). */
  cliEnvironment: Record<string, string>;
  stop(): Promise<void>;
}

export async function startGatewayForCli(environment: Record<string, string> = {}, args: string[] = []): Promise<RunningGateway> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-cli-'));
  const port = await freePort();
  const adminToken = 'gw-admin-cli-tests-0123456789abcdef';
  const started = startGatewayProcess(
    { GATEWAY_DATA_DIR: dataDir, GATEWAY_PORT: String(port), GATEWAY_HOST: '127.0.0.1', GATEWAY_ADMIN_TOKEN: adminToken, ...environment },
    { args },
  );
  await waitFor(() => started.output().includes('gateway listening') || started.child.exitCode !== null, 'the gateway to listen', 90_000);
  if (started.child.exitCode !== null) throw new Error(`the gateway exited (${started.child.exitCode}) before listening:\n${started.output()}`);
  const url = `http://127.0.0.1:${port}`;
  return {
    process: started,
    url,
    adminToken,
    dataDir,
    cliEnvironment: { GATEWAY_URL: url, GATEWAY_ADMIN_TOKEN: adminToken },
    async stop() {
      if (started.child.exitCode === null) {
        started.child.kill('SIGTERM');
        await started.exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
