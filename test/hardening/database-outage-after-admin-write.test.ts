// An admin write just before a database outage (README "Database outages"):
// the write marks the tables it changed stale, and the outage comes before any
// request reloaded them. Providers, routes and prompt rules must keep their
// last loaded set, and every key the write did not touch its last known state;
// a key the write changed (revoked, updated) must not fall back to its state
// from before the write. The write is made on replica A; replica B hears it
// through Redis; under --workers the other worker hears it through the
// primary. Then the same with a database that hangs instead of refusing (a
// freezable TCP proxy).
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFreezableTcpProxy, type FreezableTcpProxy } from '../fixtures/freezable-tcp-proxy.js';
import { startOpenAIFixture, type OpenAIFixture } from '../fixtures/openai-upstream.js';
import { adminCaller, type AdminCall } from '../helpers/admin-call.js';
import { chatsOnFreshConnections } from '../helpers/fresh-connection-chats.js';
import { checkStartScript, freePort, START_FLAGS, startGatewayProcess, waitFor } from '../helpers/gateway-process.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';
import {
  binarySearchDirectories,
  createFreshMysqlDatabase,
  findMariadbBinaries,
  startRestartableMariadb,
  type RestartableMysqlServer,
} from '../setup/mariadb.js';
import { TEST_REDIS_URL } from '../setup/redis-url.js';

const ADMIN_TOKEN = 'write-outage-admin-token-0123456789abcdef';
const MASTER_KEY = Buffer.alloc(32, 5).toString('base64');
const binaries = findMariadbBinaries(binarySearchDirectories());
// Far above the gateway's own 1 s wait on a hanging database: only a request held by the hang reaches it.
const REQUEST_BOUND_MS = 15_000;

interface Answer {
  status: number;
  body: string;
}

const chat = async (gateway: StartedGateway, secret: string, model = 'openai/plain-text'): Promise<Answer> => {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Say hello' }] }),
    signal: AbortSignal.timeout(REQUEST_BOUND_MS),
  });
  return { status: response.status, body: await response.text() };
};

const environment = (databaseUrl: string, extra: Record<string, string> = {}) => ({
  DATABASE_URL: databaseUrl,
  GATEWAY_MASTER_KEY: MASTER_KEY,
  GATEWAY_ADMIN_TOKEN: ADMIN_TOKEN,
  GATEWAY_LOG_LEVEL: 'info',
  GATEWAY_CACHE_MAX_BYTES: '0',
  ...extra,
});

/** A provider, a route and a prompt rule, as the requests before the outage load them. */
async function seed(admin: AdminCall, upstream: OpenAIFixture): Promise<void> {
  await admin('ProvidersService/CreateProvider', {
    id: 'openai',
    name: 'Fixture openai',
    type: 'PROVIDER_TYPE_OPENAI',
    baseUrl: upstream.baseUrl,
    apiKey: upstream.apiKey,
    models: [{ upstreamModel: 'plain-text' }],
  });
  await admin('RoutesService/CreateRoute', {
    name: 'chat',
    strategy: 'ROUTE_STRATEGY_PRIORITY',
    targets: [{ providerId: 'openai', upstreamModel: 'plain-text' }],
  });
  await admin('PromptRulesService/CreatePromptRule', {
    name: 'brief',
    scope: 'PROMPT_RULE_SCOPE_ROUTE',
    scopeId: 'chat',
    operation: 'PROMPT_RULE_OPERATION_PREPEND_SYSTEM',
    text: 'Be brief.',
  });
}

const createKey = async (admin: AdminCall, name: string) => {
  const created = await admin('KeysService/CreateKey', { name });
  return { id: String((created['key'] as { id: string }).id), secret: String(created['secret']) };
};

/** Admin writes to every table but the key `untouched` — made just before the outage. */
async function unrelatedWrites(admin: AdminCall): Promise<void> {
  await admin('RoutesService/CreateRoute', {
    name: `unrelated-${randomUUID().slice(0, 8)}`,
    strategy: 'ROUTE_STRATEGY_PRIORITY',
    targets: [{ providerId: 'openai', upstreamModel: 'plain-text' }],
  });
  await admin('ProvidersService/UpdateProvider', { id: 'openai', name: `renamed ${randomUUID().slice(0, 8)}` });
  await admin('PromptRulesService/CreatePromptRule', {
    name: `unrelated-${randomUUID().slice(0, 8)}`,
    scope: 'PROMPT_RULE_SCOPE_ROUTE',
    scopeId: 'chat',
    operation: 'PROMPT_RULE_OPERATION_APPEND_USER',
    text: '!',
  });
  await createKey(admin, 'created-just-before');
}

