// The built gateway as `npm start` runs it (the bundle, with its node flags):
// a real process, its first-start output, completions through each provider
// SDK family (each a lazily loaded part of the bundle), configuration errors,
// and a graceful exit on SIGTERM.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import type { ChildProcess } from 'node:child_process';
import OpenAI from 'openai';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFixture } from './completion/matrix-setup.js';
import type { FixtureUpstream } from './fixtures/fixture-upstream.js';
import { checkStartScript, freePort, START_FLAGS, startGatewayProcess, waitFor, type GatewayProcess } from './helpers/gateway-process.js';

const children: ChildProcess[] = [];
const directories: string[] = [];

beforeAll(checkStartScript);
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

function run(environment: Record<string, string>, nodeFlags: string[] = []): GatewayProcess {
  const started = startGatewayProcess(environment, { nodeFlags });
  children.push(started.child);
  return started;
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
    // The server may close this socket with a reset as it exits; that is the point, not a failure.
    idle.on('error', () => undefined);
    idle.resume();
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

  it('keeps running on SIGHUP without GATEWAY_CONFIG_FILE (logrotate, systemctl reload): says there is nothing to re-apply', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-main-'));
    directories.push(dataDir);
    const port = await freePort();
    const started = run({ GATEWAY_DATA_DIR: dataDir, GATEWAY_PORT: String(port) }, START_FLAGS);
    await waitFor(() => started.output().includes('gateway listening'), 'the gateway to listen');
    started.child.kill('SIGHUP');
    await waitFor(() => started.output().includes('SIGHUP: no GATEWAY_CONFIG_FILE to re-apply; nothing changed'), 'the SIGHUP line');
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    started.child.kill('SIGTERM');
    expect(await started.exited).toBe(0);
  });

  it('runs as `npm start` does (its node flags; a flag a Node upgrade no longer knows would stop it) and completes through every SDK family', async () => {
    const fixtures: FixtureUpstream[] = [];
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-main-'));
    directories.push(dataDir);
    const port = await freePort();
    const adminToken = 'gw-admin-main-process-test-0123456789abcdef';
    const started = run({ GATEWAY_DATA_DIR: dataDir, GATEWAY_PORT: String(port), GATEWAY_ADMIN_TOKEN: adminToken }, START_FLAGS);
    try {
      await waitFor(() => started.output().includes('gateway listening'), 'a start with the npm start flags');
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const admin = async (method: string, body: object): Promise<Record<string, unknown>> => {
        const response = await fetch(`${base}/llmgateway.v1.${method}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
          body: JSON.stringify(body),
        });
        expect(response.status).toBe(200);
        return (await response.json()) as Record<string, unknown>;
      };
      const families = [
        ['openai-compatible', 'PROVIDER_TYPE_OPENAI_COMPATIBLE'],
        ['anthropic', 'PROVIDER_TYPE_ANTHROPIC'],
        ['gemini', 'PROVIDER_TYPE_GEMINI'],
      ] as const;
      for (const [family, type] of families) {
        const fixture = await startFixture(family);
        fixtures.push(fixture);
        await admin('ProvidersService/CreateProvider', { id: family, name: family, type, baseUrl: fixture.baseUrl, apiKey: fixture.apiKey, models: [{ upstreamModel: 'plain-text' }] });
      }
      const secret = String((await admin('KeysService/CreateKey', { name: 'main-process' }))['secret']);
      const client = new OpenAI({ apiKey: secret, baseURL: `${base}/v1`, maxRetries: 0 });
      for (const [family] of families) {
        const completion = await client.chat.completions.create({ model: `${family}/plain-text`, messages: [{ role: 'user', content: 'Say hello' }] });
        expect(completion.choices[0]?.message.content).toBe('Hello, world!');
        let streamed = '';
        const stream = await client.chat.completions.create({ model: `${family}/plain-text`, messages: [{ role: 'user', content: 'Say hello' }], stream: true });
        for await (const chunk of stream) streamed += chunk.choices[0]?.delta.content ?? '';
        expect(streamed).toBe('Hello, world!');
      }
      // The bundle keeps no names by helper (scripts/bundle.mjs): the SDK clients still name themselves
      // in their user agent (the openai SDK reads it from its class's name).
      const userAgent = (family: string) => fixtures.find((fixture) => fixture.family === family)?.received[0]?.headers['user-agent'];
      expect(userAgent('openai-compatible')).toMatch(/^OpenAI\/JS \d/);
      expect(userAgent('anthropic')).toMatch(/^Anthropic\/JS \d/);
      started.child.kill('SIGTERM');
      expect(await started.exited).toBe(0);
    } finally {
      for (const fixture of fixtures) await fixture.close();
    }
  });

  it('refuses to start on bad configuration, naming each variable', async () => {
    const bad = run({ GATEWAY_PORT: 'eighty', GATEWAY_LOG_LEVEL: 'chatty' });
    expect(await bad.exited).toBe(2);
    expect(bad.output()).toContain('GATEWAY_PORT');
    expect(bad.output()).toContain('GATEWAY_LOG_LEVEL');
  });

  it('refuses an unknown argument or a bad --workers count, naming each beside the bad variables', async () => {
    const bad = startGatewayProcess({ GATEWAY_PORT: 'eighty' }, { args: ['--workers', 'zero', '--verbose'] });
    children.push(bad.child);
    expect(await bad.exited).toBe(2);
    expect(bad.output()).toContain('GATEWAY_PORT');
    expect(bad.output()).toContain('--workers: must be a whole number');
    expect(bad.output()).toContain('--verbose: unknown argument');
  });

  it('stops at once on an unsupported Node.js, saying how to get a supported one', async () => {
    // The process is told it runs Node 20 before the bundle is evaluated (as on a machine whose node is 20).
    const node20 = `data:text/javascript,Object.defineProperty(process.versions, "node", { value: "20.20.2" })`;
    const old = run({}, ['--import', node20]);
    expect(await old.exited).toBe(1);
    expect(old.output()).toContain('llm-gateway needs Node.js 24 LTS, or 22 LTS from 22.12; this is Node.js 20.20.2.');
    expect(old.output()).toContain('scripts/with-node npm start');
    expect(old.output()).not.toContain('admin token');
  });

  it('refuses to start on MySQL without a master key or an admin token, as bad configuration (exit 2)', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-main-'));
    directories.push(dataDir);
    const bad = run({ DATABASE_URL: 'mysql://gateway:password@127.0.0.1:1/gateway', GATEWAY_DATA_DIR: dataDir });
    expect(await bad.exited).toBe(2);
    expect(bad.output()).toContain('GATEWAY_MASTER_KEY: required with DATABASE_URL');
    expect(bad.output()).toContain('GATEWAY_ADMIN_TOKEN: required with DATABASE_URL');
    expect(bad.output()).not.toContain('password@');
  });

  it('reports bad master keys, TLS files, DATABASE_URL and GATEWAY_HOST with the other bad values (exit 2), before generating anything', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-main-'));
    directories.push(dataDir);
    const certFile = path.join(dataDir, 'cert.pem');
    const keyFile = path.join(dataDir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-days', '1', '-keyout', keyFile, '-out', certFile], { stdio: 'ignore' });
    const environment = { GATEWAY_DATA_DIR: dataDir, GATEWAY_PORT: 'eighty' };
    const keys = run({ ...environment, GATEWAY_MASTER_KEY: 'notakey-secret-value', GATEWAY_RETIRED_MASTER_KEYS: 'garbage-secret-value' });
    expect(await keys.exited).toBe(2);
    expect(keys.output()).toContain('GATEWAY_PORT: must be a whole number');
    expect(keys.output()).toContain('GATEWAY_MASTER_KEY: must be 32 random bytes');
    expect(keys.output()).toContain('GATEWAY_RETIRED_MASTER_KEYS (entry 1): must be 32 random bytes');
    expect(keys.output()).not.toContain('secret-value');

    // The key and the certificate swapped, and files that are not there.
    const swapped = run({ ...environment, GATEWAY_TLS_CERT_FILE: keyFile, GATEWAY_TLS_KEY_FILE: certFile });
    expect(await swapped.exited).toBe(2);
    expect(swapped.output()).toContain(`GATEWAY_TLS_CERT_FILE: ${keyFile} does not hold a PEM certificate`);
    expect(swapped.output()).toContain(`GATEWAY_TLS_KEY_FILE: ${certFile} does not hold an unencrypted PEM private key`);
    const missing = run({ ...environment, GATEWAY_TLS_CERT_FILE: path.join(dataDir, 'nope.pem'), GATEWAY_TLS_KEY_FILE: keyFile });
    expect(await missing.exited).toBe(2);
    expect(missing.output()).toContain(`GATEWAY_TLS_CERT_FILE: cannot read ${path.join(dataDir, 'nope.pem')} (ENOENT)`);

    // An address not of this machine (TEST-NET-1), and a MySQL URL whose port is not a number.
    const elsewhere = run({
      ...environment,
      GATEWAY_HOST: '192.0.2.1',
      DATABASE_URL: 'mysql://gateway:s3cr3t-pw@127.0.0.1:notaport/gateway',
      GATEWAY_MASTER_KEY: randomBytes(32).toString('base64'),
      GATEWAY_ADMIN_TOKEN: 'gw-admin-main-tests-0123456789abcdef',
    });
    expect(await elsewhere.exited).toBe(2);
    expect(elsewhere.output()).toContain('GATEWAY_HOST: not an address of this machine (EADDRNOTAVAIL)');
    expect(elsewhere.output()).toContain('DATABASE_URL is not a valid mysql:// URL');
    expect(elsewhere.output()).not.toContain('s3cr3t-pw');

    // Nothing was generated: no master key file, no admin token printed.
    for (const started of [keys, swapped, missing, elsewhere]) expect(started.output()).not.toContain('Generated an admin token');
    expect(existsSync(path.join(dataDir, 'master.key'))).toBe(false);
  });
});
