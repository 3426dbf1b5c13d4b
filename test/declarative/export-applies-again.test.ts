// An export is the documented way to capture a running gateway: after the
// ordinary life of its objects (a key revoked with its prompt rule, a key
// expired, keys sharing a name) and with references left dangling by data from
// before deletes were checked, the exported file must apply again — onto the
// same gateway and onto a fresh one (a restore) — and say what it left out.
// Two provider ids that read as the same variable get a variable each.
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ProviderType } from '../../gen/llmgateway/v1/providers_service_pb.js';
import { PromptRuleOperation, PromptRuleScope } from '../../gen/llmgateway/v1/prompt_rules_service_pb.js';
import { RouteStrategy } from '../../gen/llmgateway/v1/routes_service_pb.js';
import type { AdminClients } from '../../src/declarative/admin-clients.js';
import { applyPlan } from '../../src/declarative/apply-plan.js';
import { exportConfig } from '../../src/declarative/export-config.js';
import { formatPlan } from '../../src/declarative/format-plan.js';
import { planConfig } from '../../src/declarative/plan.js';
import { parseConfigText } from '../../src/declarative/read-config-file.js';
import { connectAdminClients } from '../helpers/admin-clients.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';

const UPSTREAM = 'http://127.0.0.1:9/v1';
const EU_KEYS = { 'eu.openai': 'sk-eu-dot-openai-0000000000000001', 'eu-openai': 'sk-eu-dash-openai-000000000000002' };

let source: StartedGateway;
let fresh: StartedGateway;
let sourceClients: AdminClients;
let freshClients: AdminClients;

beforeAll(async () => {
  source = await startGateway({ GATEWAY_ADMIN_TOKEN: 'gw-admin-export-source-0123456789abcdef' });
  fresh = await startGateway({ GATEWAY_ADMIN_TOKEN: 'gw-admin-export-fresh-0123456789abcdef' });
  sourceClients = connectAdminClients(source.url, source.adminToken);
  freshClients = connectAdminClients(fresh.url, fresh.adminToken);
});
afterAll(async () => {
  await source?.close();
  await fresh?.close();
});

const plan = (clients: AdminClients, text: string, environment: NodeJS.ProcessEnv = {}) =>
  planConfig(parseConfigText(text, 'exported.yaml'), clients, { environment });
const summary = (planned: Awaited<ReturnType<typeof plan>>) => formatPlan(planned.steps.map((step) => step.change), planned.unchanged);

async function keyRule(clients: AdminClients, keyId: string, name: string): Promise<void> {
  await clients.promptRules.createPromptRule({ name, scope: PromptRuleScope.KEY, scopeId: keyId, operation: PromptRuleOperation.APPEND_USER, text: '!' });
}

