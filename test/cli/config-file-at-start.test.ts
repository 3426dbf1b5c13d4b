// GATEWAY_CONFIG_FILE on the built gateway process: applied before it listens,
// applied again on SIGHUP (also with --workers 2, by one worker), a bad file at
// start stops it (exit 2: the file, its references and variables included;
// exit 1: what the gateway refuses), a bad
// file on SIGHUP is logged and the running configuration stays; one the
// gateway refuses partway is logged as partly applied, saying how much.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAIFixture, type OpenAIFixture } from '../fixtures/openai-upstream.js';
import { adminCaller } from '../helpers/admin-call.js';
import { startGatewayForCli, type RunningGateway } from '../helpers/cli-process.js';
import { checkStartScript, startGatewayProcess, waitFor } from '../helpers/gateway-process.js';

let upstream: OpenAIFixture;
let folder: string;
const running: RunningGateway[] = [];

const config = (routes: string[]) => `
providers:
  - id: local
    type: openai_compatible
    base_url: ${upstream.baseUrl}
    api_key: \${LOCAL_API_KEY}
    models: [{ upstream_model: plain-text }]
routes:
${routes.map((name) => `  - name: ${name}\n    strategy: priority\n    targets: [{ provider_id: local, upstream_model: plain-text }]`).join('\n')}
keys:
  - name: ops
    rate_limits: { requests_per_minute: 10 }
`;

beforeAll(async () => {
  checkStartScript();
  folder = mkdtempSync(path.join(os.tmpdir(), 'gw-config-file-'));
  upstream = await startOpenAIFixture({ family: 'openai-compatible' });
});
afterAll(async () => {
  for (const gateway of running) await gateway.stop();
  await upstream?.close();
  rmSync(folder, { recursive: true, force: true });
});

async function routeNames(gateway: RunningGateway): Promise<string[]> {
  const answer = await adminCaller(gateway.url, gateway.adminToken)('RoutesService/ListRoutes', {});
  return ((answer.routes as Array<{ name: string }> | undefined) ?? []).map((route) => route.name).sort();
}

const appliedLines = (gateway: RunningGateway, reason: string) =>
  gateway.process.output().split('\n').filter((line) => line.includes('configuration file applied') && line.includes(`"reason":"${reason}"`)).length;

describe.each([
  ['one process', []],
  ['--workers 2', ['--workers', '2']],
])('GATEWAY_CONFIG_FILE (%s)', (_label, args) => {
  it('applies the file before listening and again on SIGHUP; a bad file on SIGHUP keeps the running configuration', async () => {
    const file = path.join(folder, `gateway-${args.length}.yaml`);
    writeFileSync(file, config(['fast']));
    const gateway = await startGatewayForCli({ GATEWAY_CONFIG_FILE: file, LOCAL_API_KEY: upstream.apiKey }, args);
    running.push(gateway);
    if (args.length > 0) await waitFor(() => gateway.process.output().includes('all workers listening'), 'every worker', 90_000);
    expect(await routeNames(gateway)).toEqual(['fast']);
    expect(appliedLines(gateway, 'start')).toBe(1); // one process applies it, also with --workers
    expect(gateway.process.output()).toContain('created a key; its secret is not shown');
    expect(gateway.process.output()).not.toContain(upstream.apiKey);

    writeFileSync(file, config(['fast', 'smart']));
    gateway.process.child.kill('SIGHUP');
    await waitFor(() => appliedLines(gateway, 'SIGHUP') === 1, 'the SIGHUP re-apply', 60_000);
    expect(await routeNames(gateway)).toEqual(['fast', 'smart']);

    writeFileSync(file, 'routes:\n  - name: broken\n    strategy: sideways\n');
    gateway.process.child.kill('SIGHUP');
    await waitFor(() => gateway.process.output().includes('configuration file not applied on SIGHUP'), 'the SIGHUP failure line', 60_000);
    expect(gateway.process.output()).toMatch(/routes\[0\]\.strategy: expected one of/);
    expect(gateway.process.child.exitCode).toBeNull();
    expect(await routeNames(gateway)).toEqual(['fast', 'smart']);

    // What happened is counted too (summed over the workers under --workers).
    const metrics = await (await fetch(`${gateway.url}/metrics`, { headers: { authorization: `Bearer ${gateway.adminToken}` } })).text();
    const applies = metrics.split('\n').filter((line) => line.startsWith('llm_gateway_config_file_applies_total{')).sort();
    expect(applies).toEqual([
      'llm_gateway_config_file_applies_total{reason="sighup",result="failed"} 1',
      'llm_gateway_config_file_applies_total{reason="sighup",result="ok"} 1',
      // Exported at 0 from the start (core/metrics/known-series.ts).
      'llm_gateway_config_file_applies_total{reason="start",result="failed"} 0',
      'llm_gateway_config_file_applies_total{reason="start",result="ok"} 1',
    ]);
  }, 120_000);
});

