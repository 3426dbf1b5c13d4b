// Starts the real gateway (build + listen on a free port) with a fresh data
// folder, capturing every log line so tests can inspect them.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { build, type Gateway } from '../../src/app.js';
import { loadConfig, type GatewayConfig } from '../../src/config/config.js';

export interface StartedGateway {
  gateway: Gateway;
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  adminToken: string;
  logLines: string[];
  dataDir: string;
  config: GatewayConfig;
  close(): Promise<void>;
}

export async function startGateway(environment: Record<string, string> = {}): Promise<StartedGateway> {
  const dataDir = environment.GATEWAY_DATA_DIR ?? mkdtempSync(path.join(os.tmpdir(), 'gw-test-'));
  const config = loadConfig({
    GATEWAY_PORT: '0',
    GATEWAY_DATA_DIR: dataDir,
    GATEWAY_LOG_LEVEL: 'debug',
    GATEWAY_SHUTDOWN_GRACE_MS: '2000',
    ...environment,
  });
  const logLines: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logLines.push(...chunk.toString('utf8').split('\n').filter((line) => line.length > 0));
      callback();
    },
  });
  let generated: string | undefined;
  const gateway = await build(config, { logStream, onAdminTokenGenerated: (token) => (generated = token) });
  const address = await gateway.listen();
  const url = new URL(address);
  const adminToken = environment.GATEWAY_ADMIN_TOKEN ?? generated;
  if (!adminToken) throw new Error('test gateway has no admin token (reused a data folder?)');
  return {
    gateway,
    url: `${url.protocol}//127.0.0.1:${url.port}`,
    port: Number(url.port),
    adminToken,
    logLines,
    dataDir,
    config,
    async close() {
      await gateway.close();
      if (environment.GATEWAY_DATA_DIR === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
