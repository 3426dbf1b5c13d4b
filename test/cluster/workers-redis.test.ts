// `--workers 2` with GATEWAY_REDIS_URL: the workers take their rate limits from
// Redis directly (one mechanism for workers and replicas), not from the
// primary — the key's window is found in Redis, holding exactly what passed.
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixture } from '../completion/matrix-setup.js';
import type { FixtureUpstream } from '../fixtures/fixture-upstream.js';
import { adminCaller, type AdminCall } from '../helpers/admin-call.js';
import { checkStartScript, freePort, START_FLAGS, startGatewayProcess, waitFor, type GatewayProcess } from '../helpers/gateway-process.js';
import { chatsOnFreshConnections } from '../helpers/fresh-connection-chats.js';
import { connectRedis, luaScript } from '../../src/redis/redis-client.js';
import { TEST_REDIS_URL } from '../setup/redis-url.js';

const ADMIN_TOKEN = 'gw-admin-workers-redis-test-0123456789';
const PREFIX = `test:${randomUUID()}:`;

let gateway: GatewayProcess;
let fixture: FixtureUpstream;
let admin: AdminCall;
let base = '';
let dataDir = '';
const children: ChildProcess[] = [];

beforeAll(async () => {
  checkStartScript();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-workers-redis-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  gateway = startGatewayProcess(
    { GATEWAY_DATA_DIR: dataDir, GATEWAY_PORT: String(port), GATEWAY_ADMIN_TOKEN: ADMIN_TOKEN, GATEWAY_REDIS_URL: TEST_REDIS_URL, GATEWAY_REDIS_KEY_PREFIX: PREFIX },
    { nodeFlags: START_FLAGS, args: ['--workers', '2'] },
  );
  children.push(gateway.child);
  await waitFor(() => gateway.output().includes('all workers listening'), 'both workers to listen');
  fixture = await startFixture('openai-compatible');
  admin = adminCaller(base, ADMIN_TOKEN);
  await admin('ProvidersService/CreateProvider', {
    id: 'openai-compatible',
    name: 'openai-compatible',
    type: 'PROVIDER_TYPE_OPENAI_COMPATIBLE',
    baseUrl: fixture.baseUrl,
    apiKey: fixture.apiKey,
    models: [{ upstreamModel: 'plain-text' }],
  });
}, 60_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await fixture?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('--workers 2 with Redis', () => {
  it('holds a key’s limit in Redis across workers: 4 requests per minute means 4, counted in Redis', async () => {
    const created = await admin('KeysService/CreateKey', { name: 'limited', rateLimits: { requestsPerMinute: 4 } });
    const secret = String(created['secret']);
    const { statuses, processes } = await chatsOnFreshConnections(base, secret, 'openai-compatible/plain-text', 8);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429, 429, 429]);
    expect(processes).toBe(2);
    const connection = connectRedis(TEST_REDIS_URL, () => {});
    expect(await connection.ready(2_000)).toBe(true);
    const keyId = (created['key'] as { id: string }).id;
    const counted = await connection.run(luaScript("return redis.call('ZCARD', KEYS[1])"), [`${PREFIX}rl:{${keyId}}:req`], []);
    await connection.close();
    expect(counted).toBe(4);
  });
});
