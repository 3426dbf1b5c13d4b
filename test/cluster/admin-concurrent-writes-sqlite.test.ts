// Two gateway processes (the built bundle, as `npm start` runs it) on one SQLite
// file — what `--workers 2` is, with each process addressed on its own port so
// that the two calls of every pair reach different processes.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { checkStartScript, freePort, START_FLAGS, startGatewayProcess, waitFor, type GatewayProcess } from '../helpers/gateway-process.js';
import { describeConcurrentAdminWrites, gatewayUnderTest, type TwoGateways } from './concurrent-admin-writes.js';

const ADMIN_TOKEN = `gw-admin-${randomBytes(16).toString('hex')}`;
const processes: GatewayProcess[] = [];
let dataDir = '';
let gateways: TwoGateways;

async function startGateway(environment: Record<string, string>): Promise<string> {
  const port = await freePort();
  const gateway = startGatewayProcess({ ...environment, GATEWAY_PORT: String(port) }, { nodeFlags: START_FLAGS });
  processes.push(gateway);
  await waitFor(() => gateway.output().includes('gateway listening'), 'a gateway to listen', 60_000);
  return `http://127.0.0.1:${port}`;
}

beforeAll(async () => {
  checkStartScript();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-admin-races-'));
  const environment = { GATEWAY_DATA_DIR: dataDir, GATEWAY_ADMIN_TOKEN: ADMIN_TOKEN, GATEWAY_MASTER_KEY: randomBytes(32).toString('base64') };
  const first = await startGateway(environment); // creates and migrates the file
  const second = await startGateway(environment);
  gateways = { first: gatewayUnderTest(first, ADMIN_TOKEN), second: gatewayUnderTest(second, ADMIN_TOKEN) };
}, 120_000);

afterAll(() => {
  for (const gateway of processes) gateway.child.kill('SIGKILL');
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('concurrent admin writes: two processes on one SQLite file', () => {
  describeConcurrentAdminWrites(() => gateways, { rounds: 5 });
});
