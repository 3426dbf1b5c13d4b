// Executes the README's "Upstream quotas" block as written, in one bash,
// against a started gateway set up as the walkthrough leaves it (the provider
// `local` with `plain-text` on the example upstream, the admin token in $ADMIN,
// a virtual key in $KEY); every `# → text` line must appear in what it printed,
// and the refused request must carry a retry-after in seconds.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAIFixture, type OpenAIFixture } from '../fixtures/openai-upstream.js';
import { adminCaller } from '../helpers/admin-call.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';

const SECTION = '### Upstream quotas';
const ADMIN = 'gw-admin-upstream-quotas-section-0123456789';

function sectionBlocks(readme: string): Array<{ text: string; expected: string[] }> {
  const start = readme.indexOf(SECTION);
  if (start < 0) throw new Error(`README has no "${SECTION}" section`);
  const end = readme.slice(start + SECTION.length).search(/\n##+ /);
  const section = readme.slice(start, end < 0 ? undefined : start + SECTION.length + end);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => ({
    text: match[1]!,
    expected: [...match[1]!.matchAll(/^# → (.+)$/gm)].map((line) => line[1]!.trim()),
  }));
}

const blocks = sectionBlocks(readFileSync('README.md', 'utf8'));
let gateway: StartedGateway;
let upstream: OpenAIFixture;
let key: string;

beforeAll(async () => {
  upstream = await startOpenAIFixture({ family: 'openai-compatible', apiKey: '', record: false });
  gateway = await startGateway({ GATEWAY_ADMIN_TOKEN: ADMIN });
  const admin = adminCaller(gateway.url, ADMIN);
  await admin('ProvidersService/CreateProvider', {
    id: 'local',
    name: 'Local example',
    type: 'PROVIDER_TYPE_OPENAI_COMPATIBLE',
    baseUrl: upstream.baseUrl,
    models: [{ upstreamModel: 'plain-text' }],
  });
  key = String((await admin('KeysService/CreateKey', { name: 'walkthrough' }))['secret']);
});
afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
});

function runShell(script: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], {
      env: {
        PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env['PATH'] ?? ''}`,
        HOME: process.env['HOME'] ?? '/tmp',
        GW: gateway.url,
        ADMIN,
        KEY: key,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('the README section "Upstream quotas"', () => {
  it('has a block that says what it prints', () => {
    expect(blocks).toHaveLength(1);
    expect(blocks[0]!.expected).toEqual(['200', '429', 'local: 2 of 2 requests this minute']);
  });

  it('runs as written: two answered, the third refused with retry-after, the window reported', async () => {
    const { code, output } = await runShell(blocks[0]!.text);
    expect(code, output).toBe(0);
    const lines = output.trim().split('\n');
    expect(lines.slice(0, 3).map((line) => line.split(' ')[0])).toEqual(['200', '200', '429']);
    expect(Number(lines[2]!.split(' ')[1])).toBeGreaterThanOrEqual(1);
    for (const expected of blocks[0]!.expected) expect(output).toContain(expected);
  });
});
