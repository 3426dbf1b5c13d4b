// `--workers 2` (the built bundle, as `npm start` runs it) when a worker dies
// after the first start and its replacement cannot start, or must not read
// what is on disk: the database is down (its migrations fail), or
// GATEWAY_CONFIG_FILE was left half-edited with no SIGHUP sent. The gateway
// keeps serving on the surviving worker, tries the replacement again (each
// failure logged), and the replacement starts once it can.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAIFixture, type OpenAIFixture } from '../fixtures/openai-upstream.js';
import { adminCaller } from '../helpers/admin-call.js';
import { checkStartScript, freePort, START_FLAGS, startGatewayProcess, waitFor, type GatewayProcess } from '../helpers/gateway-process.js';
import { chatsOnFreshConnections } from '../helpers/fresh-connection-chats.js';
import {
  binarySearchDirectories,
  createFreshMysqlDatabase,
  findMariadbBinaries,
  startRestartableMariadb,
  type FreshMysqlDatabase,
  type RestartableMysqlServer,
} from '../setup/mariadb.js';

const ADMIN_TOKEN = 'gw-admin-worker-replacement-0123456789';
const binaries = findMariadbBinaries(binarySearchDirectories());
const children: ChildProcess[] = [];
const directories: string[] = [];
let upstream: OpenAIFixture;

beforeAll(async () => {
  checkStartScript();
  upstream = await startOpenAIFixture({ family: 'openai-compatible' });
});
afterAll(() => upstream?.close());
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

interface Started {
  gateway: GatewayProcess;
  base: string;
}

async function startWorkers(environment: Record<string, string>): Promise<Started> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-worker-replacement-'));
  directories.push(dataDir);
  const port = await freePort();
  const gateway = startGatewayProcess(
    { GATEWAY_DATA_DIR: dataDir, GATEWAY_PORT: String(port), GATEWAY_ADMIN_TOKEN: ADMIN_TOKEN, ...environment },
    { nodeFlags: START_FLAGS, args: ['--workers', '2'] },
  );
  children.push(gateway.child);
  await waitFor(() => gateway.output().includes('all workers listening'), 'both workers to listen', 60_000);
  return { gateway, base: `http://127.0.0.1:${port}` };
}

const listeningPids = (output: string) =>
  [...output.matchAll(/"pid":(\d+)[^\n]*"msg":"gateway listening"/g)].map((match) => Number(match[1]));

const completeMany = (base: string, secret: string, count: number) => chatsOnFreshConnections(base, secret, 'local/plain-text', count);

async function stopCleanly(gateway: GatewayProcess): Promise<void> {
  gateway.child.kill('SIGTERM');
  expect(await gateway.exited, gateway.output()).toBe(0);
}

