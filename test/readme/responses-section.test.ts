// Executes the README's "OpenAI Responses API" blocks as written, in one bash,
// against a started gateway set up as the walkthrough leaves it (the provider
// `local` with `plain-text` on the example upstream, a virtual key in $KEY);
// every `# → text` line must appear in what its block printed.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAIFixture, type OpenAIFixture } from '../fixtures/openai-upstream.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';

const SECTION = '### OpenAI Responses API';
const ADMIN = 'gw-admin-responses-section-0123456789';

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
let key = '';

async function admin(method: string, body: object): Promise<Record<string, unknown>> {
  const response = await fetch(`${gateway.url}/llmgateway.v1.${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
    body: JSON.stringify(body),
  });
  if (response.status !== 200) throw new Error(`${method}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

beforeAll(async () => {
  upstream = await startOpenAIFixture({ family: 'openai-compatible', apiKey: '', record: false });
  gateway = await startGateway({ GATEWAY_ADMIN_TOKEN: ADMIN });
  await admin('ProvidersService/CreateProvider', {
    id: 'local',
    name: 'Local example',
    type: 'PROVIDER_TYPE_OPENAI_COMPATIBLE',
    baseUrl: upstream.baseUrl,
    models: [{ upstreamModel: 'plain-text' }],
  });
  key = String((await admin('KeysService/CreateKey', { name: 'walkthrough', allowedModels: ['local/*'] }))['secret']);
});
afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
});

function runShell(script: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], {
      env: { PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env['PATH'] ?? ''}`, HOME: process.env['HOME'] ?? '/tmp', GW: gateway.url, KEY: key },
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

describe('the README section "OpenAI Responses API"', () => {
  it('has a block that says what it prints', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(1);
    expect(blocks.flatMap((block) => block.expected).length).toBeGreaterThanOrEqual(6);
  });

  it('runs as written, each block printing what it says it prints', async () => {
    const script = blocks.map((block, index) => `printf '\\n::block ${index}::\\n'\n${block.text}`).join('\n');
    const { code, output } = await runShell(script);
    expect(code, output).toBe(0);
    const printed = output.split(/^::block \d+::$/m).slice(1);
    blocks.forEach((block, index) => {
      for (const expected of block.expected) expect(printed[index], `block ${index + 1} should print ${expected}`).toContain(expected);
    });
  }, 45_000);
});
