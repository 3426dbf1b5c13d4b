// Every construct of gateway.yaml through a real gateway's admin API: applied
// once, then the same file and the gateway's own export both plan as no change
// (the gateway's defaults and normalisations do not read as differences).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminClients } from '../../src/declarative/admin-clients.js';
import { applyPlan } from '../../src/declarative/apply-plan.js';
import { exportConfig } from '../../src/declarative/export-config.js';
import { formatPlan } from '../../src/declarative/format-plan.js';
import { planConfig } from '../../src/declarative/plan.js';
import { parseConfigText } from '../../src/declarative/read-config-file.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';
import { connectAdminClients } from '../helpers/admin-clients.js';

const FILE = `
providers:
  - id: openai-main
    name: OpenAI
    type: openai
    api_key: \${OPENAI_MAIN_API_KEY}
    extra_headers: { OpenAI-Organization: org-example }
    models:
      - { upstream_model: gpt-4o, alias: gpt4, prices: { input_per_million: 2.5, output_per_million: 10, cached_input_per_million: 1.25 } }
      - { upstream_model: text-embedding-3-small }
      - { upstream_model: gpt-4o-mini, enabled: false }
  - id: azure-east
    type: azure_openai
    base_url: https://east.example.com
    api_key: \${AZURE_EAST_API_KEY}
    azure: { api_version: "2024-10-21" }
    models: [{ upstream_model: gpt-4o, deployment: gpt4o-prod }]
  - id: claude
    type: anthropic
    api_key: \${CLAUDE_API_KEY}
    quota: { requests_per_minute: 500, max_concurrent: 20 }
    queue: { max_length: 50, max_wait: 10s }
    models: [{ upstream_model: claude-sonnet-4-5, quota: { tokens_per_minute: 400000 } }]
  - id: gemini
    type: gemini
    enabled: false
    api_key: \${GEMINI_API_KEY}
    models: [{ upstream_model: gemini-2.5-flash }]
routes:
  - name: primary
    description: strict failover
    strategy: priority
    targets:
      - { provider_id: openai-main, upstream_model: gpt-4o }
      - { provider_id: azure-east, upstream_model: gpt-4o }
    settings: { max_retries: 0, failover_statuses: [429, 503], total_deadline: 90s }
  - name: spread
    strategy: weighted
    targets:
      - { route: primary, weight: 3 }
      - { provider_id: claude, upstream_model: claude-sonnet-4-5, weight: 1 }
  - name: turns
    strategy: round_robin
    targets: [{ provider_id: openai-main, upstream_model: gpt-4o }, { provider_id: claude, upstream_model: claude-sonnet-4-5 }]
  - name: quick
    strategy: least_latency
    targets: [{ provider_id: openai-main, upstream_model: gpt-4o }, { provider_id: azure-east, upstream_model: gpt-4o }]
  - name: sticky
    strategy: affinity
    enabled: false
    targets: [{ provider_id: openai-main, upstream_model: gpt-4o }, { provider_id: claude, upstream_model: claude-sonnet-4-5 }]
    settings: { affinity_scope: user, affinity_ttl: 30m }
  - name: experts
    strategy: expert
    expert:
      fallback_expert: general
      classifier: { type: llm, judge_model: quick, timeout: 3s }
      preprocessing: { keep_last_turns: 2, strip_code_blocks_over_lines: 40, strip_system_prompt: true }
      decision_cache_ttl: 1m
      experts:
        - { name: code, description: programming questions, route: primary, system_prompt: You write code. }
        - { name: general, description: everything else, provider_id: claude, upstream_model: claude-sonnet-4-5 }
  - name: triage
    strategy: expert
    expert:
      fallback_expert: other
      classifier:
        type: rules
        rules:
          - { pattern: "invoice|refund", expert: billing }
          - { keywords: [password, login], expert: other }
      experts:
        - { name: billing, route: primary }
        - { name: other, route: spread }
keys:
  - name: billing-app
    allowed_models: [primary, "openai-main/*"]
    rate_limits: { requests_per_minute: 60, tokens_per_minute: 100000, concurrent_requests: 4 }
    budget: { amount: 50, unit: usd, period: month }
    cache_enabled: true
    log_request_bodies: true
    metadata: { team: billing, tier: gold }
  - name: batch
    enabled: false
    expires_at: 2031-01-01T00:00:00Z
    budget: { amount: 1000000, unit: tokens, period: total }
prompt_rules:
  - { name: house-style, route: primary, operation: set_system, text: "You are concise. Today is {{date}}." }
  - { name: prefix, route: primary, order: 2, operation: prepend_system, text: "Team {{metadata.team}}." }
  - { name: suffix, key: billing-app, operation: append_system, text: Answer in English. }
  - { name: hello, key: billing-app, operation: prepend_user, text: "Context: billing.", first_user_turn_only: true }
  - { name: bye, key: batch, operation: append_user, text: Thanks., enabled: false }
  - { name: mask, key: billing-app, operation: regex_replace, pattern: "\\\\d{16}", flags: g, replacement: "[card]" }
  - { name: mask-assistant, route: spread, operation: regex_replace, pattern: secret, flags: gi, replacement: "***", roles: [assistant] }
health_checks:
  - { name: openai-4o, provider_id: openai-main, upstream_model: gpt-4o, interval: 2m, timeout: 20s, prompt: Say OK., max_output_tokens: 8 }
  - { name: primary-route, route: primary }
  - { name: paused, route: spread, enabled: false }
`;

