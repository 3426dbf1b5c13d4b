// Redis stops under a running gateway (its own redis-server on a free port):
// completions go on with local limits (fail-open, the default), the outage is
// logged once, /readyz stays 200 and says so; when Redis returns the gateway
// shares again without a restart.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultUpstream, type FaultUpstream } from '../fixtures/fault-upstream.js';
import { adminCaller } from '../helpers/admin-call.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';
import { connectRedis, type RedisConnection } from '../../src/redis/redis-client.js';
import { luaScript } from '../../src/redis/redis-client.js';

let upstream: FaultUpstream;
let gateway: StartedGateway;
let redis: ChildProcess | undefined;
let port: number;
let secret: string;
let keyId: string;
const prefix = `test:${randomUUID()}:`;

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port: found } = server.address() as net.AddressInfo;
  server.close();
  return found;
}

async function startRedis(): Promise<void> {
  redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await until(async () => {
    const probe = connectRedis(`redis://127.0.0.1:${port}`, () => {});
    const up = await probe.ready(200);
    await probe.close();
    return up;
  }, 10_000);
}

async function stopRedis(): Promise<void> {
  const stopped = once(redis!, 'exit');
  redis!.kill('SIGKILL');
  await stopped;
  redis = undefined;
}

async function until(check: () => Promise<boolean>, boundMs: number): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${boundMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const chat = () =>
  fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'up/ok-o', messages: [{ role: 'user', content: 'Hello' }] }),
  }).then(async (response) => {
    await response.arrayBuffer();
    return response.status;
  });
const readyBody = async () => (await (await fetch(`${gateway.url}/readyz`)).json()) as Record<string, unknown>;
const outageLines = () => gateway.logLines.filter((line) => line.includes('redis unreachable'));

/** Requests the key has in Redis's window (read directly). */
async function sharedRequests(): Promise<number> {
  const connection: RedisConnection = connectRedis(`redis://127.0.0.1:${port}`, () => {});
  await connection.ready(2_000);
  const count = await connection.run(luaScript("return redis.call('ZCARD', KEYS[1])"), [`${prefix}rl:{${keyId}}:req`], []);
  await connection.close();
  return Number(count);
}

beforeAll(async () => {
  port = await freePort();
  await startRedis();
  upstream = await startFaultUpstream();
  gateway = await startGateway({ GATEWAY_LOG_LEVEL: 'info', GATEWAY_REDIS_URL: `redis://127.0.0.1:${port}`, GATEWAY_REDIS_KEY_PREFIX: prefix });
  const admin = adminCaller(gateway.url, gateway.adminToken);
  await admin('ProvidersService/CreateProvider', {
    id: 'up',
    name: 'Upstream fixture',
    type: 'PROVIDER_TYPE_OPENAI',
    baseUrl: upstream.baseUrl,
    apiKey: upstream.apiKey,
    models: [{ upstreamModel: 'ok-o' }],
  });
  const created = await admin('KeysService/CreateKey', { name: 'outage', rateLimits: { requestsPerMinute: 1_000 } });
  secret = String(created['secret']);
  keyId = (created['key'] as { id: string }).id;
});

afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
  if (redis) await stopRedis();
});

describe('redis outage', () => {
  it('serves with local limits while Redis is down, logs it once, and shares again when Redis returns', async () => {
    expect(await chat()).toBe(200);
    expect(await sharedRequests()).toBe(1);

    await stopRedis();
    for (let index = 0; index < 5; index += 1) expect(await chat()).toBe(200);
    expect(await readyBody()).toEqual({ status: 'ready', redis: 'local-fallback' });
    expect(outageLines()).toHaveLength(1);

    // The same outage under GATEWAY_REDIS_FAILURE_MODE=closed: limited keys refused (503), others served.
    const closed = await startGateway({
      GATEWAY_LOG_LEVEL: 'info',
      GATEWAY_DATA_DIR: gateway.dataDir,
      GATEWAY_ADMIN_TOKEN: gateway.adminToken,
      GATEWAY_REDIS_URL: `redis://127.0.0.1:${port}`,
      GATEWAY_REDIS_KEY_PREFIX: prefix,
      GATEWAY_REDIS_FAILURE_MODE: 'closed',
    });
    let unlimited = '';
    try {
      unlimited = String((await adminCaller(closed.url, closed.adminToken)('KeysService/CreateKey', { name: 'unlimited' }))['secret']);
      const viaClosed = (key: string) =>
        fetch(`${closed.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'up/ok-o', messages: [{ role: 'user', content: 'Hello' }] }),
        }).then((response) => response.status);
      expect(await viaClosed(secret)).toBe(503);
      expect(await viaClosed(unlimited)).toBe(200);
      expect((await (await fetch(`${closed.url}/readyz`)).json()) as object).toEqual({ status: 'ready', redis: 'refusing' });

      await startRedis(); // empty: no persistence
      // The closed gateway started while Redis was down: it subscribes once Redis is up, so a revocation reaches it.
      const unlimitedId = String(((await adminCaller(gateway.url, gateway.adminToken)('KeysService/ListKeys', {}))['keys'] as Array<{ id: string; name: string }>).find((key) => key.name === 'unlimited')!.id);
      const mainAdmin = adminCaller(gateway.url, gateway.adminToken);
      await mainAdmin('KeysService/RevokeKey', { id: unlimitedId });
      // That announcement may come before either side reconnected (lost, as the README says): each
      // further key write announces 'keys' again, until the closed gateway hears one.
      let round = 0;
      await until(async () => {
        await mainAdmin('KeysService/UpdateKey', { id: keyId, name: `outage ${(round += 1)}` });
        return (await viaClosed(unlimited)) === 403;
      }, 10_000);
      // Its readiness says Redis is shared again once it is connected, though none of its requests needed Redis
      // (a key without limits, budget or cache): it used to stay `refusing` until one did.
      await until(async () => ((await (await fetch(`${closed.url}/readyz`)).json()) as { redis: string }).redis === 'shared', 10_000);
    } finally {
      await closed.close();
    }

    await until(async () => (await chat()) === 200 && (await readyBody())['redis'] === 'shared', 15_000);
    await until(async () => (await sharedRequests()) > 0, 5_000);
    expect(outageLines()).toHaveLength(1);
    expect(gateway.logLines.some((line) => line.includes('redis reachable again'))).toBe(true);
  });
});
