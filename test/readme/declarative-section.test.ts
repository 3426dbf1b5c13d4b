// Executes the README's "Declarative config and the CLI" blocks as written, in
// one bash, with the built `llm-gateway` (linked as an installed package's bin,
// so `npx llm-gateway` resolves it) against a built gateway process and a
// fixture upstream standing in for the example upstream. Only the addresses
// differ (free ports). Every `# → text` line must appear in what its block
// printed (runs of spaces compared as one: table columns are padded).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAIFixture, type OpenAIFixture } from '../fixtures/openai-upstream.js';
import { CLI_ENTRY, startGatewayForCli, type RunningGateway } from '../helpers/cli-process.js';

const SECTION = '## Declarative config and the CLI';
const ADMIN = 'gw-admin-local-walkthrough-0123456789';

function sectionBlocks(readme: string): Array<{ text: string; expected: string[] }> {
  const start = readme.indexOf(SECTION);
  if (start < 0) throw new Error(`README has no "${SECTION}" section`);
  const end = readme.indexOf('\n## ', start + SECTION.length);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => ({
    text: match[1]!,
    expected: [...match[1]!.matchAll(/^# → (.+)$/gm)].map((line) => line[1]!.trim()),
  }));
}

const blocks = sectionBlocks(readFileSync('README.md', 'utf8'));
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

function runShell(script: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: folder,
      env: {
        PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env['PATH'] ?? ''}`,
        HOME: process.env['HOME'] ?? '/tmp',
        npm_config_offline: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // The usage block polls until the request log has the row: bound that here rather than hang the suite.
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('the README section "Declarative config and the CLI"', () => {
  it('has blocks that say what they print', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    expect(blocks.flatMap((block) => block.expected).length).toBeGreaterThanOrEqual(8);
  });

  it('runs as written, each block printing what it says it prints', async () => {
    const script = blocks
      .map((block, index) => `printf '\\n::block ${index}::\\n'\n${block.text}`)
      .join('\n')
      .replaceAll('http://127.0.0.1:8080', gateway.url)
      .replaceAll('http://127.0.0.1:9999/v1', upstream.baseUrl);
    const { code, output } = await runShell(script);
    expect(code, output).toBe(0);
    const printed = output.split(/^::block \d+::$/m).slice(1);
    blocks.forEach((block, index) => {
      for (const expected of block.expected) expect(spaced(printed[index]!), `block ${index + 1} should print ${expected}`).toContain(spaced(expected));
    });
    // The request went through the file's route to the upstream, and the export never holds the key.
    expect(spaced(printed[1]!)).toMatch(/key_\w+ files-app 1 0 \d+ \d+ \$/);
    expect(readFileSync(path.join(folder, 'running.yaml'), 'utf8')).not.toContain('sk-example-local-0123456789');
  }, 120_000);
});
