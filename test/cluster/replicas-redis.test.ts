// Three gateway processes (the built bundle, as `npm start` runs it) on one
// fresh MariaDB database and one Redis of this test's own (so it can be
// stopped): budgets, the response cache and its single-flight, concurrency
// leases of a SIGKILLed replica, and a Redis outage under running replicas.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, inject, it, test } from 'vitest';
import { startFaultUpstream, type FaultUpstream } from '../fixtures/fault-upstream.js';
import { adminCaller, type AdminCall } from '../helpers/admin-call.js';
import { checkStartScript, freePort, START_FLAGS, startGatewayProcess, waitFor, type GatewayProcess } from '../helpers/gateway-process.js';
import { connectRedis } from '../../src/redis/redis-client.js';

const serverUrl = inject('mysqlServerUrl');
const ADMIN_TOKEN = `gw-admin-${randomBytes(16).toString('hex')}`;
const LEASE_MS = 2_000;

interface Replica {
  process: GatewayProcess;
  url: string;
}

let upstream: FaultUpstream;
let redis: ChildProcess | undefined;
let redisPort = 0;
let databaseName = '';
let dataDir = '';
let admin: AdminCall;
const replicas: Replica[] = [];

async function startRedis(): Promise<void> {
  redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const probe = connectRedis(`redis://127.0.0.1:${redisPort}`, () => {});
  const deadline = Date.now() + 10_000;
  while (!(await probe.ready(200))) if (Date.now() > deadline) throw new Error('redis-server did not start');
  await probe.close();
}

async function stopRedis(): Promise<void> {
  const stopped = once(redis!, 'exit');
  redis!.kill('SIGKILL');
  await stopped;
  redis = undefined;
}

async function startReplica(environment: Record<string, string>): Promise<Replica> {
  const port = await freePort();
  const process = startGatewayProcess({ ...environment, GATEWAY_PORT: String(port) }, { nodeFlags: START_FLAGS });
  await waitFor(() => process.output().includes('gateway listening'), 'a replica to listen', 60_000);
  return { process, url: `http://127.0.0.1:${port}` };
}

