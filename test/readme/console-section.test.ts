// Executes the README's "Console" block as written, in bash, against a started gateway serving the
// built console (npm run build); every `# → text` line must appear in what it printed.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';

const SECTION = '## Console';

function sectionBlocks(readme: string): Array<{ text: string; expected: string[] }> {
  const start = readme.indexOf(`\n${SECTION}\n`);
  if (start < 0) throw new Error(`README has no "${SECTION}" section`);
  const end = readme.slice(start + SECTION.length + 2).search(/\n## /);
  const section = readme.slice(start, end < 0 ? undefined : start + SECTION.length + 2 + end);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => ({
    text: match[1]!,
    expected: [...match[1]!.matchAll(/^# → (.+)$/gm)].map((line) => line[1]!.trim()),
  }));
}

const readme = readFileSync('README.md', 'utf8');
const blocks = sectionBlocks(readme);
let gateway: StartedGateway;

beforeAll(async () => {
  if (!existsSync('dist/console/index.html')) throw new Error('dist/console/index.html is missing: run `npm run build` first');
  gateway = await startGateway();
});
afterAll(async () => {
  await gateway?.close();
});

function runShell(script: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], {
      env: { PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env['PATH'] ?? ''}`, HOME: process.env['HOME'] ?? '/tmp', GW: gateway.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('the README section "Console"', () => {
  it('shows a screenshot that exists', () => {
    const images = [...readme.slice(readme.indexOf(`\n${SECTION}\n`)).matchAll(/!\[[^\]]*\]\((docs\/console\/[^)]+)\)/g)].map((match) => match[1]!);
    expect(images.length).toBeGreaterThanOrEqual(1);
    for (const image of images) expect(existsSync(image), image).toBe(true);
  });

  it('runs as written, printing what it says', async () => {
    expect(blocks.flatMap((block) => block.expected).length).toBeGreaterThanOrEqual(2);
    for (const block of blocks) {
      const { code, output } = await runShell(block.text);
      expect(code, output).toBe(0);
      for (const expected of block.expected) expect(output).toContain(expected);
    }
  });
});
