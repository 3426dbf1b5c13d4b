// A second `llm-gateway import portkey|litellm` of another config (the built
// CLI against a built gateway) never changes a provider an earlier import made
// for another upstream: an id the gateway already holds for another address
// (or the same address under another API key) is passed over for a new one,
// while the same upstream keeps its id and gains the models the new config
// adds, keeping the ones the earlier import's routes use.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { adminCaller, type AdminCall } from '../helpers/admin-call.js';
import { runCli, startGatewayForCli, type RunningGateway } from '../helpers/cli-process.js';
import { startOpenAIFixture, type OpenAIFixture } from '../fixtures/openai-upstream.js';

const EAST_KEY = 'sk-FAKE-import-ids-east-0001';
const WEST_KEY = 'sk-FAKE-import-ids-west-0002';
const OTHER_EAST_KEY = 'sk-FAKE-import-ids-east-0003';

let gateway: RunningGateway;
let east: OpenAIFixture;
let west: OpenAIFixture;
let admin: AdminCall;
let directory: string;
let client: OpenAI;

beforeAll(async () => {
  east = await startOpenAIFixture({ family: 'openai-compatible', apiKey: EAST_KEY });
  west = await startOpenAIFixture({ family: 'openai-compatible', apiKey: WEST_KEY });
  gateway = await startGatewayForCli();
  admin = adminCaller(gateway.url, gateway.adminToken);
  directory = mkdtempSync(path.join(os.tmpdir(), 'import-ids-'));
  const { secret } = (await admin('KeysService/CreateKey', { name: 'import ids' })) as { secret: string };
  client = new OpenAI({ apiKey: secret, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
}, 120_000);
afterAll(async () => {
  await gateway?.stop();
  await east?.close();
  await west?.close();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

function file(name: string, text: string): string {
  const target = path.join(directory, name);
  writeFileSync(target, text);
  return target;
}

const portkey = (host: string, key: string, model = 'plain-text') =>
  JSON.stringify({ strategy: { mode: 'single' }, targets: [{ provider: 'openai', custom_host: host, api_key: key, override_params: { model } }] });

const importPortkey = (config: string, route: string, ...extra: string[]) =>
  runCli(['import', 'portkey', file(`${route}.json`, config), '--route', route, ...extra], gateway.cliEnvironment);

const provider = async (id: string) =>
  ((await admin('ProvidersService/GetProvider', { id })) as { provider: { baseUrl: string; apiKeyLast4: string; models: Array<{ upstreamModel: string }> } }).provider;

const servedBy = async (model: string) => {
  const [eastBefore, westBefore] = [east.received.length, west.received.length];
  const answer = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });
  expect(answer.choices[0]?.message.content).toBe('Hello, world!');
  return east.received.length > eastBefore ? 'east' : west.received.length > westBefore ? 'west' : 'neither';
};

describe('import portkey of a second config', () => {
  it('makes a provider of its own for another host, leaving the first import’s as it was', async () => {
    const first = await importPortkey(portkey(east.baseUrl, EAST_KEY), 'first');
    expect(first.stdout).toContain('+ create provider portkey-openai\n');

    const planned = await importPortkey(portkey(west.baseUrl, WEST_KEY), 'second', '--dry-run');
    expect(planned.code).toBe(0);
    expect(planned.stdout).toContain('+ create provider portkey-openai-2\n');
    expect(planned.stdout).not.toContain('update provider portkey-openai');

    const applied = await importPortkey(portkey(west.baseUrl, WEST_KEY), 'second');
    expect(applied.stdout).toMatch(/Applied: (\d+) of \1 calls succeeded\./);
    expect((await provider('portkey-openai')).baseUrl).toBe(east.baseUrl);
    expect((await provider('portkey-openai-2')).baseUrl).toBe(west.baseUrl);
    expect(await servedBy('first')).toBe('east');
    expect(await servedBy('second')).toBe('west');

    // Each re-run finds its own provider again.
    for (const [config, route] of [[portkey(east.baseUrl, EAST_KEY), 'first'], [portkey(west.baseUrl, WEST_KEY), 'second']] as const) {
      expect((await importPortkey(config, route)).stdout).toContain('Plan: 0 to create, 0 to update, 2 unchanged.');
    }
  });

  it('does not put another API key on an existing provider of the same host, and says why it made a new one', async () => {
    const planned = await importPortkey(portkey(east.baseUrl, OTHER_EAST_KEY), 'third', '--dry-run');
    expect(planned.stdout).toContain('+ create provider portkey-openai-3\n');
    expect(planned.stdout).not.toContain('update provider portkey-openai');
    expect(planned.stdout).toContain('! provider portkey-openai-3: portkey-openai has the same address with another API key');
    expect(planned.stdout + planned.stderr).not.toContain(OTHER_EAST_KEY);
  });

  it('adds a model to the same upstream’s provider without dropping the ones other routes use', async () => {
    const planned = await importPortkey(portkey(east.baseUrl, EAST_KEY, 'other-model'), 'fourth');
    expect(planned.stdout).toContain('~ update provider portkey-openai (models)\n');
    expect(planned.stdout).toMatch(/Applied: (\d+) of \1 calls succeeded\./);
    expect((await provider('portkey-openai')).models.map((model) => model.upstreamModel)).toEqual(['plain-text', 'other-model']);
    expect(await servedBy('first')).toBe('east');
  });
});

describe('import litellm of a second config', () => {
  const litellm = (name: string, host: string) =>
    `model_list:\n  - model_name: ${name}\n    litellm_params:\n      model: openai/plain-text\n      api_base: ${host}\n      api_key: os.environ/UPSTREAM_KEY\n`;
  const importLitellm = (config: string, name: string, key: string, ...extra: string[]) =>
    runCli(['import', 'litellm', file(`${name}.yaml`, config), ...extra], { ...gateway.cliEnvironment, UPSTREAM_KEY: key });

  it('makes a provider of its own for another api_base, leaving the first import’s as it was', async () => {
    expect((await importLitellm(litellm('team-east', east.baseUrl), 'team-east', EAST_KEY)).stdout).toContain('+ create provider litellm-openai\n');
    const applied = await importLitellm(litellm('team-west', west.baseUrl), 'team-west', WEST_KEY);
    expect(applied.stdout).toContain('+ create provider litellm-openai-2\n');
    expect(applied.stdout).not.toContain('update provider litellm-openai');
    expect((await provider('litellm-openai')).baseUrl).toBe(east.baseUrl);
    expect(await servedBy('team-east')).toBe('east');
    expect(await servedBy('team-west')).toBe('west');
    expect((await importLitellm(litellm('team-west', west.baseUrl), 'team-west', WEST_KEY)).stdout).toContain('Plan: 0 to create, 0 to update, 2 unchanged.');
  });
});
