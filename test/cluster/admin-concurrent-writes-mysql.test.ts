// Two replicas (the built bundle, as `npm start` runs it) on one fresh MariaDB
// database, as "Running several replicas" deploys them; each call of a pair goes
// to a different replica.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, inject, test } from 'vitest';
import { checkStartScript, freePort, START_FLAGS, startGatewayProcess, waitFor, type GatewayProcess } from '../helpers/gateway-process.js';
import { createFreshMysqlDatabase, type FreshMysqlDatabase } from '../setup/mariadb.js';
import { describeConcurrentAdminWrites, gatewayUnderTest, type TwoGateways } from './concurrent-admin-writes.js';

const serverUrl = inject('mysqlServerUrl');
const ADMIN_TOKEN = `gw-admin-${randomBytes(16).toString('hex')}`;
const processes: GatewayProcess[] = [];
let database: FreshMysqlDatabase | undefined;
let dataDir = '';
let gateways: TwoGateways;

async function startReplica(environment: Record<string, string>): Promise<string> {
  const port = await freePort();
  const replica = startGatewayProcess({ ...environment, GATEWAY_PORT: String(port) }, { nodeFlags: START_FLAGS });
  processes.push(replica);
  await waitFor(() => replica.output().includes('gateway listening'), 'a replica to listen', 60_000);
  return `http://127.0.0.1:${port}`;
}

if (!serverUrl) {
  test.skip(`MySQL tier NOT RUN: ${inject('mysqlUnavailableReason') ?? 'no server'}`, () => {});
} else {
  beforeAll(async () => {
    checkStartScript();
    database = await createFreshMysqlDatabase(serverUrl);
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-admin-races-mysql-'));
    const environment = {
      DATABASE_URL: database.url,
      GATEWAY_DATA_DIR: dataDir,
      GATEWAY_ADMIN_TOKEN: ADMIN_TOKEN,
      GATEWAY_MASTER_KEY: randomBytes(32).toString('base64'),
    };
    const first = await startReplica(environment); // migrates the fresh database
    const second = await startReplica(environment);
    gateways = { first: gatewayUnderTest(first, ADMIN_TOKEN), second: gatewayUnderTest(second, ADMIN_TOKEN) };
  }, 120_000);

  afterAll(async () => {
    for (const replica of processes) replica.child.kill('SIGKILL');
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  describe('concurrent admin writes: two replicas on one MariaDB database', () => {
    describeConcurrentAdminWrites(() => gateways, { rounds: 3 });
  });
}