const chat = async (replica: Replica, secret: string, model: string, extra: object = {}) => {
  const response = await fetch(`${replica.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: `up/${model}`, messages: [{ role: 'user', content: 'Hello' }], ...extra }),
  });
  const body = await response.text();
  return { status: response.status, cache: response.headers.get('x-gateway-cache'), body };
};

const createKey = async (fields: object) => {
  const created = await admin('KeysService/CreateKey', { name: `k-${randomUUID()}`, ...fields });
  return { secret: String(created['secret']), id: (created['key'] as { id: string }).id };
};

const readyz = async (replica: Replica) => (await (await fetch(`${replica.url}/readyz`)).json()) as Record<string, unknown>;
const metrics = async (replica: Replica) => (await fetch(`${replica.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text();

if (!serverUrl) {
  test.skip(`MySQL tier NOT RUN: ${inject('mysqlUnavailableReason') ?? 'no server'}`, () => {});
} else {
  beforeAll(async () => {
    checkStartScript();
    upstream = await startFaultUpstream();
    redisPort = await freePort();
    await startRedis();
    databaseName = `gw_replicas_${randomBytes(6).toString('hex')}`;
    const connection = await mysql.createConnection(serverUrl);
    await connection.query(`CREATE DATABASE ${databaseName}`);
    await connection.end();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-replicas-redis-'));
    const environment = {
      DATABASE_URL: `${serverUrl.replace(/\/$/, '')}/${databaseName}`,
      GATEWAY_DATA_DIR: dataDir,
      GATEWAY_ADMIN_TOKEN: ADMIN_TOKEN,
      GATEWAY_MASTER_KEY: randomBytes(32).toString('base64'),
      GATEWAY_REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      GATEWAY_REDIS_KEY_PREFIX: `test:${randomUUID()}:`,
      GATEWAY_REDIS_LEASE_MS: String(LEASE_MS),
      // Generous: on a loaded machine a short timeout turns a slow answer into a fallback (per replica).
      GATEWAY_REDIS_COMMAND_TIMEOUT_MS: '5000',
    };
    replicas.push(await startReplica(environment)); // the first one migrates the fresh database
    replicas.push(...(await Promise.all([startReplica(environment), startReplica(environment)])));
    admin = adminCaller(replicas[0]!.url, ADMIN_TOKEN);
    await admin('ProvidersService/CreateProvider', {
      id: 'up',
      name: 'Upstream fixture',
      type: 'PROVIDER_TYPE_OPENAI',
      baseUrl: upstream.baseUrl,
      apiKey: upstream.apiKey,
      // $1 000 per million tokens: the fixture's 5 + 3 tokens cost $0.008.
      models: ['ok-c', 'ok-t', 'down-z', 'slow500-k', 'slow400-b', 'ok-s', 'hang-x', 'ok-o', 'ok-g'].map((upstreamModel) => ({
        upstreamModel,
        prices: { inputPerMillion: 1_000, outputPerMillion: 1_000 },
      })),
    });
  }, 180_000);

  afterAll(async () => {
    for (const replica of replicas) replica.process.child.kill('SIGKILL');
    if (redis) await stopRedis();
    await upstream?.close();
    if (databaseName) {
      const connection = await mysql.createConnection(serverUrl);
      await connection.query(`DROP DATABASE IF EXISTS ${databaseName}`);
      await connection.end();
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  describe('three replicas on one MariaDB and one Redis', () => {
    it('a USD budget hit concurrently on all three admits no more than on one replica alone, and is not overspent', async () => {
      const budget = { amount: 0.05, unit: 'BUDGET_UNIT_USD', period: 'BUDGET_PERIOD_MONTH' };
      const burst = async (targets: Replica[]) => {
        const { secret } = await createKey({ budget });
        const answers = await Promise.all(Array.from({ length: 30 }, (_, index) => chat(targets[index % targets.length]!, secret, 'slow400-b', { max_tokens: 3 })));
        expect(answers.every((answer) => answer.status === 200 || answer.status === 429)).toBe(true);
        return answers.filter((answer) => answer.status === 200).length;
      };
      // Each request's reservation (input + max_tokens at the prices) bounds what it spends ($0.008), so one
      // replica never overspends: the admitted count varies with how many finish before the last arrive, the
      // spend never passes the budget. Three replicas must hold the same (unshared, each would admit its own 5+).
      const onOne = await burst([replicas[0]!]);
      const onThree = await burst(replicas);
      expect(onOne).toBeGreaterThan(0);
      expect(onOne * 0.008).toBeLessThanOrEqual(0.05 + 1e-9);
      expect(onThree).toBeGreaterThan(0);
      expect(onThree * 0.008).toBeLessThanOrEqual(0.05 + 1e-9);
      for (const replica of replicas) expect(replica.process.output()).not.toMatch(/redis unreachable/);
    });

    it('counts what a key spent on other replicas before its budget was set: a daily budget below it refuses the next request on each', async () => {
      const { secret, id } = await createKey({});
      for (const replica of [replicas[1]!, replicas[2]!]) expect((await chat(replica, secret, 'ok-g', { max_tokens: 3 })).status).toBe(200);
      // No budget: GetKeySpend on replica A reads this month's spend from the request log, which each replica
      // writes within a second.
      const spend = () => admin('UsageService/GetKeySpend', { keyId: id });
      await expect.poll(async () => Number((await spend())['spentUsd'] ?? 0), { timeout: 10_000, interval: 200 }).toBeCloseTo(0.016, 9);
      await admin('KeysService/UpdateKey', { id, budget: { amount: 0.01, unit: 'BUDGET_UNIT_USD', period: 'BUDGET_PERIOD_DAY' }, updateMask: 'budget' });
      const daily = await spend();
      expect(Number(daily['spentUsd'])).toBeCloseTo(0.016, 9);
      expect(daily['remaining'] ?? 0).toBe(0);
      for (const replica of replicas) {
        // The key's change reaches the other replicas through Redis: allow it a second to land.
        const deadline = Date.now() + 1_000;
        let answer = await chat(replica, secret, 'ok-g', { max_tokens: 3 });
        while (answer.status === 200 && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          answer = await chat(replica, secret, 'ok-g', { max_tokens: 3 });
        }
        expect(answer.status).toBe(429);
        expect(answer.body).toContain('budget exhausted');
      }
    });

    it('serves on replica B, as a hit, an entry filled on replica A', async () => {
      const { secret } = await createKey({ cacheEnabled: true });
      const filled = await chat(replicas[0]!, secret, 'ok-c');
      expect([filled.status, filled.cache]).toEqual([200, 'miss']);
      const served = await chat(replicas[1]!, secret, 'ok-c');
      expect([served.status, served.cache]).toEqual([200, 'hit']);
      expect(upstream.calls('ok-c')).toBe(1);
      expect(JSON.parse(served.body).choices).toEqual(JSON.parse(filled.body).choices);
    });

    it('replays on replica B, as a hit, a stream filled on replica A', async () => {
      const { secret } = await createKey({ cacheEnabled: true });
      const filled = await chat(replicas[0]!, secret, 'ok-t', { stream: true });
      expect([filled.status, filled.cache]).toEqual([200, 'miss']);
      const served = await chat(replicas[1]!, secret, 'ok-t', { stream: true });
      expect([served.status, served.cache]).toEqual([200, 'hit']);
      expect(upstream.calls('ok-t')).toBe(1);
      const text = (body: string) =>
        body
          .split('\n')
          .filter((line) => line.startsWith('data: {'))
          .map((line) => (JSON.parse(line.slice(6)) as { choices: Array<{ delta?: { content?: string } }> }).choices[0]?.delta?.content ?? '')
          .join('');
      expect(text(served.body)).toBe(text(filled.body));
      expect(text(served.body)).toContain('served by t');
    });

    it('makes one upstream call for 9 identical concurrent misses spread over the three replicas', async () => {
      const { secret } = await createKey({ cacheEnabled: true });
      const answers = await Promise.all(Array.from({ length: 9 }, (_, index) => chat(replicas[index % 3]!, secret, 'slow500-k')));
      expect(answers.map((answer) => answer.status)).toEqual(Array(9).fill(200));
      expect(upstream.calls('slow500-k')).toBe(1);
      expect(answers.filter((answer) => answer.cache === 'miss')).toHaveLength(1);
    });

    it('opens a breaker on every replica when it opens on one: the others stop calling the dead upstream', async () => {
      const { secret } = await createKey({});
      let opened = false;
      for (let attempt = 0; attempt < 20 && !opened; attempt += 1) {
        await chat(replicas[0]!, secret, 'down-z');
        opened = replicas[0]!.process.output().includes('"to":"open"');
      }
      // The log line may still be in the pipe when the last attempt returns (a loaded machine).
      await waitFor(() => replicas[0]!.process.output().includes('"to":"open"'), 'replica A to log its breaker opening', 5_000);
      await waitFor(() => replicas[1]!.process.output().includes('(on another replica)'), 'replica B to hear of the opening', 5_000);
      const before = upstream.calls('down-z');
      const refused = await chat(replicas[1]!, secret, 'down-z');
      expect(refused.status).toBe(503);
      expect(upstream.calls('down-z')).toBe(before);
    });

    it('frees the concurrency slots of a SIGKILLed replica once their lease runs out', async () => {
      const { secret } = await createKey({ rateLimits: { concurrentRequests: 2 } });
      const victim = replicas[2]!;
      const held = [chat(victim, secret, 'hang-x').catch(() => null), chat(victim, secret, 'hang-x').catch(() => null)];
      await waitFor(() => upstream.calls('hang-x') >= 2, 'both slots to be taken');
      victim.process.child.kill('SIGKILL');
      await victim.process.exited;
      await Promise.all(held);
      expect((await chat(replicas[0]!, secret, 'ok-s')).status).toBe(429); // still held by the dead replica's leases
      let status = 429;
      const bound = Date.now() + LEASE_MS * 5;
      while (status === 429 && Date.now() < bound) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        status = (await chat(replicas[0]!, secret, 'ok-s')).status;
      }
      expect(status).toBe(200);
    });

    it('keeps serving when Redis stops, counts and reports it, and shares again once it is back', async () => {
      const [a, b] = [replicas[0]!, replicas[1]!];
      const { secret, id: keyId } = await createKey({
        cacheEnabled: true,
        rateLimits: { requestsPerMinute: 1_000 },
        budget: { amount: 100, unit: 'BUDGET_UNIT_USD', period: 'BUDGET_PERIOD_MONTH' },
      });
      expect(await readyz(a)).toEqual({ status: 'ready', redis: 'shared' });
      await stopRedis();
      const during = await Promise.all([a, b, a, b].map((replica) => chat(replica, secret, 'ok-o')));
      expect(during.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
      expect((await readyz(a))['redis']).toBe('local-fallback');
      const scraped = await metrics(a);
      expect(scraped).toMatch(/^llm_gateway_redis_up 0$/m);
      for (const feature of ['rate_limits', 'budgets', 'cache']) {
        const count = new RegExp(`^llm_gateway_redis_fallbacks_total\\{feature="${feature}"\\} (\\d+)`, 'm').exec(scraped)?.[1];
        expect(Number(count), feature).toBeGreaterThan(0);
      }
      expect(a.process.output()).toMatch(/redis unreachable/);
      await startRedis();
      const deadline = Date.now() + 20_000;
      let ready = await readyz(a);
      while (ready['redis'] !== 'shared' && Date.now() < deadline) {
        await chat(a, secret, 'ok-o');
        await new Promise((resolve) => setTimeout(resolve, 200));
        ready = await readyz(a);
      }
      expect(ready).toEqual({ status: 'ready', redis: 'shared' });
      expect(await metrics(a)).toMatch(/^llm_gateway_redis_up 1$/m);
      // Nothing lost: every request of the outage has its row in the request log (written in batches, so poll).
      const logged = async () => {
        const answer = await admin('UsageService/ListRequests', { filter: { keyId }, pageSize: 500 });
        return ((answer['requests'] as unknown[] | undefined) ?? []).length;
      };
      await expect.poll(logged, { timeout: 15_000, interval: 250 }).toBeGreaterThanOrEqual(during.length);
    });
  });
}
