// A second old-gateway database, for what the old data's free-form names and
// per-key resolution make hard to carry over, each with its own upstream so a
// test sees which provider's credentials a request used:
// - `openai` and an unrelated `openai-eu` (a key bound to `openai` must not reach `openai-eu`);
// - `acme`, whose anthropic models need a provider of their own, next to an old provider whose id is
//   `acme-anthropic` ("Direct Claude");
// - names the gateway refuses or cannot give twice (on `house`, so the other providers come over even
//   where names cost a whole provider): a display name with spaces, a name that is another model's
//   identifier, two models named `local-chat`; a virtual model "Smart Router", one named like the real
//   model `gpt-4o`;
// - keys bound by model_id, by provider_id and to a provider whose key was sealed under a rotated secret.
// Every secret here is an obvious fake.
import { createHash } from 'node:crypto';
import OpenAI from 'openai';
import { startAnthropicFixture } from '../fixtures/anthropic-upstream.js';
import type { FixtureUpstream } from '../fixtures/fixture-upstream.js';
import { startOpenAIFixture } from '../fixtures/openai-upstream.js';
import { startGatewayForCli, type RunningGateway } from '../helpers/cli-process.js';
import { createFreshMysqlDatabase, type FreshMysqlDatabase } from '../setup/mariadb.js';
import { encryptLegacySecret, LEGACY_JWT_SECRET, ROTATED_JWT_SECRET, seedLegacyRows, type LegacyFixtureRow } from './legacy-database-fixture.js';

/** Each old provider's key; each upstream accepts only its own. */
export const PROVIDER_KEYS = {
  openai: 'sk-FAKE-pitfalls-openai-0001',
  openaiEu: 'sk-FAKE-pitfalls-openai-eu-0002',
  acme: 'sk-FAKE-pitfalls-acme-0003',
  direct: 'sk-FAKE-pitfalls-direct-claude-0004',
  stale: 'sk-FAKE-pitfalls-stale-0005',
  house: 'sk-FAKE-pitfalls-house-0006',
};

/** The secrets applications hold in the old gateway, by the binding each key has. */
export const PITFALL_KEYS = {
  providerBound: 'vk_FAKEpitfallsKey00001',
  acmeBound: 'vk_FAKEpitfallsKey00002',
  modelIdBound: 'vk_FAKEpitfallsKey00003',
  direct: 'vk_FAKEpitfallsKey00004',
  spacey: 'vk_FAKEpitfallsKey00005',
  mini: 'vk_FAKEpitfallsKey00006',
  house: 'vk_FAKEpitfallsKey00007',
  local: 'vk_FAKEpitfallsKey00008',
  chat: 'vk_FAKEpitfallsKey00009',
  chatAndStale: 'vk_FAKEpitfallsKey00010',
  staleOnly: 'vk_FAKEpitfallsKey00011',
};

export interface PitfallUpstreams {
  openai: FixtureUpstream;
  openaiEu: FixtureUpstream;
  acme: FixtureUpstream;
  acmeAnthropic: FixtureUpstream;
  direct: FixtureUpstream;
  stale: FixtureUpstream;
  house: FixtureUpstream;
}

