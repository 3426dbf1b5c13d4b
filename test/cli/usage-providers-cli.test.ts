// `llm-gateway providers test` and `llm-gateway usage` (the built binary)
// against a built gateway process and a fixture upstream: a provider whose key
// the upstream refuses fails the test (exit 1); the spend of a key's requests
// shows in the usage table by key (with its name) and by model.
import OpenAI from 'openai';
import { money } from '../../src/cli/commands/usage.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAIFixture, type OpenAIFixture } from '../fixtures/openai-upstream.js';
import { adminCaller } from '../helpers/admin-call.js';
import { runCli, startGatewayForCli, type RunningGateway } from '../helpers/cli-process.js';

let gateway: RunningGateway;
let upstream: OpenAIFixture;
const cli = (...args: string[]) => runCli(args, gateway.cliEnvironment);

beforeAll(async () => {
  upstream = await startOpenAIFixture({ family: 'openai-compatible' });
  gateway = await startGatewayForCli();
  const admin = adminCaller(gateway.url, gateway.adminToken);
  for (const [id, apiKey] of [['good', upstream.apiKey], ['wrong-key', 'sk-not-the-fixture-key-0000']] as const) {
    await admin('ProvidersService/CreateProvider', {
      id,
      name: id,
      type: 'PROVIDER_TYPE_OPENAI_COMPATIBLE',
      baseUrl: upstream.baseUrl,
      apiKey,
      models: [{ upstreamModel: 'plain-text', prices: { inputPerMillion: 1000, outputPerMillion: 2000 } }],
    });
  }
}, 60_000);
afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

const columns = (line: string | undefined) => (line ?? '').trim().split(/\s{2,}/);

describe('llm-gateway providers test', { timeout: 120_000 }, () => {
  it('reports each provider, and exits 1 when one fails', async () => {
    const result = await cli('providers', 'test');
    expect(result.code).toBe(1);
    const lines = result.stdout.trimEnd().split('\n');
    expect(columns(lines[0])).toEqual(['PROVIDER', 'MODEL', 'RESULT', 'LATENCY', 'ERROR']);
    expect(columns(lines.find((line) => line.startsWith('good')))).toEqual(['good', 'plain-text', 'ok', expect.stringMatching(/^\d+ ms$/)]);
    const failed = columns(lines.find((line) => line.startsWith('wrong-key')));
    expect(failed.slice(0, 3)).toEqual(['wrong-key', 'plain-text', 'FAILED']);
    expect(failed[4]).toMatch(/^failed_precondition \(401\): /);
    expect(result.stderr).toContain('1 of 2 providers failed the test');
    expect(result.stdout + result.stderr).not.toContain('sk-not-the-fixture-key-0000');

    const one = await cli('--json', 'providers', 'test', 'good');
    expect(one.code).toBe(0);
    expect(JSON.parse(one.stdout)).toEqual([expect.objectContaining({ provider: 'good', ok: true, upstreamModel: 'plain-text' })]);
  });
});

describe('llm-gateway usage', { timeout: 120_000 }, () => {
  it('shows the spend of a key by key (with its name) and by model', async () => {
    const created = JSON.parse((await cli('--json', 'keys', 'create', '--name', 'usage-app')).stdout) as { key: { id: string }; secret: string };
    const client = new OpenAI({ apiKey: created.secret, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    for (let index = 0; index < 2; index += 1) {
      await client.chat.completions.create({ model: 'good/plain-text', messages: [{ role: 'user', content: 'hi' }] });
    }
    // The request log is written behind the requests: wait for both rows (sequencing, not timing).
    let report: { rows: Array<{ group: string; name?: string; requests: number; costUsd: number }> } = { rows: [] };
    const read = async () => {
      report = JSON.parse((await cli('--json', 'usage', '--by', 'key', '--since', '1h')).stdout) as typeof report;
      return report.rows.find((row) => row.group === created.key.id)?.requests === 2;
    };
    for (let attempt = 0; !(await read()); attempt += 1) {
      if (attempt > 100) throw new Error(`the usage report never showed both requests: ${JSON.stringify(report)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const row = report.rows.find((candidate) => candidate.group === created.key.id)!;
    expect(row).toMatchObject({ name: 'usage-app', requests: 2 });
    expect(row.costUsd).toBeGreaterThan(0);

    const table = await cli('usage', '--by', 'key', '--since', '1h');
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(columns(lines[0])).toEqual(['KEY', 'NAME', 'REQUESTS', 'ERRORS', 'CACHE HITS', 'INPUT TOKENS', 'OUTPUT TOKENS', 'COST']);
    expect(columns(lines.find((line) => line.startsWith(created.key.id))).slice(0, 4)).toEqual([created.key.id, 'usage-app', '2', '0']);
    expect(lines.at(-1)).toMatch(/: 2 requests, \$\d+\.\d+$/);

    const byModel = await cli('usage', '--by', 'model', '--since', '2026-01-01');
    expect(byModel.stdout.split('\n').some((line) => columns(line)[0] === 'plain-text' && columns(line)[1] === '2')).toBe(true);
  });

  it('refuses a period it cannot read (exit 2)', async () => {
    const result = await cli('usage', '--since', 'last tuesday');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--since: expected an ISO date');
    expect((await cli('usage', '--by', 'colour')).code).toBe(2);
    // A start after now, with no --until: said as it is, not as an --until the user never gave.
    const future = await cli('usage', '--since', '2999-01-01');
    expect(future.code).toBe(2);
    expect(future.stderr).toContain('--since 2999-01-01 is in the future');
  });
});

describe('usage costs below a cent', () => {
  it('keep three significant digits (never $0.000000 for a cost that is not 0)', () => {
    expect([0, 3.2e-7, 0.00123456, 0.0099999, 0.5, 12.345].map(money)).toEqual(['$0.00', '$0.000000320', '$0.00123', '$0.01', '$0.50', '$12.35']);
  });
});
