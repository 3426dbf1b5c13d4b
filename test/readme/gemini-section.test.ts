// Executes the README's "Gemini clients, OpenAI paths without /v1, every key
// header" `sh` block as written, in bash, against a started gateway with the
// provider `local` (`plain-text` on the example upstream) and a virtual key
// in $KEY; every `# → text` line must appear in what the block printed. The
// `js` block is checked for what it relies on: the client options it shows
// reach the gateway (test/http/gemini covers the calls themselves).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GoogleGenAI } from '@google/genai';
import { startOpenAIFixture, type OpenAIFixture } from '../fixtures/openai-upstream.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';

const SECTION = '### Gemini clients, OpenAI paths without `/v1`, every key header';
const ADMIN = 'gw-admin-gemini-section-0123456789abcdef';

function section(readme: string): string {
  const start = readme.indexOf(SECTION);
  if (start < 0) throw new Error(`README has no "${SECTION}" section`);
  const end = readme.slice(start + SECTION.length).search(/\n##+ /);
  return readme.slice(start, end < 0 ? undefined : start + SECTION.length + end);
}

const text = section(readFileSync('README.md', 'utf8'));
const shBlocks = [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]!);
const jsBlock = /```js\n([\s\S]*?)```/.exec(text)?.[1] ?? '';
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
  key = String((await admin('KeysService/CreateKey', { name: 'readme-gemini' }))['secret']);
});
afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
});

function runShell(script: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], {
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', GW: gateway.url, KEY: key },
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

describe('the README section on Gemini clients', () => {
  it('runs each command as written, each printing what its comment says', async () => {
    expect(shBlocks).toHaveLength(1);
    const commands = shBlocks[0]!.split(/\n\n/).filter((chunk) => /^curl/m.test(chunk));
    expect(commands).toHaveLength(4);
    for (const command of commands) {
      const expected = [...command.matchAll(/^# → (.+)$/gm)].map((line) => line[1]!.trim());
      expect(expected).toHaveLength(1);
      const { code, output } = await runShell(command);
      expect(code, output).toBe(0);
      expect(output, command).toContain(expected[0]);
    }
  }, 60_000);

  it('the client options the js example shows reach the gateway', async () => {
    expect(jsBlock).toContain("apiVersion: 'v1beta'");
    expect(jsBlock).toContain("httpOptions: { baseUrl: 'http://127.0.0.1:8080' }");
    const ai = new GoogleGenAI({ apiKey: key, apiVersion: 'v1beta', httpOptions: { baseUrl: gateway.url } });
    expect((await ai.models.generateContent({ model: 'local/plain-text', contents: 'Hi' })).text).toBe('Hello, world!');
    let streamed = '';
    for await (const chunk of await ai.models.generateContentStream({ model: 'local/plain-text', contents: 'Hi' })) streamed += chunk.text ?? '';
    expect(streamed).toBe('Hello, world!');
  });
});
