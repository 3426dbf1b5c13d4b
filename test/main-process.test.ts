// The built gateway as `npm start` runs it: a real process, its first-start
// output, configuration errors, and a graceful exit on SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

const ENTRY = path.resolve('dist/src/main.js');
const children: ChildProcess[] = [];
const directories: string[] = [];

beforeAll(() => {
  if (!existsSync(ENTRY)) throw new Error('dist/ is missing: `npm test` builds first (pretest); run `npm run build`');
});
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function run(environment: Record<string, string>, nodeFlags: string[] = []): Running {
  const child = spawn(process.execPath, [...nodeFlags, ENTRY], {
    env: { PATH: process.env.PATH ?? '', ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitFor(condition: () => boolean, what: string, limitMs = 20_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the gateway process', () => {
  it('prints a generated admin token on the first start only, serves, and exits 0 on SIGTERM', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-main-'));
    directories.push(dataDir);
    const port = await freePort();
    const environment = { GATEWAY_DATA_DIR: dataDir, GATEWAY_PORT: String(port) };

    const first = run(environment);
    await waitFor(() => first.output().includes('gateway listening'), 'the first start');
    const token = /gw-admin-[A-Za-z0-9_-]{43}/.exec(first.output())?.[0];
    expect(token).toBeDefined();
    const listed = await fetch(`http://127.0.0.1:${port}/llmgateway.v1.KeysService/ListKeys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: '{}',
    });
    expect(listed.status).toBe(200);
    // A keep-alive connection stays open; shutdown must not wait for it.
    const idle = net.connect(port, '127.0.0.1');
    await new Promise((resolve) => idle.once('connect', resolve));
    idle.write(`GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n`);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    idle.destroy();
    expect(first.output()).toContain('shutting down');

    const second = run(environment);
    await waitFor(() => second.output().includes('gateway listening'), 'the second start');
    expect(second.output()).not.toContain('gw-admin-');
    // The token printed on the first start still works.
    const again = await fetch(`http://127.0.0.1:${port}/llmgateway.v1.KeysService/ListKeys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: '{}',
    });
    expect(again.status).toBe(200);
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  });

  it('starts with the node flags of `npm start` (a flag a Node upgrade no longer knows would stop it)', async () => {
    const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } };
    const script = manifest.scripts.start;
    expect(script).toMatch(/^node( --[\w-]+(=\S+)?)* dist\/src\/main\.js$/);
    const flags = script.split(' ').slice(1, -1);
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-main-'));
    directories.push(dataDir);
    const port = await freePort();
    const started = run({ GATEWAY_DATA_DIR: dataDir, GATEWAY_PORT: String(port) }, flags);
    await waitFor(() => started.output().includes('gateway listening'), 'a start with the npm start flags');
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    started.child.kill('SIGTERM');
    expect(await started.exited).toBe(0);
  });

  it('refuses to start on bad configuration, naming each variable', async () => {
    const bad = run({ GATEWAY_PORT: 'eighty', GATEWAY_LOG_LEVEL: 'chatty' });
    expect(await bad.exited).toBe(2);
    expect(bad.output()).toContain('GATEWAY_PORT');
    expect(bad.output()).toContain('GATEWAY_LOG_LEVEL');
  });

  it('refuses to start on MySQL without a master key', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-main-'));
    directories.push(dataDir);
    const bad = run({ DATABASE_URL: 'mysql://gateway:password@127.0.0.1:1/gateway', GATEWAY_DATA_DIR: dataDir });
    expect(await bad.exited).toBe(1);
    expect(bad.output()).toContain('GATEWAY_MASTER_KEY is required');
    expect(bad.output()).not.toContain('password@');
  });
});
