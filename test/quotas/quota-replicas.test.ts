// Two gateway processes (the built bundle, as `npm start` runs it) on one
// database and one Redis share a provider's upstream quota: its concurrency
// is held cluster-wide (the fixture upstream never sees more in flight than the
// quota, though each process alone would allow that many), requests over it
// queue on either process and are all served; a requests-per-minute quota
// without a queue admits exactly its number across both.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCountingUpstream, type CountingUpstream } from '../fixtures/counting-upstream.js';
import { adminCaller, type AdminCall } from '../helpers/admin-call.js';
import { checkStartScript, freePort, startGatewayProcess, waitFor, type GatewayProcess } from '../helpers/gateway-process.js';
import { TEST_REDIS_URL } from '../setup/redis-url.js';

const ADMIN_TOKEN = randomBytes(24).toString('hex');
let upstream: CountingUpstream;
let dataDir: string;
const processes: GatewayProcess[] = [];
const clients: OpenAI[] = [];
let admin: AdminCall;
const admins: AdminCall[] = [];

async function startReplica(environment: Record<string, string>): Promise<string> {
  const port = await freePort();
  const started = startGatewayProcess({ ...environment, GATEWAY_PORT: String(port) });
  processes.push(started);
  await waitFor(() => started.output().includes('gateway listening'), 'a replica to listen');
  return `http://127.0.0.1:${port}`;
}

beforeAll(async () => {
  checkStartScript();
  upstream = await startCountingUpstream({ delayMs: 100 });
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-quota-replicas-'));
  const environment = {
    GATEWAY_DATA_DIR: dataDir,
    GATEWAY_ADMIN_TOKEN: ADMIN_TOKEN,
    GATEWAY_MASTER_KEY: randomBytes(32).toString('base64'),
    GATEWAY_LOG_LEVEL: 'info',
    GATEWAY_REDIS_URL: TEST_REDIS_URL,
    GATEWAY_REDIS_KEY_PREFIX: `test:${randomUUID()}:`,
  };
  const first = await startReplica(environment); // runs the migrations before the second opens the database
  admin = adminCaller(first, ADMIN_TOKEN);
  const provider = (id: string, model: string, limits: object) =>
    admin('ProvidersService/CreateProvider', { id, name: id, type: 'PROVIDER_TYPE_OPENAI', baseUrl: upstream.baseUrl, apiKey: upstream.apiKey, models: [{ upstreamModel: model }], ...limits });
  await provider('shared-conc', 'hold-shared', { quota: { maxConcurrent: 3 }, queue: { maxLength: 50, maxWait: '60s' } });
  await provider('shared-rpm', 'rpm-shared', { quota: { requestsPerMinute: 4 }, queue: { maxLength: 0 } });
  const secret = String((await admin('KeysService/CreateKey', { name: 'replicas' }))['secret']);
  const second = await startReplica(environment);
  for (const url of [first, second]) {
    clients.push(new OpenAI({ baseURL: `${url}/v1`, apiKey: secret, maxRetries: 0 }));
    admins.push(adminCaller(url, ADMIN_TOKEN));
  }
}, 60_000);

afterAll(async () => {
  for (const started of processes) started.child.kill('SIGKILL');
  await Promise.all(processes.map((started) => started.exited));
  upstream?.release();
  await upstream?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const ask = (client: OpenAI, model: string) =>
  client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Hello' }] }).then(
    (answer) => answer.choices[0]?.message.content ?? '',
    (error: unknown) => (error instanceof OpenAI.APIError ? error.status : -1),
  );

describe('two processes sharing Redis', () => {
  it('hold a provider to 3 in flight across both while 12 concurrent requests all succeed', async () => {
    const answers = Promise.all(Array.from({ length: 12 }, (_, index) => ask(clients[index % 2]!, 'shared-conc/hold-shared')));
    // The upstream holds what it got: 3 reach it, from either process; the 9 others wait in their process's queue.
    // (A Redis command slower than 1 s — a machine far beyond its cores — makes a replica fall back to counting
    // alone, as documented; the failure message then carries its "redis unreachable" line.)
    const depth = async () => {
      let total = 0;
      for (const call of admins) total += Number((((await call('ProvidersService/GetUpstreamUsage', { providerId: 'shared-conc' }))['usages'] as Array<Record<string, unknown>>)[0]?.['queueDepth'] ?? 0));
      return total;
    };
    const deadline = Date.now() + 20_000;
    while ((await depth()) !== 9) {
      if (Date.now() > deadline) throw new Error(`the queues never held 9: ${await depth()} queued, ${upstream.inFlight('hold-shared')} at the upstream, ${upstream.calls('hold-shared')} received; ${processes.flatMap((started) => started.output().split('\n').filter((line) => line.includes('redis'))).join(' | ')}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await waitFor(() => upstream.inFlight('hold-shared') === 3, 'the upstream to hold 3');
    upstream.release();
    expect(await answers).toEqual(Array.from({ length: 12 }, () => 'answered by hold-shared'));
    expect(upstream.calls('hold-shared')).toBe(12);
    expect(upstream.peak('hold-shared')).toBe(3);
  });

  it('admit exactly a provider’s 4 requests per minute of 10 spread over both', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, (_, index) => ask(clients[index % 2]!, 'shared-rpm/rpm-shared')));
    expect(answers.filter((answer) => answer === 'answered by rpm-shared')).toHaveLength(4);
    expect(answers.filter((answer) => answer === 429)).toHaveLength(6);
    expect(upstream.calls('rpm-shared')).toBe(4);
  });
});
