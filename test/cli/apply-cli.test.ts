// `llm-gateway apply` / `export` (the built binary) against a built gateway
// process and a fixture upstream: a file applied makes objects that serve
// requests with the referenced credentials; --dry-run changes nothing; an
// export applied again changes nothing; prune deletes only with prune and only
// in the sections the file has; bad files name line and field path.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAIFixture, type OpenAIFixture } from '../fixtures/openai-upstream.js';
import { adminCaller, type AdminCall } from '../helpers/admin-call.js';
import { runCli, startGatewayForCli, type RunningGateway } from '../helpers/cli-process.js';

let gateway: RunningGateway;
let upstream: OpenAIFixture;
let admin: AdminCall;
let folder: string;

const fileText = (upstreamUrl: string, options: { rpm?: number; prune?: boolean; withCheck?: boolean } = {}) => `
providers:
  - id: local
    type: openai_compatible
    base_url: ${upstreamUrl}
    api_key: \${LOCAL_API_KEY}
    extra_headers: { x-auth-token: "\${LOCAL_AUTH_TOKEN}", x-team: billing }
    models:
      - upstream_model: plain-text
        prices: { input_per_million: 1.5, output_per_million: 2 }
routes:
  - name: smart
    strategy: weighted
    targets:
      - { route: fast, weight: 3 }
      - { provider_id: local, upstream_model: plain-text }
    settings:
      max_retries: 2
      attempt_timeout: 20s
  - name: fast
    strategy: priority
    targets:
      - { provider_id: local, upstream_model: plain-text }
keys:
  - name: billing-app
    allowed_models: [smart, fast]
    rate_limits: { requests_per_minute: ${options.rpm ?? 60} }
    budget: { amount: 50, unit: usd, period: month }
    metadata: { team: billing }
prompt_rules:
  - name: no-emails
    key: billing-app
    operation: regex_replace
    pattern: "[\\\\w.]+@[\\\\w.]+"
    flags: g
    replacement: "[email]"
  - name: house-style
    route: fast
    operation: prepend_system
    text: Answer briefly.
${options.withCheck === false ? '' : `health_checks:
  - name: fast-check
    route: fast
    interval: 5m
`}${options.prune ? 'prune: true\n' : ''}`;

function writeConfig(name: string, text: string): string {
  const file = path.join(folder, name);
  writeFileSync(file, text);
  return file;
}

const AUTH_TOKEN = 'proxy-auth-token-0123456789';
const environment = () => ({ ...gateway.cliEnvironment, LOCAL_API_KEY: upstream.apiKey, LOCAL_AUTH_TOKEN: AUTH_TOKEN });
const cli = (...args: string[]) => runCli(args, environment());

async function names(method: string, field: string, key: string): Promise<string[]> {
  const answer = await admin(method, { pageSize: 500 });
  return ((answer[field] as Array<Record<string, string>> | undefined) ?? []).map((item) => item[key]!).sort();
}

