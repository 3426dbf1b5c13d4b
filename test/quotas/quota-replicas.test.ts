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
  await provider('shared-conc', 'conc-shared', { quota: { maxConcurrent: 3 }, queue: { maxLength: 50, maxWait: '60s' } });
  await provider('shared-rpm', 'rpm-shared', { quota: { requestsPerMinute: 4 }, queue: { maxLength: 0 } });
  const secret = String((await admin('KeysService/CreateKey', { name: 'replicas' }))['secret']);
  const second = await startReplica(environment);
  for (const url of [first, second]) clients.push(new OpenAI({ baseURL: `${url}/v1`, apiKey: secret, maxRetries: 0 }));
}, 60_000);

afterAll(async () => {
  for (const started of processes) started.child.kill('SIGKILL');
  await Promise.all(processes.map((started) => started.exited));
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
    const answers = await Promise.all(Array.from({ length: 12 }, (_, index) => ask(clients[index % 2]!, 'shared-conc/conc-shared')));
    expect(answers).toEqual(Array.from({ length: 12 }, () => 'answered by conc-shared'));
    expect(upstream.calls('conc-shared')).toBe(12);
    expect(upstream.peak('conc-shared')).toBe(3);
  });

  it('admit exactly a provider’s 4 requests per minute of 10 spread over both', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, (_, index) => ask(clients[index % 2]!, 'shared-rpm/rpm-shared')));
    expect(answers.filter((answer) => answer === 'answered by rpm-shared')).toHaveLength(4);
    expect(answers.filter((answer) => answer === 429)).toHaveLength(6);
    expect(upstream.calls('rpm-shared')).toBe(4);
  });
});
