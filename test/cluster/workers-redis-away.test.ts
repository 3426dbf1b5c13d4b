// --workers with GATEWAY_REDIS_URL while Redis is away (fail-open, the default): a key's rate limit falls back
// to one limit per replica — held by the primary for every worker, as without Redis — not one per worker
// (which gave a key its limit from each worker). Redis is away from the start here: nothing listens on the
// port, so the gateway starts after its 3 s wait in its failure mode.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAIFixture, type OpenAIFixture } from '../fixtures/openai-upstream.js';
import { adminCaller } from '../helpers/admin-call.js';
import { checkStartScript, freePort, START_FLAGS, startGatewayProcess, waitFor } from '../helpers/gateway-process.js';
import { chatsOnFreshConnections } from '../helpers/fresh-connection-chats.js';

const ADMIN_TOKEN = 'workers-redis-away-admin-token-0123456789';
let upstream: OpenAIFixture;
let child: ChildProcess | undefined;
let dataDir = '';
let base = '';

beforeAll(async () => {
  checkStartScript();
  upstream = await startOpenAIFixture({ family: 'openai' });
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-workers-redis-away-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const gateway = startGatewayProcess(
    { GATEWAY_DATA_DIR: dataDir, GATEWAY_PORT: String(port), GATEWAY_ADMIN_TOKEN: ADMIN_TOKEN, GATEWAY_REDIS_URL: `redis://127.0.0.1:${await freePort()}` },
    { nodeFlags: START_FLAGS, args: ['--workers', '2'] },
  );
  child = gateway.child;
  await waitFor(() => gateway.output().includes('all workers listening'), 'both workers to listen', 60_000);
  const admin = adminCaller(base, ADMIN_TOKEN);
  await admin('ProvidersService/CreateProvider', {
    id: 'openai', name: 'Fixture', type: 'PROVIDER_TYPE_OPENAI', baseUrl: upstream.baseUrl, apiKey: upstream.apiKey, models: [{ upstreamModel: 'plain-text' }],
  });
}, 120_000);

afterAll(async () => {
  child?.kill('SIGTERM');
  await upstream?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('--workers while Redis is away', () => {
  it('holds a key to its requests-per-minute once across the workers', { timeout: 60_000 }, async () => {
    const created = await adminCaller(base, ADMIN_TOKEN)('KeysService/CreateKey', { name: 'four a minute', rateLimits: { requestsPerMinute: 4 } });
    const secret = String(created['secret']);
    const { statuses, processes } = await chatsOnFreshConnections(base, secret, 'openai/plain-text', 8);
    expect(processes).toBe(2);
    expect(statuses.filter((status) => status === 200)).toHaveLength(4);
    expect(statuses.filter((status) => status === 429)).toHaveLength(4);
  });
});
