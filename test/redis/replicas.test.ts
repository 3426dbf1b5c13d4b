// Two gateway replicas (two in-process servers on one SQLite file) sharing
// Redis: one requests-per-minute limit across both, and a key revoked through
// one is refused by the other within a second (long before its key cache's TTL).
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultUpstream, type FaultUpstream } from '../fixtures/fault-upstream.js';
import { adminCaller, type AdminCall } from '../helpers/admin-call.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';
import { TEST_REDIS_URL } from '../setup/redis-url.js';

let upstream: FaultUpstream;
let dataDir: string;
let a: StartedGateway;
let b: StartedGateway;
let admin: AdminCall;

const chat = (gateway: StartedGateway, secret: string) =>
  fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'up/ok-r', messages: [{ role: 'user', content: 'Hello' }] }),
  }).then(async (response) => {
    await response.arrayBuffer();
    return response.status;
  });

beforeAll(async () => {
  upstream = await startFaultUpstream();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-replicas-'));
  const environment = {
    GATEWAY_DATA_DIR: dataDir,
    GATEWAY_ADMIN_TOKEN: randomBytes(24).toString('hex'),
    GATEWAY_MASTER_KEY: randomBytes(32).toString('base64'),
    GATEWAY_LOG_LEVEL: 'info',
    // Far beyond the test's bound: only the Redis announcement can make replica B see a revocation in time.
    GATEWAY_KEY_CACHE_TTL_MS: '600000',
    GATEWAY_REDIS_URL: TEST_REDIS_URL,
    GATEWAY_REDIS_KEY_PREFIX: `test:${randomUUID()}:`,
  };
  a = await startGateway(environment);
  b = await startGateway(environment); // the same database file: the migrations are already done
  admin = adminCaller(a.url, a.adminToken);
  await admin('ProvidersService/CreateProvider', {
    id: 'up',
    name: 'Upstream fixture',
    type: 'PROVIDER_TYPE_OPENAI',
    baseUrl: upstream.baseUrl,
    apiKey: upstream.apiKey,
    models: [{ upstreamModel: 'ok-r' }],
  });
});

afterAll(async () => {
  await a?.close();
  await b?.close();
  await upstream?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('replicas sharing Redis', () => {
  it('admits exactly a key’s 50 requests per minute of 200 spread over both replicas', async () => {
    const created = await admin('KeysService/CreateKey', { name: 'rpm', rateLimits: { requestsPerMinute: 50 } });
    const secret = String(created['secret']);
    const statuses: number[] = [];
    for (let batch = 0; batch < 10; batch += 1) {
      statuses.push(...(await Promise.all(Array.from({ length: 20 }, (_, index) => chat(index % 2 ? a : b, secret)))));
    }
    expect(statuses.filter((status) => status === 200)).toHaveLength(50);
    expect(statuses.filter((status) => status === 429)).toHaveLength(150);
  });

  it('refuses on replica B, within a second, a key revoked through replica A', async () => {
    const created = await admin('KeysService/CreateKey', { name: 'revoked' });
    const secret = String(created['secret']);
    expect(await chat(b, secret)).toBe(200); // B now holds the key in its cache
    await admin('KeysService/RevokeKey', { id: String((created['key'] as { id: string }).id) });
    const deadline = Date.now() + 1_000;
    let status = await chat(b, secret);
    while (status === 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = await chat(b, secret);
    }
    expect(status).toBe(403); // a revoked key
  });

  it('reports the shared limits in /readyz', async () => {
    const body = (await (await fetch(`${b.url}/readyz`)).json()) as Record<string, unknown>;
    expect(body).toEqual({ status: 'ready', redis: 'shared' });
  });
});
