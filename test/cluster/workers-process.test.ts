// `--workers 2` as a user runs it: the bundle with npm start's node flags, one
// port, two worker processes behind it. Requests go out on fresh connections
// (the primary hands connections to workers in turn), and each response's
// x-request-id names the process that served it (a per-process prefix).
import type { ChildProcess } from 'node:child_process';
import http2 from 'node:http2';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixture } from '../completion/matrix-setup.js';
import type { FixtureUpstream } from '../fixtures/fixture-upstream.js';
import { checkStartScript, freePort, START_FLAGS, startGatewayProcess, waitFor, type GatewayProcess } from '../helpers/gateway-process.js';
import { h2Request, request } from '../server/helpers.js';

const ADMIN_TOKEN = 'gw-admin-workers-process-test-0123456789';

let gateway: GatewayProcess;
let fixture: FixtureUpstream;
let base = '';
let dataDir = '';
const children: ChildProcess[] = [];

async function admin(method: string, body: object): Promise<Record<string, unknown>> {
  const response = await request(`${base}/llmgateway.v1.${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
    body: JSON.stringify(body),
  });
  expect(response.status, response.body).toBe(200);
  return JSON.parse(response.body) as Record<string, unknown>;
}

async function createKey(name: string, extra: object = {}): Promise<{ id: string; secret: string }> {
  const created = await admin('KeysService/CreateKey', { name, ...extra });
  return { id: String((created['key'] as { id: string }).id), secret: String(created['secret']) };
}

/** One chat completion on a fresh connection: its status and the serving process (the request id's prefix). */
async function complete(secret: string): Promise<{ status: number; process: string }> {
  const response = await request(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
    body: JSON.stringify({ model: 'openai-compatible/plain-text', messages: [{ role: 'user', content: 'Say hello' }] }),
  });
  const requestId = String(response.headers['x-request-id']);
  return { status: response.status, process: requestId.slice(0, requestId.lastIndexOf('_')) };
}

async function completeMany(secret: string, count: number): Promise<Array<{ status: number; process: string }>> {
  const results = [];
  for (let index = 0; index < count; index += 1) results.push(await complete(secret));
  return results;
}

const listeningPids = (output: string) =>
  [...output.matchAll(/"pid":(\d+)[^\n]*"msg":"gateway listening"/g)].map((match) => Number(match[1]));

beforeAll(async () => {
  checkStartScript();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-workers-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  gateway = startGatewayProcess(
    { GATEWAY_DATA_DIR: dataDir, GATEWAY_PORT: String(port), GATEWAY_ADMIN_TOKEN: ADMIN_TOKEN },
    { nodeFlags: START_FLAGS, args: ['--workers', '2'] },
  );
  children.push(gateway.child);
  await waitFor(() => gateway.output().includes('all workers listening'), 'both workers to listen');
  fixture = await startFixture('openai-compatible');
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

describe('npm start -- --workers 2', () => {
  it('starts two workers behind one port, each serving completions (the official client, JSON and SSE)', async () => {
    expect(new Set(listeningPids(gateway.output())).size).toBe(2);
    const { secret } = await createKey('spread');
    const served = await completeMany(secret, 6);
    expect(served.map((result) => result.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(new Set(served.map((result) => result.process)).size).toBe(2);

    const client = new OpenAI({ apiKey: secret, baseURL: `${base}/v1`, maxRetries: 0 });
    const completion = await client.chat.completions.create({ model: 'openai-compatible/plain-text', messages: [{ role: 'user', content: 'Say hello' }] });
    expect(completion.choices[0]?.message.content).toBe('Hello, world!');
    let streamed = '';
    const stream = await client.chat.completions.create({ model: 'openai-compatible/plain-text', messages: [{ role: 'user', content: 'Say hello' }], stream: true });
    for await (const chunk of stream) streamed += chunk.choices[0]?.delta.content ?? '';
    expect(streamed).toBe('Hello, world!');
  });

  it('answers gRPC-style HTTP/2 (h2c) on every worker: one session per connection, sessions spread over both', async () => {
    const sessions = [http2.connect(base), http2.connect(base)];
    try {
      const answers = await Promise.all(
        sessions.map((session) =>
          h2Request(
            session,
            { ':method': 'POST', ':path': '/llmgateway.v1.KeysService/ListKeys', 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
            '{}',
          ),
        ),
      );
      expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
      expect(JSON.parse(answers[0]!.body)).toHaveProperty('keys');
      expect(new Set(answers.map((answer) => String(answer.headers['x-request-id']).replace(/_[^_]+$/, ''))).size).toBe(2);
    } finally {
      for (const session of sessions) session.destroy();
    }
  });

  it('applies an admin write on every worker at once: a revoked key stops working on both (no 30 s cache window)', async () => {
    const { id, secret } = await createKey('revoked-later');
    // Both workers authenticate (and cache) the key first.
    const before = await completeMany(secret, 4);
    expect(before.map((result) => result.status)).toEqual([200, 200, 200, 200]);
    expect(new Set(before.map((result) => result.process)).size).toBe(2);

    await admin('KeysService/RevokeKey', { id });
    const after = await completeMany(secret, 4);
    expect(after.map((result) => result.status)).toEqual([403, 403, 403, 403]);
    expect(new Set(after.map((result) => result.process)).size).toBe(2);
  });

  it("holds a key's rate limit across workers: 4 requests per minute means 4, not 4 per worker", async () => {
    const { secret } = await createKey('limited', { rateLimits: { requestsPerMinute: 4 } });
    const results = await completeMany(secret, 8);
    expect(results.map((result) => result.status)).toEqual([200, 200, 200, 200, 429, 429, 429, 429]);
    expect(new Set(results.slice(0, 4).map((result) => result.process)).size).toBe(2);
  });

  it('keeps the primary and both workers running on SIGHUP without GATEWAY_CONFIG_FILE (logrotate, systemctl reload)', async () => {
    gateway.child.kill('SIGHUP');
    await waitFor(() => gateway.output().includes('SIGHUP: no GATEWAY_CONFIG_FILE to re-apply; nothing changed'), 'the SIGHUP line');
    const { secret } = await createKey('after-sighup');
    const served = await completeMany(secret, 4);
    expect(served.map((result) => result.status)).toEqual([200, 200, 200, 200]);
    expect(new Set(served.map((result) => result.process)).size).toBe(2);
    expect(gateway.output()).not.toContain('a worker exited');
  });

  it('starts a new worker when one dies, and keeps serving on both', async () => {
    const [victim] = listeningPids(gateway.output());
    process.kill(victim!, 'SIGKILL');
    await waitFor(() => gateway.output().includes('a worker exited; starting another'), 'the primary to notice');
    // One `pid` (pino's: the primary's), the dead worker's under a name of its own.
    const exitLine = gateway.output().split('\n').find((line) => line.includes('a worker exited; starting another'))!;
    expect(exitLine.match(/"pid":/g)).toHaveLength(1);
    expect(JSON.parse(exitLine)).toMatchObject({ pid: gateway.child.pid, workerPid: victim, signal: 'SIGKILL' });
    await waitFor(() => listeningPids(gateway.output()).length === 3, 'a new worker to listen');
    const { secret } = await createKey('after-restart');
    const served = await completeMany(secret, 4);
    expect(served.map((result) => result.status)).toEqual([200, 200, 200, 200]);
    expect(new Set(served.map((result) => result.process)).size).toBe(2);
  });

  it('stops every worker on SIGTERM and exits 0', async () => {
    const pids = listeningPids(gateway.output()).slice(-2);
    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toBe(0);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  });
});

describe('a first start with --workers 2', () => {
  it('generates the master key and the admin token once (the first worker starts alone): one token printed, and it works on both workers', async () => {
    const freshDir = mkdtempSync(path.join(os.tmpdir(), 'gw-workers-first-'));
    const port = await freePort();
    const started = startGatewayProcess({ GATEWAY_DATA_DIR: freshDir, GATEWAY_PORT: String(port) }, { args: ['--workers=2'] });
    children.push(started.child);
    try {
      await waitFor(() => started.output().includes('all workers listening'), 'both workers to listen');
      const tokens = started.output().match(/gw-admin-[A-Za-z0-9_-]{43}/g) ?? [];
      expect(tokens).toHaveLength(1);
      expect(started.output().match(/generated one in the data folder/g)).toHaveLength(1);
      const answers = [];
      for (let index = 0; index < 4; index += 1) {
        answers.push(
          await request(`http://127.0.0.1:${port}/llmgateway.v1.KeysService/ListKeys`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[0]}` },
            body: '{}',
          }),
        );
      }
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
      expect(new Set(answers.map((answer) => String(answer.headers['x-request-id']).replace(/_[^_]+$/, ''))).size).toBe(2);
      started.child.kill('SIGTERM');
      expect(await started.exited).toBe(0);
    } finally {
      rmSync(freshDir, { recursive: true, force: true });
    }
  });
});

