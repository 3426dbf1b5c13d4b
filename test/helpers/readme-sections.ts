// The README sections as the test/readme suites run them: one section's `sh`
// blocks with their `# → text` lines, run as written in bash (errexit, nounset,
// pipefail), each block's output checked for the lines it says it prints; and
// the gateway the later sections start from.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { startOpenAIFixture, type OpenAIFixture } from '../fixtures/openai-upstream.js';
import { adminCaller, type AdminCall } from './admin-call.js';
import { startGateway, type StartedGateway } from './start-gateway.js';

export interface ReadmeBlock {
  /** What follows `sh` on the fence line (`server` for a ```sh server block), '' for a plain ```sh block. */
  tag: string;
  text: string;
  /** The block's `# → text` lines, in order. */
  expected: string[];
}

export interface ShellResult {
  code: number | null;
  /** stdout and stderr, interleaved as they came. */
  output: string;
}

export interface ShellOptions {
  /** The whole environment of the bash (see shellEnv). */
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** Kill the bash (SIGKILL) after this long; never by default. */
  timeoutMs?: number;
}

/** The `# → text` lines of a block or command, trimmed. */
export function expectedLines(text: string): string[] {
  return [...text.matchAll(/^# → (.+)$/gm)].map((line) => line[1]!.trim());
}

/**
 * The README section under `heading` (its whole line, e.g. '## Console'), up to
 * the next heading of its level or above, down to `##` (a `# ` line is a shell
 * comment in a block).
 */
export function readmeSection(heading: string, readme = readFileSync('README.md', 'utf8')): string {
  const start = readme.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README has no "${heading}" section`);
  const level = /^#+/.exec(heading)?.[0].length ?? 2;
  const body = start + heading.length + 1;
  const end = readme.slice(body).search(new RegExp(`\\n#{2,${Math.max(level, 2)}} `));
  return readme.slice(start + 1, end < 0 ? undefined : body + end);
}

/** The ```sh blocks of a README section; `tags` (words) also takes ```sh <tag> blocks, e.g. ['server']. */
export function sectionBlocks(heading: string, options: { tags?: readonly string[] } = {}): ReadmeBlock[] {
  const tags = (options.tags ?? []).map((tag) => ` ${tag}`).join('|');
  const fence = new RegExp(`\`\`\`sh(${tags})?\\n([\\s\\S]*?)\`\`\``, 'g');
  return [...readmeSection(heading).matchAll(fence)].map((match) => ({
    tag: match[1]?.trim() ?? '',
    text: match[2]!,
    expected: expectedLines(match[2]!),
  }));
}

/** PATH with the Node this suite runs on first (`node`, `npm`, `npx` in the blocks use it), HOME, then `extra`. */
export function shellEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env['PATH'] ?? ''}`,
    HOME: process.env['HOME'] ?? '/tmp',
    ...extra,
  };
}

/** Runs `script` in `bash -euo pipefail`, collecting its output. */
export function runShell(script: string, options: ShellOptions): Promise<ShellResult> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // Bounds blocks that poll, rather than hang the suite.
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/**
 * Runs the blocks in order in one bash (so what one exports, the next sees),
 * each after a `::block N::` line; `printedPerBlock[N]` is what block N printed.
 * `substitute` rewrites the joined script (e.g. the README's addresses to this run's).
 */
export async function runShellBlocks(
  blocks: readonly ReadmeBlock[],
  options: ShellOptions & { substitute?: (script: string) => string },
): Promise<ShellResult & { printedPerBlock: string[] }> {
  const script = blocks.map((block, index) => `printf '\\n::block ${index}::\\n'\n${block.text}`).join('\n');
  const result = await runShell(options.substitute ? options.substitute(script) : script, options);
  return { ...result, printedPerBlock: result.output.split(/^::block \d+::$/m).slice(1) };
}

/** Every block printed each of its `# → text` lines; `normalize` applies to both sides. */
export function expectBlocksPrinted(blocks: readonly ReadmeBlock[], printed: readonly string[], normalize: (text: string) => string = (text) => text): void {
  expect(printed).toHaveLength(blocks.length);
  blocks.forEach((block, index) => {
    for (const expected of block.expected) expect(normalize(printed[index]!), `block ${index + 1} should print ${expected}`).toContain(normalize(expected));
  });
}

export interface WalkthroughGateway {
  gateway: StartedGateway;
  upstream: OpenAIFixture;
  admin: AdminCall;
  close(): Promise<void>;
}

/**
 * A started gateway as the walkthrough leaves it, for the sections that build on
 * it: the provider `local` with `plain-text` on the example upstream (a fixture),
 * `adminToken` as its admin token.
 */
export async function startWalkthroughGateway(adminToken: string): Promise<WalkthroughGateway> {
  const upstream = await startOpenAIFixture({ family: 'openai-compatible', apiKey: '', record: false });
  let gateway: StartedGateway | undefined;
  const close = async () => {
    await gateway?.close();
    await upstream.close();
  };
  try {
    gateway = await startGateway({ GATEWAY_ADMIN_TOKEN: adminToken });
    const admin = adminCaller(gateway.url, adminToken);
    await admin('ProvidersService/CreateProvider', {
      id: 'local',
      name: 'Local example',
      type: 'PROVIDER_TYPE_OPENAI_COMPATIBLE',
      baseUrl: upstream.baseUrl,
      models: [{ upstreamModel: 'plain-text' }],
    });
    return { gateway, upstream, admin, close };
  } catch (error) {
    await close();
    throw error;
  }
}