const ENVIRONMENT = {
  OPENAI_MAIN_API_KEY: 'sk-round-trip-openai-000000000000',
  AZURE_EAST_API_KEY: 'azure-round-trip-key-0000',
  CLAUDE_API_KEY: 'sk-ant-round-trip-0000000000',
  GEMINI_API_KEY: 'gemini-round-trip-key-000000',
};

let gateway: StartedGateway;
let clients: AdminClients;

beforeAll(async () => {
  gateway = await startGateway({ GATEWAY_ADMIN_TOKEN: 'gw-admin-round-trip-0123456789abcdef' });
  clients = connectAdminClients(gateway.url, gateway.adminToken);
});
afterAll(async () => {
  await gateway?.close();
});

const plan = (text: string, file: string, environment: NodeJS.ProcessEnv = ENVIRONMENT) =>
  planConfig(parseConfigText(text, file), clients, { environment });

describe('gateway.yaml round trip', () => {
  it('applies every construct, then plans the same file and its export as no change', async () => {
    const first = await plan(FILE, 'gateway.yaml');
    expect(first.steps).toHaveLength(4 + 7 + 2 + 7 + 3);
    const result = await applyPlan(first);
    expect(result.createdSecrets.map((created) => created.name).sort()).toEqual(['batch', 'billing-app']);
    const claude = (await clients.providers.getProvider({ id: 'claude' })).provider;
    expect(claude?.quota).toMatchObject({ requestsPerMinute: 500, maxConcurrent: 20 });
    expect(Number(claude?.queue?.maxWait?.seconds)).toBe(10);
    expect(claude?.models[0]?.quota?.tokensPerMinute).toBe(400000);

    const again = await plan(FILE, 'gateway.yaml');
    expect(formatPlan(again.steps.map((step) => step.change), again.unchanged)).toBe('No changes: the gateway matches the file (23 objects unchanged).');

    const exported = await exportConfig(clients);
    for (const secret of Object.values(ENVIRONMENT)) expect(exported).not.toContain(secret);
    expect(exported).toContain('api_key: ${OPENAI_MAIN_API_KEY}');
    expect(exported).toContain('requests_per_minute: 500');
    const fromExport = await plan(exported, 'exported.yaml', {});
    expect(fromExport.warnings).toHaveLength(4); // the four key references are not set here: the gateway keeps its keys
    expect(formatPlan(fromExport.steps.map((step) => step.change), fromExport.unchanged)).toBe('No changes: the gateway matches the file (23 objects unchanged).');
  });

  it('sees a changed key reference, a changed nested setting and a removed optional field', async () => {
    const edited = FILE.replace('max_retries: 0,', 'max_retries: 3,').replace('    cache_enabled: true\n', '');
    const changed = await plan(edited, 'gateway.yaml', { ...ENVIRONMENT, CLAUDE_API_KEY: 'sk-ant-round-trip-rotated-9999' });
    expect(changed.steps.map((step) => step.change).map((change) => `${change.kind} ${change.name} ${change.fields.join(',')}`)).toEqual([
      'provider claude api_key',
      'route primary settings',
      'key billing-app cache_enabled',
    ]);
    await applyPlan(changed);
    const settled = await plan(edited, 'gateway.yaml', { ...ENVIRONMENT, CLAUDE_API_KEY: 'sk-ant-round-trip-rotated-9999' });
    expect(settled.steps).toEqual([]);
  });

  it('refuses a prompt rule scoped to a key that neither the gateway nor the file has', async () => {
    const text = 'prompt_rules:\n  - { name: orphan, key: nobody, operation: append_user, text: x }\n';
    await expect(plan(text, 'orphan.yaml')).rejects.toThrow('orphan.yaml:2:21: prompt_rules[0].key: no key named "nobody"');
  });
});
