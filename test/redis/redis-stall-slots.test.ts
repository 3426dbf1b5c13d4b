// Redis stalls under a running gateway (its own redis-server, DEBUG SLEEP)
// for longer than GATEWAY_REDIS_COMMAND_TIMEOUT_MS while requests of a key
// with a concurrency limit, and to a provider with a maxConcurrent quota, are
// in flight. Those requests are served (the limits fall back, as documented),
// and once Redis wakes the key and the provider serve requests one at a time
// again on every replica: the checks the gateway gave up on, which Redis ran
// when it woke, left no concurrency slot and no token charge behind.
import { randomUUID } from 'node:crypto';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultUpstream, type FaultUpstream } from '../fixtures/fault-upstream.js';
import { adminCaller } from '../helpers/admin-call.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';
import { startStallableRedis, type Holdings, type StallableRedis } from './stallable-redis.js';

const prefix = `test:${randomUUID()}:`;
let redis: StallableRedis;
let upstream: FaultUpstream;
let gateway: StartedGateway;
let limitedKey: OpenAI;
let plainKey: OpenAI;

beforeAll(async () => {
  redis = await startStallableRedis();
  upstream = await startFaultUpstream();
  gateway = await startGateway({
    GATEWAY_LOG_LEVEL: 'info',
    GATEWAY_REDIS_URL: redis.url,
    GATEWAY_REDIS_KEY_PREFIX: prefix,
    GATEWAY_REDIS_COMMAND_TIMEOUT_MS: '200',
    // Far longer than the test: a slot left behind would still be held at every assertion.
    GATEWAY_REDIS_LEASE_MS: '600000',
  });
  const admin = adminCaller(gateway.url, gateway.adminToken);
  const provider = (id: string, model: string, limits: object) =>
    admin('ProvidersService/CreateProvider', { id, name: id, type: 'PROVIDER_TYPE_OPENAI', baseUrl: upstream.baseUrl, apiKey: upstream.apiKey, models: [{ upstreamModel: model }], ...limits });
  await provider('up', 'ok-key', {});
  await provider('q', 'ok-quota', { quota: { maxConcurrent: 2 }, queue: { maxLength: 0 } });
  const secretOf = async (body: object) => String((await admin('KeysService/CreateKey', body))['secret']);
  const client = (secret: string) => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: secret, maxRetries: 0 });
  limitedKey = client(await secretOf({ name: 'limited', rateLimits: { concurrentRequests: 2, tokensPerMinute: 100_000 } }));
  plainKey = client(await secretOf({ name: 'plain' }));
});

afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
  await redis?.stop();
});

/** The answer's text, or the HTTP status of the refusal. */
const ask = (client: OpenAI, model: string) =>
  client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Hello' }] }).then(
    (answer) => answer.choices[0]?.message.content ?? '',
    (error: unknown) => (error instanceof OpenAI.APIError ? error.status : -1),
  );
const limitedAsk = () => ask(limitedKey, 'up/ok-key');
const quotaAsk = () => ask(plainKey, 'q/ok-quota');

async function until(what: string, check: () => Promise<boolean>, boundMs = 15_000): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${boundMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a Redis stall longer than the command timeout', () => {
  it('serves the requests meanwhile and leaves no concurrency slot or token charge behind', { timeout: 60_000 }, async () => {
    // Traffic before the stall: both limits counted in Redis, and settled.
    expect([await limitedAsk(), await quotaAsk()]).toEqual(['served by key', 'served by quota']);
    let before: Holdings | undefined;
    await until('the first requests settled', async () => (before = await redis.holdings(prefix)).slots === 0);

    const { woke } = await redis.stall(2);
    const during = await Promise.all([limitedAsk(), limitedAsk(), quotaAsk(), quotaAsk()]);
    expect(during).toEqual(['served by key', 'served by key', 'served by quota', 'served by quota']);
    await woke;

    // What Redis ran on waking took nothing: the windows hold what they held before the stall.
    let after: Holdings | undefined;
    await until('Redis to hold what it held before the stall', async () => JSON.stringify((after = await redis.holdings(prefix))) === JSON.stringify(before)).catch(
      (error: unknown) => {
        throw new Error(`${String(error)}: before ${JSON.stringify(before)}, now ${JSON.stringify(after)}`);
      },
    );
    // Sharing resumes (Redis is tried again within a second), and one request at a time is never refused.
    await until('the limits shared again', async () => {
      const ready = (await (await fetch(`${gateway.url}/readyz`)).json()) as { redis?: string };
      return (await limitedAsk()) === 'served by key' && ready.redis === 'shared';
    });
    for (let turn = 0; turn < 3; turn += 1) expect([await limitedAsk(), await quotaAsk()]).toEqual(['served by key', 'served by quota']);
  });
});