beforeAll(async () => {
  folder = mkdtempSync(path.join(os.tmpdir(), 'gw-apply-'));
  upstream = await startOpenAIFixture({ family: 'openai-compatible' });
  gateway = await startGatewayForCli();
  admin = adminCaller(gateway.url, gateway.adminToken);
}, 60_000);
afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('llm-gateway apply and export', { timeout: 120_000 }, () => {
  let secret: string;

  it('prints the plan with --dry-run and changes nothing', async () => {
    const file = writeConfig('gateway.yaml', fileText(upstream.baseUrl));
    const planned = await cli('apply', '-f', file, '--dry-run');
    expect(planned.stderr).toBe('');
    expect(planned.code).toBe(0);
    expect(planned.stdout.trimEnd().split('\n')).toEqual([
      '+ provider local',
      '+ route fast',
      '+ route smart',
      '+ key billing-app',
      '+ prompt_rule key:billing-app/no-emails',
      '+ prompt_rule route:fast/house-style',
      '+ health_check fast-check',
      'Plan: 7 to create, 0 to update, 0 to delete, 0 unchanged.',
      'Dry run: nothing was changed.',
    ].map((line) => (line.startsWith('+') ? `  ${line}` : line)));
    expect(await names('ProvidersService/ListProviders', 'providers', 'id')).toEqual([]);
    expect(await names('RoutesService/ListRoutes', 'routes', 'name')).toEqual([]);
    expect(await names('KeysService/ListKeys', 'keys', 'name')).toEqual([]);

    const json = await cli('--json', 'apply', '-f', file, '--dry-run');
    const parsed = JSON.parse(json.stdout) as { changes: Array<{ kind: string; action: string; source: string }>; dryRun: boolean; applied: number };
    expect(parsed.dryRun).toBe(true);
    expect(parsed.applied).toBe(0);
    expect(parsed.changes[0]).toEqual({ kind: 'provider', name: 'local', action: 'CONFIG_CHANGE_ACTION_CREATE', source: `${file}:3` });
  });

  it('applies the file: the objects exist and serve requests with the referenced credentials', async () => {
    const file = path.join(folder, 'gateway.yaml');
    const applied = await cli('apply', '-f', file);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('Applied 7 changes.');
    secret = /key billing-app \(key_\w+\) secret \(shown once\): (\S+)/.exec(applied.stdout)![1]!;
    // The provider key never appears in what the CLI prints.
    expect(applied.stdout + applied.stderr).not.toContain(upstream.apiKey);

    expect(await names('RoutesService/ListRoutes', 'routes', 'name')).toEqual(['fast', 'smart']);
    const key = ((await admin('KeysService/ListKeys', {})).keys as Array<Record<string, unknown>>)[0]!;
    expect(key).toMatchObject({ name: 'billing-app', allowedModels: ['smart', 'fast'], rateLimits: { requestsPerMinute: 60 }, metadata: { team: 'billing' } });
    const rules = (await admin('PromptRulesService/ListPromptRules', {})).rules as Array<Record<string, unknown>>;
    expect(rules.find((rule) => rule.name === 'no-emails')).toMatchObject({ scope: 'PROMPT_RULE_SCOPE_KEY', scopeId: key.id });

    const client = new OpenAI({ apiKey: secret, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    const answer = await client.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'write to a@b.example' }] });
    expect(answer.choices[0]?.finish_reason).toBe('stop');
    // (The scheduled health check calls the same upstream: find this request.)
    const received = upstream.received.find((request) => JSON.stringify(request.body).includes('write to'))!;
    expect(received.headers.authorization).toBe(`Bearer ${upstream.apiKey}`);
    expect(received.headers['x-auth-token']).toBe(AUTH_TOKEN);
    // Both rules ran: the route's system prompt, and the key's rewrite of the address.
    expect(JSON.stringify(received.body)).toContain('Answer briefly.');
    expect(JSON.stringify(received.body)).toContain('[email]');
  });

  it('applies the same file again as no change', async () => {
    const again = await cli('apply', '-f', path.join(folder, 'gateway.yaml'));
    expect(again.code).toBe(0);
    expect(again.stdout.trim()).toBe('No changes: the gateway matches the file (7 objects unchanged).');
  });

  it('exports the running configuration (references, never the key) and an export applied again changes nothing', async () => {
    const exported = await runCli(['export'], gateway.cliEnvironment);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain('api_key: ${LOCAL_API_KEY}');
    expect(exported.stdout).not.toContain(upstream.apiKey);
    // A credential-like extra header: a reference too, never its value (nor its marker).
    expect(exported.stdout).toContain('x-auth-token: ${LOCAL_X_AUTH_TOKEN}');
    expect(exported.stdout).not.toContain(AUTH_TOKEN);
    expect(exported.stdout).not.toContain('redacted');
    const file = writeConfig('exported.yaml', exported.stdout);
    // Without the variable set, the gateway's key is kept (and said so); with it, the key matches.
    const without = await runCli(['apply', '-f', file, '--dry-run'], gateway.cliEnvironment);
    expect(without.code).toBe(0);
    expect(without.stdout).toContain('No changes: the gateway matches the file (7 objects unchanged).');
    expect(without.stderr).toMatch(/exported\.yaml:\d+:\d+: providers\[0\]\.api_key: \$\{LOCAL_API_KEY\} is not set here; the key the gateway holds for "local" is kept/);
    expect(without.stderr).toMatch(/providers\[0\]\.extra_headers\.x-auth-token: \$\{LOCAL_X_AUTH_TOKEN\} is not set here; the value the gateway holds/);
    const withKey = await cli('apply', '-f', file);
    expect(withKey.stdout.trim()).toBe('No changes: the gateway matches the file (7 objects unchanged).');

    // --json: the same document as JSON, which apply reads too (JSON is YAML).
    const asJson = await runCli(['export', '--json'], gateway.cliEnvironment);
    const document = JSON.parse(asJson.stdout) as { providers: Array<{ id: string; api_key: string }> };
    expect(document.providers).toEqual([expect.objectContaining({ id: 'local', api_key: '${LOCAL_API_KEY}' })]);
    const jsonFile = writeConfig('exported.json', asJson.stdout);
    expect((await cli('apply', '-f', jsonFile)).stdout.trim()).toBe('No changes: the gateway matches the file (7 objects unchanged).');
  });

  it('updates what changed, deletes nothing without prune, and prunes only the sections the file has', async () => {
    await admin('RoutesService/CreateRoute', { name: 'manual', strategy: 'ROUTE_STRATEGY_PRIORITY', targets: [{ providerId: 'local', upstreamModel: 'plain-text' }] });
    const other = await cli('keys', 'create', '--name', 'made-by-hand');
    expect(other.code).toBe(0);

    const changed = writeConfig('changed.yaml', fileText(upstream.baseUrl, { rpm: 120, withCheck: false }));
    const update = await cli('apply', '-f', changed);
    expect(update.code).toBe(0);
    expect(update.stdout.trimEnd().split('\n')).toEqual(['  ~ key billing-app (rate_limits)', 'Plan: 0 to create, 1 to update, 0 to delete, 5 unchanged.', 'Applied 1 changes.']);
    expect(((await admin('KeysService/ListKeys', { nameContains: 'billing' })).keys as Array<{ rateLimits: unknown }>)[0]!.rateLimits).toEqual({ requestsPerMinute: 120 });
    expect(await names('RoutesService/ListRoutes', 'routes', 'name')).toEqual(['fast', 'manual', 'smart']);
    expect(await names('HealthChecksService/ListHealthChecks', 'checks', 'name')).toEqual(['fast-check']);

    // prune: the file's sections are providers, routes, keys and prompt rules — not health checks.
    const pruned = writeConfig('pruned.yaml', fileText(upstream.baseUrl, { rpm: 120, withCheck: false, prune: true }));
    const plan = await cli('apply', '-f', pruned);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout.trimEnd().split('\n')).toEqual([
      '  - key made-by-hand',
      '  - route manual',
      'Plan: 0 to create, 0 to update, 2 to delete, 6 unchanged.',
      'Applied 2 changes.',
    ]);
    expect(await names('RoutesService/ListRoutes', 'routes', 'name')).toEqual(['fast', 'smart']);
    expect(await names('KeysService/ListKeys', 'keys', 'name')).toEqual(['billing-app']);
    expect(await names('HealthChecksService/ListHealthChecks', 'checks', 'name')).toEqual(['fast-check']);
  });

  it('reports every problem of a bad file with its line and field path, exit 3, and changes nothing', async () => {
    const file = writeConfig('bad.yaml', [
      'providers:',
      '  - id: broken',
      '    type: openai',
      '    api_key: sk-live-0123456789abcdefghij',
      '    extra_headers: { helicone-auth: Bearer sk-helicone-literal-0123456789 }',
      'routes:',
      '  - name: r',
      '    strategy: sideways',
      '    targets:',
      '      - { provider_id: local, upstream_model: plain-text, weight: heavy }',
      '    retries: 3',
      '',
    ].join('\n'));
    const result = await cli('apply', '-f', file, '--dry-run');
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`${file}:4:5: providers[0].api_key: must be an environment variable reference such as \${OPENAI_API_KEY}`);
    expect(result.stderr).toContain('providers[0].extra_headers.helicone-auth: is a credential: it must be an environment variable reference');
    expect(result.stderr).toContain(`${file}:8:15: routes[0].strategy: expected one of: priority, weighted, round_robin, least_latency, affinity, expert`);
    expect(result.stderr).toContain(`${file}:10:67: routes[0].targets[0].weight: expected a whole number from 0 to 4294967295`);
    expect(result.stderr).toContain(`${file}:11:5: routes[0].retries: unknown field`);
    // A literal key or credential header is refused without being repeated.
    expect(result.stderr).not.toContain('sk-live-0123456789abcdefghij');
    expect(result.stderr).not.toContain('sk-helicone-literal-0123456789');

    const yamlError = await cli('apply', '-f', writeConfig('syntax.yaml', 'routes:\n  - name: a\n   strategy: x\n'));
    expect(yamlError.code).toBe(3);
    expect(yamlError.stderr).toMatch(/syntax\.yaml:3:\d+: /);
    const missing = await cli('apply', '-f', path.join(folder, 'nowhere.yaml'));
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('cannot read the file (ENOENT)');
  });

  it('names the object and its line when the gateway refuses a change (exit 3)', async () => {
    const file = writeConfig('refused.yaml', 'keys:\n  - name: long-gone\n    expires_at: 2001-01-01T00:00:00Z\n');
    const result = await cli('apply', '-f', file);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`${file}:2: create key "long-gone" failed: expires_at: must be in the future`);
    expect(result.stderr).toContain('(0 of 1 changes were applied before it)');
    expect(await names('KeysService/ListKeys', 'keys', 'name')).toEqual(['billing-app']);
  });

  it('refuses a route the admin API refuses: a failover status that never fails over, a name under a provider’s id', async () => {
    const route = (name: string, settings: string) => `routes:\n  - name: ${name}\n    strategy: priority\n    targets:\n      - { provider_id: local, upstream_model: plain-text }\n${settings}`;
    const statuses = writeConfig('statuses.yaml', route('strict', '    settings: { failover_statuses: [503, 400] }\n'));
    const refusedStatus = await cli('apply', '-f', statuses);
    expect(refusedStatus.code).toBe(3);
    expect(refusedStatus.stderr).toContain("settings.failover_statuses[1]: 400 never fails over: an upstream's 400 is the client's own error (invalid_argument)");
    const shadow = writeConfig('shadow.yaml', route('local/plain-text', ''));
    const refusedName = await cli('apply', '-f', shadow);
    expect(refusedName.code).toBe(3);
    expect(refusedName.stderr).toContain('name: "local/plain-text" is an address of provider "local"');
    expect(await names('RoutesService/ListRoutes', 'routes', 'name')).toEqual(['fast', 'smart']);
  });
});