export function pitfallRows(upstreams: PitfallUpstreams): LegacyFixtureRow[] {
  const rows: LegacyFixtureRow[] = [];
  const now = 1_760_000_000_000;
  const provider = (id: string, name: string, baseUrl: string, apiKey: string, extra: Record<string, unknown> = {}, secret = LEGACY_JWT_SECRET) =>
    rows.push({ table: 'providers', row: { id, name, base_url: baseUrl, api_key: encryptLegacySecret(apiKey, secret), enabled: 1, created_at: now, updated_at: now, ...extra } });
  provider('openai', 'OpenAI', upstreams.openai.baseUrl, PROVIDER_KEYS.openai);
  provider('openai-eu', 'OpenAI EU', upstreams.openaiEu.baseUrl, PROVIDER_KEYS.openaiEu);
  provider('acme', 'Acme AI', upstreams.acme.baseUrl, PROVIDER_KEYS.acme, {
    protocol_mappings: { openai: upstreams.acme.baseUrl, anthropic: upstreams.acmeAnthropic.baseUrl },
  });
  provider('acme-anthropic', 'Direct Claude', upstreams.direct.baseUrl, PROVIDER_KEYS.direct);
  provider('stale', 'Stale', upstreams.stale.baseUrl, PROVIDER_KEYS.stale, {}, ROTATED_JWT_SECRET);
  provider('house', 'House models', upstreams.house.baseUrl, PROVIDER_KEYS.house);

  const model = (id: string, name: string, providerId: string | null, identifier: string, extra: Record<string, unknown> = {}) =>
    rows.push({ table: 'models', row: { id, name, provider_id: providerId, model_identifier: identifier, is_virtual: 0, enabled: 1, created_at: now, updated_at: now, ...extra } });
  // Identifiers are fixture scenarios, whose answers differ ("Hello, world!", "Hi.", …): an answer names the model.
  model('m01', 'gpt-4o', 'openai', 'plain-text');
  model('m02', 'GPT Mini', 'house', 'system-prompt');
  model('c01', 'stop-sequence', 'house', 'multi-turn');
  model('c02', 'house-latest', 'house', 'stop-sequence');
  model('l01', 'local-chat', 'house', 'max-tokens');
  model('l02', 'local-chat', 'house', 'json-schema');
  model('e01', 'eu-only', 'openai-eu', 'plain-text');
  model('a01', 'fast-chat', 'acme', 'plain-text');
  model('a02', 'claude-chat', 'acme', 'plain-text', { protocol: 'anthropic' });
  model('d01', 'claude-direct', 'acme-anthropic', 'plain-text');
  model('s01', 'stale-chat', 'stale', 'plain-text');
  const virtual = (id: string, name: string, routingConfigId: string) =>
    model(id, name, null, `virtual-${routingConfigId}`, { is_virtual: 1, routing_config_id: routingConfigId });
  virtual('v01', 'Smart Router', 'rc1');
  virtual('v02', 'gpt-4o', 'rc2');
  virtual('v03', 'stale-mix', 'rc3');
  const target = (providerId: string, upstreamModel: string, weight?: number) => ({ provider: providerId, ...(weight === undefined ? {} : { weight }), override_params: { model: upstreamModel } });
  const routing = (id: string, type: string, targets: unknown[]) =>
    rows.push({ table: 'routing_configs', row: { id, name: `${id} config`, type, config: { strategy: { mode: type }, targets }, enabled: 1, created_at: now, updated_at: now } });
  routing('rc1', 'loadbalance', [target('openai', 'plain-text', 1)]);
  routing('rc2', 'loadbalance', [target('openai', 'plain-text', 0.5), target('openai-eu', 'plain-text', 0.5)]);
  routing('rc3', 'fallback', [target('stale', 'plain-text'), target('openai', 'plain-text')]);

  const key = (id: string, secret: string, name: string, binding: Record<string, unknown>) =>
    rows.push({ table: 'virtual_keys', row: { id, name, key_value: secret, key_hash: createHash('sha256').update(secret).digest('hex'), enabled: 1, created_at: now, updated_at: now, ...binding } });
  key('k01', PITFALL_KEYS.providerBound, 'provider-bound', { provider_id: 'openai', model_ids: '[]' });
  key('k02', PITFALL_KEYS.acmeBound, 'acme-bound', { provider_id: 'acme' });
  key('k03', PITFALL_KEYS.modelIdBound, 'model_id app', { model_id: 'a02' });
  key('k04', PITFALL_KEYS.direct, 'direct app', { model_ids: '["d01"]' });
  key('k05', PITFALL_KEYS.spacey, 'spacey', { model_ids: '["v01"]' });
  key('k06', PITFALL_KEYS.mini, 'mini app', { model_ids: '["m02"]' });
  key('k07', PITFALL_KEYS.house, 'house app', { model_ids: '["c01","c02"]' });
  key('k08', PITFALL_KEYS.local, 'local app', { model_ids: '["l02"]' });
  key('k09', PITFALL_KEYS.chat, 'chat app', { model_ids: '["m01","v03"]' });
  key('k10', PITFALL_KEYS.chatAndStale, 'chat and stale', { model_ids: '["m01","s01"]' });
  key('k11', PITFALL_KEYS.staleOnly, 'stale only', { model_ids: '["s01"]' });
  rows.push({ table: 'system_config', row: { key: 'litellm_compat_enabled', value: 'true', updated_at: now } });
  return rows;
}

export interface PitfallScene {
  upstreams: PitfallUpstreams;
  database: FreshMysqlDatabase;
  gateway: RunningGateway;
  close(): Promise<void>;
}

export async function startPitfallScene(serverUrl: string): Promise<PitfallScene> {
  const started: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const stop of started.splice(0).reverse()) await stop();
  };
  try {
    const compatible = async (apiKey: string) => {
      const upstream = await startOpenAIFixture({ family: 'openai-compatible', apiKey });
      started.push(() => upstream.close());
      return upstream;
    };
    const acmeAnthropic = await startAnthropicFixture({ apiKey: PROVIDER_KEYS.acme });
    started.push(() => acmeAnthropic.close());
    const upstreams: PitfallUpstreams = {
      openai: await compatible(PROVIDER_KEYS.openai),
      openaiEu: await compatible(PROVIDER_KEYS.openaiEu),
      acme: await compatible(PROVIDER_KEYS.acme),
      acmeAnthropic,
      direct: await compatible(PROVIDER_KEYS.direct),
      stale: await compatible(PROVIDER_KEYS.stale),
      house: await compatible(PROVIDER_KEYS.house),
    };
    const database = await createFreshMysqlDatabase(serverUrl);
    started.push(() => database.drop());
    await seedLegacyRows(database.url, pitfallRows(upstreams));
    const gateway = await startGatewayForCli();
    started.push(() => gateway.stop());
    return { upstreams, database, gateway, close };
  } catch (error) {
    // What did start must not outlive a failed start.
    await close();
    throw error;
  }
}

/** A chat completion through the OpenAI SDK with an old key: the answer's text, or `refused <status>`. */
export async function askAs(gatewayUrl: string, secret: string, model: string): Promise<string> {
  const client = new OpenAI({ apiKey: secret, baseURL: `${gatewayUrl}/v1`, maxRetries: 0 });
  try {
    const answer = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });
    return answer.choices[0]?.message.content ?? '(no content)';
  } catch (error) {
    return `refused ${(error as { status?: number }).status}`;
  }
}
