// Executes the README's "Running several replicas" blocks as written: the
// `sh server` block (two replicas and the example upstream) in the background,
// the other block in one bash; every `# → text` line must appear in what it
// printed. Only addresses differ: free ports, a fresh database on the test's
// MySQL server, the test's Redis with a key prefix of this run's own.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, inject, it, test } from 'vitest';
import { checkStartScript, freePort, waitFor } from '../helpers/gateway-process.js';
import { expectBlocksPrinted, runShell, sectionBlocks, shellEnv } from '../helpers/readme-sections.js';
import { TEST_REDIS_URL } from '../setup/redis-url.js';

const SECTION = '## Running several replicas';
const serverUrl = inject('mysqlServerUrl');

const blocks = sectionBlocks(SECTION, { tags: ['server'] });
let server: ChildProcess | undefined;
let dataDir = '';
let databaseName = '';
let environment: NodeJS.ProcessEnv;
let substitute: (text: string) => string;

const answers = (url: string) =>
  fetch(url).then(
    (response) => response.ok,
    () => false,
  );

if (!serverUrl) {
  test.skip(`MySQL tier NOT RUN: ${inject('mysqlUnavailableReason') ?? 'no server'}`, () => {});
} else {
  beforeAll(async () => {
    checkStartScript();
    databaseName = `gw_readme_replicas_${randomBytes(6).toString('hex')}`;
    const connection = await mysql.createConnection(serverUrl);
    await connection.query(`CREATE DATABASE ${databaseName}`);
    await connection.end();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-readme-replicas-'));
    const [a, b, upstream] = [await freePort(), await freePort(), await freePort()];
    substitute = (text) =>
      text
        .replaceAll('mysql://root@127.0.0.1:3306/gateway', `${serverUrl.replace(/\/$/, '')}/${databaseName}`)
        .replaceAll('redis://127.0.0.1:6379/0', TEST_REDIS_URL)
        .replaceAll('127.0.0.1:8081', `127.0.0.1:${a}`)
        .replaceAll('GATEWAY_PORT=8081', `GATEWAY_PORT=${a}`)
        .replaceAll('127.0.0.1:8082', `127.0.0.1:${b}`)
        .replaceAll('GATEWAY_PORT=8082', `GATEWAY_PORT=${b}`)
        .replaceAll('127.0.0.1:9999', `127.0.0.1:${upstream}`);
    environment = shellEnv({
      HOME: process.env['HOME'] ?? os.tmpdir(),
      GATEWAY_DATA_DIR: dataDir,
      GATEWAY_REDIS_KEY_PREFIX: `test:${randomUUID()}:`,
      EXAMPLE_UPSTREAM_PORT: String(upstream),
      GATEWAY_LOG_LEVEL: 'warn',
    });
    const serverBlock = blocks.find((block) => block.tag === 'server')!;
    server = spawn('bash', ['-c', substitute(serverBlock.text)], { env: environment, stdio: 'ignore', detached: true });
    let up = false;
    void (async () => {
      while (!up) {
        up = (await answers(`http://127.0.0.1:${a}/readyz`)) && (await answers(`http://127.0.0.1:${b}/readyz`)) && (await answers(`http://127.0.0.1:${upstream}/v1/models`));
        if (!up) await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    await waitFor(() => up, 'both replicas and the example upstream', 90_000);
  }, 120_000);

  afterAll(async () => {
    try {
      if (server) process.kill(-server.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    if (databaseName) {
      const connection = await mysql.createConnection(serverUrl);
      await connection.query(`DROP DATABASE IF EXISTS ${databaseName}`);
      await connection.end();
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  describe('the README "Running several replicas" example', () => {
    it('has a server block and a step that says what it prints', () => {
      expect(blocks.filter((block) => block.tag === 'server')).toHaveLength(1);
      expect(blocks.filter((block) => block.tag !== 'server').flatMap((block) => block.expected)).toEqual([
        'x-gateway-cache: miss',
        'x-gateway-cache: hit',
        '{"status":"ready","redis":"shared"}',
      ]);
    });

    it('runs as written: the answer filled on replica A is a hit on replica B', async () => {
      // Each block in a bash of its own.
      const steps = blocks.filter((block) => block.tag !== 'server');
      const printed: string[] = [];
      for (const block of steps) {
        const { code, output } = await runShell(substitute(block.text), { env: environment });
        expect(code, output).toBe(0);
        printed.push(output);
      }
      expectBlocksPrinted(steps, printed);
    }, 60_000);
  });
}