describe('GATEWAY_CONFIG_FILE at start', { timeout: 120_000 }, () => {
  it('stops the start with exit 2 and every problem when the file is invalid', async () => {
    const file = path.join(folder, 'invalid.yaml');
    writeFileSync(file, 'providers:\n  - type: openai\n    base_url: 12\nroutez: []\n');
    const started = startGatewayProcess({ GATEWAY_CONFIG_FILE: file, GATEWAY_DATA_DIR: path.join(folder, 'invalid-data'), GATEWAY_PORT: '0' });
    expect(await started.exited).toBe(2);
    expect(started.output()).toContain('GATEWAY_CONFIG_FILE is not valid');
    expect(started.output()).toContain(`${file}:4:1: routez: unknown field`);
    expect(started.output()).toContain(`${file}:2:5: providers[0]: id is required`);
  });

  it.each([
    ['one process', []],
    ['--workers 2', ['--workers', '2']],
  ])('stops the start with exit 2, as `apply` calls it not valid (exit 3), when a reference or a variable does not hold (%s)', async (label, args) => {
    const file = path.join(folder, `references-${args.length}.yaml`);
    // LOCAL_API_KEY unset, and a route whose target names a provider that does not exist.
    writeFileSync(file, config(['fast']).replace('targets: [{ provider_id: local', 'targets: [{ provider_id: nowhere'));
    const started = startGatewayProcess({ GATEWAY_CONFIG_FILE: file, GATEWAY_DATA_DIR: path.join(folder, `references-data-${args.length}`), GATEWAY_PORT: '0' }, { args });
    expect(await started.exited, label).toBe(2);
    expect(started.output()).toContain('GATEWAY_CONFIG_FILE is not valid');
    expect(started.output()).toContain('LOCAL_API_KEY');
    expect(started.output()).toContain('nowhere');
    expect(started.output()).not.toContain('gateway listening');
  });

  it('stops the start with exit 1 when the gateway refuses the file', async () => {
    const file = path.join(folder, 'refused.yaml');
    writeFileSync(file, 'keys:\n  - name: long-gone\n    expires_at: 2001-01-01T00:00:00Z\n');
    const started = startGatewayProcess({ GATEWAY_CONFIG_FILE: file, GATEWAY_DATA_DIR: path.join(folder, 'refused-data'), GATEWAY_PORT: '0' });
    expect(await started.exited).toBe(1);
    expect(started.output()).toContain(`gateway failed to start: ${file}:2: create key "long-gone" failed`);
    expect(started.output()).not.toContain('gateway listening');
  });
});

describe('GATEWAY_CONFIG_FILE on SIGHUP, refused by the gateway', { timeout: 120_000 }, () => {
  const refusable = (options: { providerName: string; ruleText: string; extra?: string }) => `
providers:
  - id: local
    name: ${options.providerName}
    type: openai_compatible
    base_url: ${upstream.baseUrl}
    api_key: \${LOCAL_API_KEY}
    models: [{ upstream_model: plain-text }]
routes:
  - name: chat
    strategy: priority
    targets: [{ provider_id: local, upstream_model: plain-text }]
${options.extra ?? ''}prompt_rules:
  - { name: style, route: chat, operation: prepend_system, text: "${options.ruleText}" }
`;
  const failureLines = (gateway: RunningGateway) => gateway.process.output().split('\n').filter((line) => line.includes('on SIGHUP'));

  it('checks references before the first write, and says so when a later refusal leaves earlier changes applied', async () => {
    const file = path.join(folder, 'refusable.yaml');
    writeFileSync(file, refusable({ providerName: 'Local', ruleText: 'Answer briefly.' }));
    const gateway = await startGatewayForCli({ GATEWAY_CONFIG_FILE: file, LOCAL_API_KEY: upstream.apiKey });
    running.push(gateway);
    const admin = adminCaller(gateway.url, gateway.adminToken);
    const providerName = async () => ((await admin('ProvidersService/GetProvider', { id: 'local' })).provider as { name: string }).name;
    const ruleTexts = async () => ((await admin('PromptRulesService/ListPromptRules', {})).rules as Array<{ text: string }>).map((rule) => rule.text);

    // A renamed provider and a route to a provider nobody declares: found by the plan, nothing written.
    const orphan = '  - name: orphan\n    strategy: priority\n    targets: [{ provider_id: nobody, upstream_model: x }]\n';
    writeFileSync(file, refusable({ providerName: 'Renamed', ruleText: 'Answer briefly.', extra: orphan }));
    gateway.process.child.kill('SIGHUP');
    await waitFor(() => failureLines(gateway).length === 1, 'the first SIGHUP failure', 60_000);
    expect(failureLines(gateway)[0]).toContain('configuration file not applied on SIGHUP; the running configuration stays');
    expect(failureLines(gateway)[0]).toContain('routes[1].targets[0]: no provider \\"nobody\\"');
    expect(await providerName()).toBe('Local');

    // A new text for the rule, then a pattern only the gateway judges: the first change is made, and the log says so.
    const broken = refusable({ providerName: 'Local', ruleText: 'Answer in French.' }) + '  - { name: bad, route: chat, operation: regex_replace, pattern: "(unclosed", replacement: x }\n';
    writeFileSync(file, broken);
    gateway.process.child.kill('SIGHUP');
    await waitFor(() => failureLines(gateway).length === 2, 'the second SIGHUP failure', 60_000);
    expect(failureLines(gateway)[1]).toContain('configuration file partly applied on SIGHUP: 1 of 2 changes were made before the gateway refused one; the rest were not');
    expect(failureLines(gateway)[1]).not.toContain('the running configuration stays');
    expect(await ruleTexts()).toEqual(['Answer in French.']);
  });
});