describe.skipIf(binaries === null)('a worker that dies while the database is down (MariaDB)', () => {
  let server: RestartableMysqlServer;
  let database: FreshMysqlDatabase;

  beforeAll(async () => {
    server = await startRestartableMariadb(binaries!);
    database = await createFreshMysqlDatabase(server.url);
  }, 60_000);
  afterAll(async () => {
    await server?.resume().catch(() => {});
    await database?.drop();
    await server?.stop();
  });

  it('is replaced once the database is back; meanwhile the other worker serves and the failed starts are retried, each logged', async () => {
    const { gateway, base } = await startWorkers({ DATABASE_URL: database.url, GATEWAY_MASTER_KEY: randomBytes(32).toString('base64') });
    const admin = adminCaller(base, ADMIN_TOKEN);
    await admin('ProvidersService/CreateProvider', {
      id: 'local',
      name: 'local',
      type: 'PROVIDER_TYPE_OPENAI_COMPATIBLE',
      baseUrl: upstream.baseUrl,
      apiKey: upstream.apiKey,
      models: [{ upstreamModel: 'plain-text' }],
    });
    const secret = String((await admin('KeysService/CreateKey', { name: 'seen' }))['secret']);
    // Both workers know the key before the outage (a key seen before keeps working through one).
    const warm = await completeMany(base, secret, 4);
    expect(warm.statuses).toEqual([200, 200, 200, 200]);
    expect(warm.processes).toBe(2);

    await server.halt();
    const [, victim] = listeningPids(gateway.output());
    process.kill(victim!, 'SIGKILL');
    const failures = () => gateway.output().match(/a replacement worker failed to start; trying again/g)?.length ?? 0;
    await waitFor(() => failures() >= 2, 'two failed starts of the replacement', 60_000);
    expect(gateway.output()).toContain('Database migration failed');
    expect(gateway.output()).not.toContain('a worker exited before it listened');
    const during = await completeMany(base, secret, 4);
    expect(during.statuses).toEqual([200, 200, 200, 200]);
    expect(during.processes).toBe(1);

    await server.resume();
    await waitFor(() => listeningPids(gateway.output()).length === 3, 'the replacement to listen', 60_000);
    const after = await completeMany(base, secret, 4);
    expect(after.statuses).toEqual([200, 200, 200, 200]);
    expect(after.processes).toBe(2);
    await stopCleanly(gateway);
  }, 180_000);
});

describe('a worker that dies while GATEWAY_CONFIG_FILE is half-edited (no SIGHUP sent)', () => {
  const file = (routes: string[]) => `
providers:
  - id: local
    type: openai_compatible
    base_url: ${upstream.baseUrl}
    api_key: \${LOCAL_API_KEY}
    models: [{ upstream_model: plain-text }]
routes:
${routes.map((name) => `  - name: ${name}\n    strategy: priority\n    targets: [{ provider_id: local, upstream_model: plain-text }]`).join('\n')}
`;

  it('is replaced without reading the file (the running configuration stays); the replacement applies it on the next SIGHUP', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'gw-worker-replacement-file-'));
    directories.push(folder);
    const configFile = path.join(folder, 'gateway.yaml');
    writeFileSync(configFile, file(['fast']));
    const { gateway, base } = await startWorkers({ GATEWAY_CONFIG_FILE: configFile, LOCAL_API_KEY: upstream.apiKey });
    const admin = adminCaller(base, ADMIN_TOKEN);
    const routeNames = async () => (((await admin('RoutesService/ListRoutes', {}))['routes'] ?? []) as Array<{ name: string }>).map((route) => route.name).sort();
    const appliedAtStart = () => gateway.output().match(/"reason":"start"[^\n]*configuration file applied/g)?.length ?? 0;
    expect(appliedAtStart()).toBe(1);

    // An edit in progress: neither valid YAML nor meant to be applied yet. Worker 0 (the one that applies the file) dies.
    writeFileSync(configFile, 'providers:\n  - id: [unclosed\n');
    const [applier] = listeningPids(gateway.output());
    process.kill(applier!, 'SIGKILL');
    await waitFor(() => listeningPids(gateway.output()).length === 3, 'the replacement to listen', 60_000);
    expect(gateway.output()).not.toContain('GATEWAY_CONFIG_FILE is not valid');
    expect(appliedAtStart()).toBe(1);
    expect(await routeNames()).toEqual(['fast']);

    // The replacement is the one that applies the file on SIGHUP: a broken file is refused, a fixed one applied.
    gateway.child.kill('SIGHUP');
    await waitFor(() => gateway.output().includes('configuration file not applied on SIGHUP'), 'the SIGHUP failure line', 60_000);
    writeFileSync(configFile, file(['fast', 'later']));
    gateway.child.kill('SIGHUP');
    await waitFor(() => /"reason":"SIGHUP"[^\n]*configuration file applied/.test(gateway.output()), 'the SIGHUP apply', 60_000);
    expect(await routeNames()).toEqual(['fast', 'later']);
    await stopCleanly(gateway);
  }, 120_000);
});