describe('a SIGTERM while workers are still starting', () => {
  it('stops cleanly and exits 0: a worker ended by our own SIGTERM before its handler was installed is not a failure', async () => {
    const freshDir = mkdtempSync(path.join(os.tmpdir(), 'gw-workers-early-'));
    const port = await freePort();
    const started = startGatewayProcess({ GATEWAY_DATA_DIR: freshDir, GATEWAY_PORT: String(port) }, { args: ['--workers=3'] });
    children.push(started.child);
    try {
      // The others are forked once the first listens: signalled now, they are still loading.
      await waitFor(() => started.output().includes('gateway listening'), 'the first worker to listen');
      started.child.kill('SIGTERM');
      expect(await started.exited, started.output()).toBe(0);
    } finally {
      rmSync(freshDir, { recursive: true, force: true });
    }
  });
});

describe('a --workers start that cannot serve', () => {
  it('exits 1, saying so, when the first worker cannot listen (the port is taken), without starting the others', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as net.AddressInfo;
    const freshDir = mkdtempSync(path.join(os.tmpdir(), 'gw-workers-taken-'));
    try {
      const started = startGatewayProcess({ GATEWAY_DATA_DIR: freshDir, GATEWAY_PORT: String(port), GATEWAY_ADMIN_TOKEN: ADMIN_TOKEN }, { args: ['--workers', '3'] });
      children.push(started.child);
      expect(await started.exited).toBe(1);
      expect(started.output()).toContain('EADDRINUSE');
      expect(started.output()).toContain('a worker exited before it listened; stopping');
      expect(started.output().match(/"worker":\d/g)).toEqual(['"worker":0']);
    } finally {
      taken.close();
      rmSync(freshDir, { recursive: true, force: true });
    }
  });
});

describe('Ctrl-C on a --workers gateway (SIGINT to the whole process group)', () => {
  it('stops the primary and every worker, replaces none, and exits 0', async () => {
    const freshDir = mkdtempSync(path.join(os.tmpdir(), 'gw-workers-sigint-'));
    const port = await freePort();
    const started = startGatewayProcess(
      { GATEWAY_DATA_DIR: freshDir, GATEWAY_PORT: String(port), GATEWAY_ADMIN_TOKEN: ADMIN_TOKEN },
      { args: ['--workers', '2'], detached: true },
    );
    children.push(started.child);
    try {
      await waitFor(() => started.output().includes('all workers listening'), 'both workers to listen');
      const pids = listeningPids(started.output());
      process.kill(-started.child.pid!, 'SIGINT');
      expect(await started.exited).toBe(0);
      expect(started.output()).not.toContain('starting another');
      for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
    } finally {
      rmSync(freshDir, { recursive: true, force: true });
    }
  });
});