describe.skipIf(binaries === null)('an admin write just before a database outage', () => {
  let server: RestartableMysqlServer;
  let upstream: OpenAIFixture;
  let a: StartedGateway;
  let b: StartedGateway;
  let admin: AdminCall;

  beforeAll(async () => {
    server = await startRestartableMariadb(binaries!);
    const database = await createFreshMysqlDatabase(server.url);
    upstream = await startOpenAIFixture({ family: 'openai' });
    const shared = { GATEWAY_REDIS_URL: TEST_REDIS_URL, GATEWAY_REDIS_KEY_PREFIX: `test:${randomUUID()}:` };
    a = await startGateway(environment(database.url, shared));
    b = await startGateway(environment(database.url, shared));
    admin = adminCaller(a.url, ADMIN_TOKEN);
    await seed(admin, upstream);
  }, 120_000);

  afterAll(async () => {
    await server?.resume().catch(() => {});
    await a?.close();
    await b?.close();
    await upstream?.close();
    await server?.stop();
  });

  it('serves the last loaded providers, routes and prompt rules and every untouched key, on the writer and on a replica; a key the write changed cannot be checked', { timeout: 120_000 }, async () => {
    const untouched = await createKey(admin, 'untouched');
    const revoked = await createKey(admin, 'revoked-just-before');
    const updated = await createKey(admin, 'updated-just-before');
    for (const gateway of [a, b]) {
      for (const key of [untouched, revoked, updated]) expect((await chat(gateway, key.secret)).status).toBe(200);
      expect((await chat(gateway, untouched.secret, 'chat')).status).toBe(200);
    }

    await unrelatedWrites(admin);
    await admin('KeysService/UpdateKey', { id: updated.id, allowedModels: ['nothing/*'] });
    await admin('KeysService/RevokeKey', { id: revoked.id });
    // Replica B hears the writes through Redis, in order: once it refuses the revoked key (at authentication,
    // before any table is read) it has heard every write before it, and reloaded none of its tables.
    await expect.poll(async () => (await chat(b, revoked.secret)).status, { timeout: 5_000 }).toBe(403);

    await server.halt();
    for (const gateway of [a, b]) {
      for (let request = 0; request < 3; request += 1) {
        expect(await chat(gateway, untouched.secret)).toMatchObject({ status: 200 });
        expect(await chat(gateway, untouched.secret, 'chat')).toMatchObject({ status: 200 });
      }
      // Never its active state from before the write: 503, to be retried once the database is back.
      expect((await chat(gateway, revoked.secret)).status).not.toBe(200);
      expect((await chat(gateway, updated.secret)).status).not.toBe(200);
    }
    expect((await chat(a, revoked.secret)).status).toBe(503);
    // One line per table and outage, not one per request.
    for (const gateway of [a, b]) {
      const served = gateway.logLines.filter((line) => line.includes('serving the last loaded'));
      for (const table of ['providers', 'routes', 'prompt rules']) {
        expect(served.filter((line) => line.includes(`"table":"${table}"`))).toHaveLength(1);
      }
      expect(gateway.logLines.filter((line) => line.includes('unexpected error'))).toEqual([]);
    }

    await server.resume();
    await expect.poll(async () => (await chat(a, revoked.secret)).status, { timeout: 20_000 }).toBe(403);
    expect((await chat(b, untouched.secret)).status).toBe(200);
  });
});

describe.skipIf(binaries === null)('an admin write just before the database hangs', () => {
  let server: RestartableMysqlServer;
  let proxy: FreezableTcpProxy;
  let upstream: OpenAIFixture;
  let started: StartedGateway;
  let admin: AdminCall;

  beforeAll(async () => {
    server = await startRestartableMariadb(binaries!);
    const database = await createFreshMysqlDatabase(server.url);
    const target = new URL(database.url);
    proxy = await startFreezableTcpProxy(target.hostname, Number(target.port));
    const proxied = new URL(database.url);
    proxied.port = String(proxy.port);
    upstream = await startOpenAIFixture({ family: 'openai' });
    started = await startGateway(environment(proxied.toString()));
    admin = adminCaller(started.url, ADMIN_TOKEN);
    await seed(admin, upstream);
  }, 120_000);

  afterAll(async () => {
    proxy?.thaw();
    await started?.close();
    await proxy?.close();
    await upstream?.close();
    await server?.stop();
  });

  it('answers from the last loaded tables within the gateway’s 1 s wait, not held by the hanging reload', { timeout: 90_000 }, async () => {
    const untouched = await createKey(admin, 'untouched');
    expect((await chat(started, untouched.secret)).status).toBe(200);
    expect((await chat(started, untouched.secret, 'chat')).status).toBe(200);

    await unrelatedWrites(admin);
    proxy.freeze();
    for (let request = 0; request < 3; request += 1) {
      expect(await chat(started, untouched.secret)).toMatchObject({ status: 200 });
      expect(await chat(started, untouched.secret, 'chat')).toMatchObject({ status: 200 });
    }
    proxy.thaw();
  });
});

