// Executes the README's "Declarative config and the CLI" blocks as written, in
// one bash, with the built `llm-gateway` (linked as an installed package's bin,
// so `npx llm-gateway` resolves it) against a built gateway process and a
// fixture upstream standing in for the example upstream. Only the addresses
// differ (free ports). Every `# → text` line must appear in what its block
// printed (runs of spaces compared as one: table columns are padded).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAIFixture, type OpenAIFixture } from '../fixtures/openai-upstream.js';
import { CLI_ENTRY, startGatewayForCli, type RunningGateway } from '../helpers/cli-process.js';
import { expectBlocksPrinted, runShellBlocks, sectionBlocks, shellEnv } from '../helpers/readme-sections.js';

const SECTION = '## Declarative config and the CLI';
const ADMIN = 'gw-admin-local-walkthrough-0123456789';

const blocks = sectionBlocks(SECTION);
const spaced = (text: string) => text.replace(/[ \t]+/g, ' ');
let gateway: RunningGateway;
let upstream: OpenAIFixture;
let folder: string;

beforeAll(async () => {
  upstream = await startOpenAIFixture({ family: 'openai-compatible', apiKey: '', record: false });
  gateway = await startGatewayForCli({ GATEWAY_ADMIN_TOKEN: ADMIN });
  // A folder where `npx llm-gateway` finds the command as an installed package's bin.
  folder = mkdtempSync(path.join(os.tmpdir(), 'gw-readme-declarative-'));
  mkdirSync(path.join(folder, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(CLI_ENTRY, path.join(folder, 'node_modules', '.bin', 'llm-gateway'));
}, 60_000);
afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

describe('the README section "Declarative config and the CLI"', () => {
  it('has blocks that say what they print', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    expect(blocks.flatMap((block) => block.expected).length).toBeGreaterThanOrEqual(8);
  });

  it('runs as written, each block printing what it says it prints', async () => {
    const { code, output, printedPerBlock: printed } = await runShellBlocks(blocks, {
      cwd: folder,
      env: shellEnv({ npm_config_offline: 'true' }),
      // The usage block polls until the request log has the row: bound that here rather than hang the suite.
      timeoutMs: 90_000,
      substitute: (script) => script.replaceAll('http://127.0.0.1:8080', gateway.url).replaceAll('http://127.0.0.1:9999/v1', upstream.baseUrl),
    });
    expect(code, output).toBe(0);
    expectBlocksPrinted(blocks, printed, spaced);
    // The request went through the file's route to the upstream, and the export never holds the key.
    expect(spaced(printed[1]!)).toMatch(/key_\w+ files-app 1 0 0 \d+ \d+ \$/);
    expect(readFileSync(path.join(folder, 'running.yaml'), 'utf8')).not.toContain('sk-example-local-0123456789');
  }, 120_000);
});
