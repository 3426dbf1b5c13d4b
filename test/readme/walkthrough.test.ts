// Executes the README's "Try it without a vendor key" section as a newcomer
// would copy it: the `sh server` block's commands start in the background, the
// other `sh` blocks run in order in one shell (so the variables they export
// carry over), and every `# → text` line must appear in what its block
// printed. Only the ports differ (free ones, through the environment), so two
// runs never collide with each other or with a gateway already on 8080.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkStartScript, freePort, waitFor } from '../helpers/gateway-process.js';
import { expectBlocksPrinted, runShellBlocks, sectionBlocks, shellEnv } from '../helpers/readme-sections.js';

const SECTION = '## Try it without a vendor key';

const blocks = sectionBlocks(SECTION, { tags: ['server'] });
const servers: ChildProcess[] = [];
const directories: string[] = [];
let environment: NodeJS.ProcessEnv;
let gatewayUrl = '';

async function answers(url: string): Promise<boolean> {
  return fetch(url).then(
    (response) => response.ok,
    () => false,
  );
}

beforeAll(async () => {
  checkStartScript();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-walkthrough-'));
  directories.push(dataDir);
  const [gatewayPort, upstreamPort] = [await freePort(), await freePort()];
  gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  environment = shellEnv({
    HOME: process.env['HOME'] ?? os.tmpdir(),
    GATEWAY_DATA_DIR: dataDir,
    GATEWAY_PORT: String(gatewayPort),
    EXAMPLE_UPSTREAM_PORT: String(upstreamPort),
    GATEWAY_LOG_LEVEL: 'warn',
  });
  for (const block of blocks.filter((candidate) => candidate.tag === 'server')) {
    for (const line of block.text.split('\n').filter((command) => command.trim() !== '')) {
      // Each command in its own process group, so the whole tree (npm, sh, node) is stopped after.
      servers.push(spawn('bash', ['-c', line], { env: environment, stdio: 'ignore', detached: true }));
    }
  }
  let up = false;
  void (async () => {
    while (!up) {
      up = (await answers(`${gatewayUrl}/healthz`)) && (await answers(`http://127.0.0.1:${upstreamPort}/v1/models`));
      if (!up) await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  await waitFor(() => up, 'the walkthrough servers', 60_000);
}, 90_000);

afterAll(() => {
  for (const server of servers) {
    try {
      process.kill(-server.pid!, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

describe('the README walkthrough', () => {
  it('has a server block and steps that say what they print', () => {
    expect(blocks.filter((block) => block.tag === 'server')).toHaveLength(1);
    expect(blocks.filter((block) => block.tag !== 'server').length).toBeGreaterThanOrEqual(5);
    expect(blocks.flatMap((block) => block.expected).length).toBeGreaterThanOrEqual(10);
  });

  it('runs as written, each block printing what it says it prints', async () => {
    const steps = blocks.filter((block) => block.tag !== 'server');
    // A scratch folder inside the repository: the SDKs the blocks import resolve from its node_modules.
    const scratch = mkdtempSync(path.join(process.cwd(), '.walkthrough-'));
    directories.push(scratch);
    const { code, output, printedPerBlock } = await runShellBlocks(steps, {
      cwd: scratch,
      env: environment,
      // The README's own addresses stand for the ports this run took.
      substitute: (script) =>
        script.replaceAll('127.0.0.1:8080', new URL(gatewayUrl).host).replaceAll('127.0.0.1:9999', `127.0.0.1:${environment['EXAMPLE_UPSTREAM_PORT']}`),
    });
    expect(code, output).toBe(0);
    expectBlocksPrinted(steps, printedPerBlock);
  }, 60_000);
});
