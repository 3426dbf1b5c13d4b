// The built `llm-gateway` binary against a built gateway process: keys
// create / list / rotate / revoke, --json, --help and the exit codes.
// (Generous timeouts: each step spawns a process, and a loaded shared machine makes that slow.)
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAIFixture, type OpenAIFixture } from '../fixtures/openai-upstream.js';
import { adminCaller } from '../helpers/admin-call.js';
import { runCli, startGatewayForCli, type RunningGateway } from '../helpers/cli-process.js';

let gateway: RunningGateway;
let upstream: OpenAIFixture;

beforeAll(async () => {
  upstream = await startOpenAIFixture({ family: 'openai-compatible', apiKey: '' });
  gateway = await startGatewayForCli();
  const admin = adminCaller(gateway.url, gateway.adminToken);
  await admin('ProvidersService/CreateProvider', {
    id: 'local',
    name: 'Local',
    type: 'PROVIDER_TYPE_OPENAI_COMPATIBLE',
    baseUrl: upstream.baseUrl,
    models: [{ upstreamModel: 'plain-text' }],
  });
}, 60_000);
afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

const cli = (...args: string[]) => runCli(args, gateway.cliEnvironment);

async function chat(secret: string): Promise<string> {
  const client = new OpenAI({ apiKey: secret, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
  try {
    const answer = await client.chat.completions.create({ model: 'local/plain-text', messages: [{ role: 'user', content: 'hi' }] });
    return answer.choices[0]?.finish_reason ?? 'no choice';
  } catch (error) {
    return `refused ${(error as { status?: number }).status}`;
  }
}

describe('llm-gateway keys', { timeout: 120_000 }, () => {
  it('creates a key whose printed secret works, lists it, rotates it and revokes it', async () => {
    const created = await cli('keys', 'create', '--name', 'billing-app', '--allowed-model', 'local/*', '--rpm', '60', '--budget-usd', '25');
    expect(created.code).toBe(0);
    const secret = /secret \(shown once\): (\S+)/.exec(created.stdout)?.[1];
    expect(secret).toBeDefined();
    expect(await chat(secret!)).toBe('stop');

    const listed = await cli('keys', 'list');
    expect(listed.code).toBe(0);
    const header = listed.stdout.split('\n')[0]!;
    expect(header.split(/\s{2,}/)).toEqual(['ID', 'NAME', 'KEY', 'STATE', 'MODELS', 'RPM', 'BUDGET']);
    const row = listed.stdout.split('\n').find((line) => line.includes('billing-app'))!;
    expect(row.split(/\s{2,}/).slice(1)).toEqual(['billing-app', expect.stringMatching(/…/), 'enabled', 'local/*', '60', '25 usd/month']);
    expect(listed.stdout).not.toContain(secret);

    // Rotation by name: the new secret works, the old one stops at once (no grace).
    const rotated = await cli('keys', 'rotate', 'billing-app');
    expect(rotated.code).toBe(0);
    const newSecret = /secret \(shown once\): (\S+)/.exec(rotated.stdout)?.[1];
    expect(newSecret).toBeDefined();
    expect(newSecret).not.toBe(secret);
    expect(await chat(newSecret!)).toBe('stop');
    expect(await chat(secret!)).toBe('refused 401');

    const revoked = await cli('keys', 'revoke', 'billing-app');
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toMatch(/^revoked key_\w+ \(billing-app\)/);
    expect(await chat(newSecret!)).toBe('refused 403'); // revoked: known but refused
    // A revoked key leaves the default list, and stays visible on request.
    expect((await cli('keys', 'list')).stdout).not.toContain('billing-app');
    expect((await cli('keys', 'list', '--include-revoked')).stdout).toMatch(/billing-app.*revoked/);
  });

  it('prints JSON with --json', async () => {
    const created = await cli('--json', 'keys', 'create', '--name', 'json-app');
    expect(created.code).toBe(0);
    const parsed = JSON.parse(created.stdout) as { key: { id: string; name: string }; secret: string };
    expect(parsed.key.name).toBe('json-app');
    expect(parsed.secret.length).toBeGreaterThan(20);
    const listed = JSON.parse((await cli('keys', 'list', '--json')).stdout) as Array<{ id: string; name: string }>;
    expect(listed.map((key) => key.name)).toContain('json-app');
  });

  it('exits 2 on bad usage, 3 on a value the gateway rejects, 4 when unreachable or refused, 1 on an unknown key', async () => {
    expect((await cli('keys', 'create')).code).toBe(2); // --name missing
    expect((await cli('keys', 'frobnicate')).code).toBe(2);
    expect((await cli('keys', 'create', '--name', 'x', '--rpm', 'many')).code).toBe(2);
    const invalid = await cli('keys', 'create', '--name', 'x'.repeat(201));
    expect(invalid.code).toBe(3);
    expect(invalid.stderr).toContain('name');
    const refused = await runCli(['keys', 'list'], { GATEWAY_URL: gateway.url, GATEWAY_ADMIN_TOKEN: 'wrong-token-0123456789' });
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain('refused the admin token');
    expect(refused.stderr).not.toContain('wrong-token');
    const unreachable = await runCli(['keys', 'list'], { GATEWAY_URL: 'http://127.0.0.1:1', GATEWAY_ADMIN_TOKEN: 'x' });
    expect(unreachable.code).toBe(4);
    expect(unreachable.stderr).toContain('could not be reached');
    expect((await runCli(['keys', 'list'], { GATEWAY_URL: gateway.url })).code).toBe(2); // no admin token
    const notGateway = await runCli(['keys', 'list'], { GATEWAY_URL: `${gateway.url}/somewhere-else`, GATEWAY_ADMIN_TOKEN: gateway.adminToken });
    expect(notGateway.code).toBe(4);
    expect(notGateway.stderr).toContain("does not serve the gateway's admin API");
    const missing = await cli('keys', 'revoke', 'no-such-key');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no key with the id or name "no-such-key"');
  });

  it('has --help on every level', async () => {
    for (const args of [['--help'], ['keys', '--help'], ['keys', 'create', '--help'], ['keys', 'rotate', '--help'], ['usage', '--help'], ['providers', 'test', '--help']]) {
      const help = await cli(...args);
      expect(help.code, args.join(' ')).toBe(0);
      expect(help.stdout, args.join(' ')).toMatch(/^Usage: llm-gateway/);
    }
  });
});
