// gateway.yaml → GatewayConfigFile: what the reader accepts (short enums,
// human durations, files relative to the file) and every problem it reports
// at once, each with its file:line:column and field path.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { durationMs } from '@bufbuild/protobuf/wkt';
import { afterAll, describe, expect, it } from 'vitest';
import { ProviderType } from '../../gen/llmgateway/v1/providers_service_pb.js';
import { AffinityScope, RouteStrategy } from '../../gen/llmgateway/v1/routes_service_pb.js';
import { ConfigFileError, formatProblem } from '../../src/declarative/config-file-error.js';
import { resolveProviderKeys } from '../../src/declarative/resolve-provider-keys.js';
import { parseConfigText, readConfigFile } from '../../src/declarative/read-config-file.js';

const folder = mkdtempSync(path.join(os.tmpdir(), 'gw-read-config-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function problemsOf(text: string): string[] {
  try {
    parseConfigText(text, 'g.yaml');
  } catch (error) {
    if (error instanceof ConfigFileError) return error.problems.map(formatProblem);
    throw error;
  }
  throw new Error('expected the file to be refused');
}

describe('reading gateway.yaml', () => {
  it('accepts short enum names, full proto names and human durations', () => {
    const { config } = parseConfigText(
      [
        'providers:',
        '  - { id: a, type: openai-compatible, base_url: "http://127.0.0.1:1/v1" }',
        '  - { id: b, type: PROVIDER_TYPE_ANTHROPIC }',
        'routes:',
        '  - name: r',
        '    strategy: least_latency',
        '    targets: [{ provider_id: a, upstream_model: m }]',
        '    settings: { backoff_base: 250ms, attempt_timeout: 1m30s, total_deadline: 2.5, affinity_scope: session, affinity_ttl: 1h }',
        'prune: true',
      ].join('\n'),
      'g.yaml',
    );
    expect(config.providers.map((provider) => provider.type)).toEqual([ProviderType.OPENAI_COMPATIBLE, ProviderType.ANTHROPIC]);
    const route = config.routes[0]!;
    expect(route.strategy).toBe(RouteStrategy.LEAST_LATENCY);
    expect(durationMs(route.settings!.backoffBase!)).toBe(250);
    expect(durationMs(route.settings!.attemptTimeout!)).toBe(90_000);
    expect(durationMs(route.settings!.totalDeadline!)).toBe(2_500); // a bare number is seconds
    expect(route.settings!.affinityScope).toBe(AffinityScope.SESSION);
    expect(durationMs(route.settings!.affinityTtl!)).toBe(3_600_000);
    expect(config.prune).toBe(true);
  });

  it('reports every problem at once with line, column and field path', () => {
    expect(
      problemsOf(
        [
          'providers:',
          '  - { id: a, type: openai }',
          '  - { id: a, type: gemini, api_key: "${A}", api_key_file: k }',
          'routes:',
          '  - { strategy: priority, settings: { attempt_timeout: soon } }',
          'keys:',
          '  - { name: k, budget: { amount: lots } }',
          'prompt_rules:',
          '  - { name: p, route: r, key: k, operation: shout }',
          'health_checks: { name: x }',
        ].join('\n'),
      ),
    ).toEqual([
      'g.yaml:5:56: routes[0].settings.attempt_timeout: expected a duration such as 250ms, 30s, 5m, 1h, 7d or 1h30m',
      'g.yaml:7:34: keys[0].budget.amount: expected a number',
      'g.yaml:9:45: prompt_rules[0].operation: expected one of: set_system, prepend_system, append_system, prepend_user, append_user, regex_replace',
      'g.yaml:10:16: health_checks: expected a list',
      'g.yaml:3:28: providers[1].api_key: set api_key or api_key_file, not both',
      'g.yaml:5:5: routes[0]: name is required',
      'g.yaml:9:5: prompt_rules[0]: set exactly one of route (a route name) and key (a key name)',
      'g.yaml:3:5: providers[1]: "a" is already declared at g.yaml:2:5',
    ]);
    expect(problemsOf('routes:\n  - name: a\n    name: b\n')[0]).toMatch(/^g\.yaml:3:5: Map keys must be unique/);
    expect(problemsOf('- just\n- a list\n')).toEqual(['g.yaml:1:1: expected a mapping of GatewayConfigFile fields']);
  });

  it('refuses a weight of 0 written in the file (it would be stored as 1, not drain the target); an absent weight is 1', () => {
    const route = (weights: string) =>
      ['routes:', '  - name: r', '    strategy: weighted', `    targets: [{ provider_id: a, upstream_model: m${weights} }, { provider_id: a, upstream_model: n }]`].join('\n');
    expect(problemsOf(route(', weight: 0'))).toEqual([
      'g.yaml:4:52: routes[0].targets[0].weight: must be at least 1 (a weight of 0 does not take a target out of rotation: set drained: true)',
    ]);
    const { config } = parseConfigText(route(', drained: true'), 'g.yaml');
    expect(config.routes[0]!.targets.map((target) => [target.weight, target.drained])).toEqual([[0, true], [0, false]]);
  });

  it('reads a provider key from the environment or from a file next to the configuration, never echoing it', () => {
    writeFileSync(path.join(folder, 'secret.key'), '  sk-from-a-file-0123456789\n');
    const file = path.join(folder, 'gateway.yaml');
    writeFileSync(
      file,
      [
        'providers:',
        '  - { id: from-env, type: openai, api_key: "${FROM_ENV_KEY}" }',
        '  - { id: from-file, type: openai, api_key_file: secret.key }',
        '  - { id: unset-new, type: openai, api_key: "${NOT_SET}" }',
        '  - { id: unset-existing, type: openai, api_key: "${NOT_SET}" }',
        '  - { id: missing-file, type: openai, api_key_file: nowhere.key }',
      ].join('\n'),
    );
    const resolved = { problems: [] as Array<{ source: string; path: string; message: string }>, warnings: [] as string[], keys: new Map<string, string>() };
    resolveProviderKeys(readConfigFile(file), new Set(['unset-existing']), { FROM_ENV_KEY: 'sk-from-env-0123456789' }, resolved);
    expect(Object.fromEntries(resolved.keys)).toEqual({ 'from-env': 'sk-from-env-0123456789', 'from-file': 'sk-from-a-file-0123456789' });
    expect(resolved.problems.map(formatProblem)).toEqual([
      `${file}:4:36: providers[2].api_key: \${NOT_SET} is not set, and the provider "unset-new" does not exist yet`,
      `${file}:6:39: providers[4].api_key_file: cannot read ${path.join(folder, 'nowhere.key')} (ENOENT)`,
    ]);
    expect(resolved.warnings).toEqual([`${file}:5:41: providers[3].api_key: \${NOT_SET} is not set here; the key the gateway holds for "unset-existing" is kept`]);
  });
});