describe.skipIf(binaries === null)('an admin write on one --workers worker just before a database outage', () => {
  let server: RestartableMysqlServer;
  let upstream: OpenAIFixture;
  let child: ChildProcess | undefined;
  let output = () => '';
  let dataDir = '';
  let base = '';
  /** The workers' pids, from their own "gateway listening" lines (pino's `pid` is the process that wrote the line). */
  const workerPids = () =>
    output()
      .split('\n')
      .filter((line) => line.includes('"msg":"gateway listening"'))
      .map((line) => (JSON.parse(line) as { pid: number }).pid);
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  const completeMany = (secret: string, count: number) => chatsOnFreshConnections(base, secret, 'openai/plain-text', count);

  beforeAll(async () => {
    checkStartScript();
    server = await startRestartableMariadb(binaries!);
    const database = await createFreshMysqlDatabase(server.url);
    upstream = await startOpenAIFixture({ family: 'openai' });
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-write-outage-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const gateway = startGatewayProcess(
      // A short grace: the last test times a shutdown that waits on the halted database.
      { ...environment(database.url), GATEWAY_DATA_DIR: dataDir, GATEWAY_PORT: String(port), GATEWAY_SHUTDOWN_GRACE_MS: '1000' },
      { nodeFlags: START_FLAGS, args: ['--workers', '2'] },
    );
    child = gateway.child;
    output = gateway.output;
    await waitFor(() => gateway.output().includes('all workers listening'), 'both workers to listen', 60_000);
    await seed(adminCaller(base, ADMIN_TOKEN), upstream);
  }, 120_000);

  afterAll(async () => {
    const pids = workerPids();
    child?.kill('SIGKILL');
    // Were the workers still up (the test below failed), they would outlive the suite.
    for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
    await server?.resume().catch(() => {});
    await upstream?.close();
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('every worker serves the untouched key and the last loaded tables; the revoked key stays revoked on both', { timeout: 120_000 }, async () => {
    const admin = adminCaller(base, ADMIN_TOKEN);
    const untouched = await createKey(admin, 'untouched');
    const revoked = await createKey(admin, 'revoked-just-before');
    // Both workers authenticate (and remember) both keys, and load their tables.
    expect(await completeMany(untouched.secret, 4)).toEqual({ statuses: [200, 200, 200, 200], processes: 2 });
    expect(await completeMany(revoked.secret, 4)).toEqual({ statuses: [200, 200, 200, 200], processes: 2 });

    await unrelatedWrites(admin); // made on one worker; the other hears them from the primary, in order
    await admin('KeysService/RevokeKey', { id: revoked.id });
    // Refused at authentication on both (no table read): both heard every write before it.
    expect(await completeMany(revoked.secret, 4)).toEqual({ statuses: [403, 403, 403, 403], processes: 2 });

    await server.halt();
    expect(await completeMany(untouched.secret, 6)).toEqual({ statuses: [200, 200, 200, 200, 200, 200], processes: 2 });
    // Read since the revocation: refused as it was then, never its active state from before.
    expect(await completeMany(revoked.secret, 4)).toEqual({ statuses: [403, 403, 403, 403], processes: 2 });
  });

  it('a primary killed while the database is still down: both workers stop anyway, saying what they could not write', { timeout: 60_000 }, async () => {
    const pids = workerPids();
    expect(pids).toHaveLength(2);
    expect(pids.every(alive)).toBe(true);
    child?.kill('SIGKILL');
    // Their final writes wait on the halted database: without a bound on the shutdown they never exit.
    await waitFor(() => !pids.some(alive), 'both workers to exit', 40_000);
    expect(output()).toContain('shutdown did not finish within the grace period');
  });
});
