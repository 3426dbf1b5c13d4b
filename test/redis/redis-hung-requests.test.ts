// A hung Redis (its own redis-server, SIGSTOP: connected, never answering)
// under a running gateway, for a key with a rate limit, a USD budget and the
// cache — three features that use Redis on each request. Counted by what the
// gateway sent Redis while it hung (MONITOR lists it once Redis resumes, as
// Redis runs it then): the first request waits for one command and no more —
// its budget and cache checks know at once that Redis is away —, later
// requests send nothing and are served by the fallbacks at once, and whether
// Redis is back is asked by a background PING, not by client requests.
import { randomUUID } from 'node:crypto';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultUpstream, type FaultUpstream } from '../fixtures/fault-upstream.js';
import { adminCaller } from '../helpers/admin-call.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';
import { ACQUIRE } from '../../src/redis/rate-limit-scripts.js';
import { RESERVE } from '../../src/redis/budget-scripts.js';
import type { LuaScript } from '../../src/redis/redis-client.js';
import { startStallableRedis, type StallableRedis } from './stallable-redis.js';

const prefix = `test:${randomUUID()}:`;
let redis: StallableRedis;
let upstream: FaultUpstream;
let gateway: StartedGateway;
let client: OpenAI;

beforeAll(async () => {
  redis = await startStallableRedis();
  upstream = await startFaultUpstream();
  gateway = await startGateway({
    GATEWAY_LOG_LEVEL: 'info',
    GATEWAY_REDIS_URL: redis.url,
    GATEWAY_REDIS_KEY_PREFIX: prefix,
    GATEWAY_REDIS_COMMAND_TIMEOUT_MS: '300',
  });
  const admin = adminCaller(gateway.url, gateway.adminToken);
  await admin('ProvidersService/CreateProvider', {
    id: 'up',
    name: 'Upstream fixture',
    type: 'PROVIDER_TYPE_OPENAI',
    baseUrl: upstream.baseUrl,
    apiKey: upstream.apiKey,
    models: [{ upstreamModel: 'ok-hung', prices: { inputPerMillion: 1, outputPerMillion: 1 } }],
  });
  const created = await admin('KeysService/CreateKey', {
    name: 'governed',
    cacheEnabled: true,
    rateLimits: { requestsPerMinute: 10_000 },
    budget: { amount: 100, unit: 'BUDGET_UNIT_USD', period: 'BUDGET_PERIOD_MONTH' },
  });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: String(created['secret']), maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
  await redis?.stop();
});

const ask = (text: string) => client.chat.completions.create({ model: 'up/ok-hung', max_tokens: 10, messages: [{ role: 'user', content: text }] });
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, check: () => Promise<boolean>, boundMs = 15_000): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${boundMs} ms`);
    await pause(50);
  }
}

const runs = (script: LuaScript) => (command: string[]) =>
  (command[0] === 'evalsha' && command[1] === script.sha) || (command[0] === 'eval' && command[1] === script.source);

describe('requests while Redis hangs', () => {
  it('wait for one command in all, then use the fallbacks at once; a background PING finds Redis again', { timeout: 60_000 }, async () => {
    expect((await ask(`warm ${randomUUID()}`)).choices[0]?.message.content).toBe('served by hung');
    const watch = await redis.watchCommands();
    try {
      redis.pause();
      expect((await ask(`first ${randomUUID()}`)).choices[0]?.message.content).toBe('served by hung');
      // Longer than the gateway's once-a-second retry: requests now must still not ask Redis.
      await pause(2_500);
      for (let turn = 0; turn < 3; turn += 1) await ask(`later ${turn} ${randomUUID()}`);
      const together = await Promise.all(Array.from({ length: 5 }, (_, turn) => ask(`together ${turn} ${randomUUID()}`)));
      expect(together.map((answer) => answer.choices[0]?.message.content)).toEqual(Array(5).fill('served by hung'));
      redis.resume();
      await until('the gateway to share again', async () => ((await (await fetch(`${gateway.url}/readyz`)).json()) as { redis: string }).redis === 'shared');

      const sent = await watch.ranSoFar();
      // The first request's rate-limit check, which timed out; its budget checks and cache lookup were not sent.
      expect(sent.filter(runs(ACQUIRE))).toHaveLength(1);
      expect(sent.filter(runs(RESERVE))).toHaveLength(0);
      expect(sent.filter((command) => command[0] === 'get')).toHaveLength(0);
      expect(sent.filter((command) => command[0] === 'ping').length).toBeGreaterThanOrEqual(1);
    } finally {
      redis.resume();
      watch.close();
    }
    // Shared again: the next request's checks reach Redis.
    const after = await redis.watchCommands();
    try {
      await ask(`after ${randomUUID()}`);
      const sent = await after.ranSoFar();
      expect(sent.filter(runs(ACQUIRE))).toHaveLength(1);
      expect(sent.filter(runs(RESERVE)).length).toBeGreaterThanOrEqual(1);
    } finally {
      after.close();
    }
  });
});