describe('export after the ordinary life of a gateway', () => {
  it('applies again onto the same gateway and restores onto a fresh one, listing what it left out', async () => {
    const { providers, routes, keys, healthChecks, promptRules } = sourceClients;
    const local = (id: string, models: string[]) =>
      providers.createProvider({ id, name: id, type: ProviderType.OPENAI_COMPATIBLE, baseUrl: UPSTREAM, models: models.map((upstreamModel) => ({ upstreamModel })) });
    await local('main', ['plain-text', 'other-model']);
    await local('old', ['plain-text']);
    await routes.createRoute({ name: 'chat', strategy: RouteStrategy.PRIORITY, targets: [{ providerId: 'old', upstreamModel: 'plain-text' }, { providerId: 'main', upstreamModel: 'plain-text' }] });
    await routes.createRoute({ name: 'spare', strategy: RouteStrategy.PRIORITY, targets: [{ providerId: 'main', upstreamModel: 'other-model' }] });
    await routes.createRoute({ name: 'gone', strategy: RouteStrategy.PRIORITY, targets: [{ providerId: 'main', upstreamModel: 'plain-text' }] });
    await promptRules.createPromptRule({ name: 'brief', scope: PromptRuleScope.ROUTE, scopeId: 'gone', operation: PromptRuleOperation.PREPEND_SYSTEM, text: 'Be brief.' });
    await healthChecks.createHealthCheck({ name: 'gone-check', route: 'gone', enabled: false });
    await healthChecks.createHealthCheck({ name: 'old-check', providerId: 'old', upstreamModel: 'plain-text', enabled: false });

    // A key revoked with its rule, a key that expires, two keys with one name, a key that stays.
    const revoked = (await keys.createKey({ name: 'team-a' })).key!;
    await keyRule(sourceClients, revoked.id, 'style');
    await keys.revokeKey({ id: revoked.id });
    const expiresAt = Date.now() + 1500;
    const trial = (await keys.createKey({ name: 'trial', expiresAt: timestampFromMs(expiresAt) })).key!;
    await keyRule(sourceClients, trial.id, 'trial-style');
    const billing = (await keys.createKey({ name: 'billing' })).key!;
    await keys.createKey({ name: 'billing' });
    await keyRule(sourceClients, billing.id, 'billing-style');
    const ops = (await keys.createKey({ name: 'ops', rateLimits: { requestsPerMinute: 10 } })).key!;
    await keyRule(sourceClients, ops.id, 'ops-style');

    // Data from before deletes were checked: a provider, a model, a route and a key deleted from under their users.
    const temp = (await keys.createKey({ name: 'temp' })).key!;
    await keyRule(sourceClients, temp.id, 'temp-style');
    const storage = source.gateway.storage;
    await storage.keys.delete(temp.id);
    await storage.providers.delete('old');
    const main = (await storage.providers.get('main'))!;
    await storage.providers.replace({ ...main, models: main.models.filter((model) => model.upstreamModel !== 'other-model') });
    await storage.routes.delete('gone');
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now() + 50)));

    const exported = await exportConfig(sourceClients);
    const header = exported.split('\n').filter((line) => line.startsWith('#')).join('\n');
    for (const leftOut of [
      'route "chat": target old/plain-text (provider "old" no longer exists)',
      'route "spare": target main/other-model (provider "main" no longer lists "other-model")',
      'route "spare": none of its targets is left',
      `key "trial" (${trial.id}): expired`,
      `key "billing" (${billing.id}):`,
      `prompt rule "style" of key ${revoked.id}: the key is revoked or deleted`,
      `prompt rule "temp-style" of key ${temp.id}: the key is revoked or deleted`,
      'prompt rule "trial-style" of key "trial": the key is expired',
      `prompt rule "billing-style" of key "billing" (${billing.id}): the key is left out above`,
      'prompt rule "brief" of route "gone": route "gone" no longer exists',
      'health check "gone-check": route "gone" no longer exists',
      'health check "old-check": provider "old" no longer exists',
    ]) expect(header).toContain(leftOut);
    expect(exported).toContain('key: ops');

    // Onto the same gateway: the dangling target is dropped; nothing else changes, nothing is refused.
    const again = await plan(sourceClients, exported);
    expect(summary(again)).toBe(['  ~ route chat (targets)', 'Plan: 0 to create, 1 to update, 0 to delete, 3 unchanged.'].join('\n'));
    await applyPlan(again);
    expect(summary(await plan(sourceClients, await exportConfig(sourceClients)))).toMatch(/^No changes/);

    // Onto a fresh gateway (a restore): everything applies.
    await applyPlan(await plan(freshClients, exported));
    expect(summary(await plan(freshClients, exported))).toMatch(/^No changes/);
  });

  it('gives two providers whose ids read as the same variable a variable each', async () => {
    for (const [id, apiKey] of Object.entries(EU_KEYS)) {
      await sourceClients.providers.createProvider({ id, name: id, type: ProviderType.OPENAI, apiKey, models: [{ upstreamModel: 'gpt-4o' }] });
    }
    const exported = await exportConfig(sourceClients);
    // The id already in the variable's form keeps the plain name; the other gets the next free one.
    const references = (parse(exported) as { providers: Array<{ id: string; api_key?: string }> }).providers.filter((provider) => provider.api_key);
    expect(references).toEqual([
      expect.objectContaining({ id: 'eu-openai', api_key: '${EU_OPENAI_API_KEY}' }),
      expect.objectContaining({ id: 'eu.openai', api_key: '${EU_OPENAI_2_API_KEY}' }),
    ]);
    expect(await exportConfig(sourceClients)).toBe(exported);

    // Restored with both variables set, each provider holds its own key (one variable would give both the same).
    const environment = { EU_OPENAI_API_KEY: EU_KEYS['eu-openai'], EU_OPENAI_2_API_KEY: EU_KEYS['eu.openai'] };
    await applyPlan(await plan(freshClients, exported, environment));
    const lastFour = async (id: string) => (await freshClients.providers.getProvider({ id })).provider!.apiKeyLast4;
    expect(await lastFour('eu.openai')).toBe(EU_KEYS['eu.openai'].slice(-4));
    expect(await lastFour('eu-openai')).toBe(EU_KEYS['eu-openai'].slice(-4));
    expect(summary(await plan(freshClients, exported, environment))).toMatch(/^No changes/);
  });
});
