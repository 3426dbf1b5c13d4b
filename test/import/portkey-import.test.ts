// A Portkey config → the plan (providers, routes, what is not mapped), then
// applied to a gateway: the fallback order and the weights behave against
// fixture upstreams, and a re-run plans nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RouteStrategy } from '../../gen/llmgateway/v1/routes_service_pb.js';
import { ProviderType } from '../../gen/llmgateway/v1/providers_service_pb.js';
import { draftFromPortkey } from '../../src/import/portkey/import-portkey.js';
import { runImport } from '../../src/import/run-import.js';
import { startOpenAIFixture, type OpenAIFixture } from '../fixtures/openai-upstream.js';
import { startImportHarness, type ImportHarness } from './import-harness.js';

const PRIMARY_KEY = 'sk-FAKE-portkey-primary-0001';
const BACKUP_KEY = 'sk-FAKE-portkey-backup-0002';

function sampleConfig(primary: string, backup: string): string {
  return JSON.stringify({
    strategy: { mode: 'fallback', on_status_codes: [500, 503] },
    retry: { attempts: 2, on_status_codes: [429] },
    request_timeout: 20000,
    targets: [
      { provider: 'openai', api_key: PRIMARY_KEY, custom_host: primary, override_params: { model: 'error-500', temperature: 0.2 }, cache: { mode: 'simple' } },
      {
        strategy: { mode: 'loadbalance' },
        targets: [
          { provider: 'openai', api_key: BACKUP_KEY, custom_host: backup, weight: 0.75, override_params: { model: 'plain-text' } },
          { provider: 'openai', api_key: PRIMARY_KEY, custom_host: primary, weight: 0.25, override_params: { model: 'plain-text' } },
        ],
      },
      { provider: 'anthropic', virtual_key: 'anthropic-vk-fake' , override_params: { model: 'claude-x' } },
      { provider: 'bedrock', api_key: 'FAKE', override_params: { model: 'x' } },
    ],
  });
}

describe('Portkey config → plan', () => {
  it('leaves out failover statuses that never fail over here, and says so', () => {
    const config = JSON.stringify({
      strategy: { mode: 'fallback', on_status_codes: [400, 500, 404, 429] },
      targets: [{ provider: 'openai', api_key: PRIMARY_KEY, custom_host: 'http://127.0.0.1:1/v1', override_params: { model: 'plain-text' } }],
    });
    const draft = draftFromPortkey(config, 'main');
    expect(draft.routes[0]!.settings?.failoverStatuses).toEqual([500, 404, 429]);
    expect(draft.unmapped).toContainEqual({
      source: 'config.strategy.on_status_codes',
      reason: "400: the client's own errors, which never fail over here (every target would refuse the request alike); left out",
    });
  });

  it('maps strategies, nested targets, weights, retries, timeouts and hosts, and lists the rest', () => {
    const draft = draftFromPortkey(sampleConfig('http://127.0.0.1:1/v1', 'http://127.0.0.1:2/v1'), 'main');
    expect(draft.providers.map((provider) => [provider.id, provider.type, provider.baseUrl, provider.models.map((model) => model.upstreamModel)])).toEqual([
      ['portkey-openai', ProviderType.OPENAI_COMPATIBLE, 'http://127.0.0.1:1/v1', ['error-500', 'plain-text']],
      ['portkey-openai-2', ProviderType.OPENAI_COMPATIBLE, 'http://127.0.0.1:2/v1', ['plain-text']],
    ]);
    const [nested, main] = draft.routes;
    expect(nested!.name).toBe('main-2');
    expect(nested!.strategy).toBe(RouteStrategy.WEIGHTED);
    expect(nested!.targets.map((target) => [target.providerId, target.weight])).toEqual([['portkey-openai-2', 75], ['portkey-openai', 25]]);
    expect(main!.strategy).toBe(RouteStrategy.PRIORITY);
    expect(main!.targets.map((target) => target.route || `${target.providerId}/${target.upstreamModel}`)).toEqual(['portkey-openai/error-500', 'main-2']);
    expect(main!.settings?.maxRetries).toBe(2);
    expect(main!.settings?.failoverStatuses).toEqual([500, 503]);
    expect(Number(main!.settings?.attemptTimeout?.seconds)).toBe(20);
    const unmapped = draft.unmapped.map((item) => item.source);
    expect(unmapped).toEqual(expect.arrayContaining([
      'config.targets[0].cache',
      'config.targets[0].override_params.temperature',
      'config.targets[2].virtual_key',
      'config.targets[2]',
      'config.targets[3]',
    ]));
    expect(JSON.stringify(draft.unmapped)).not.toContain(PRIMARY_KEY);
  });

  it('maps conditional routing on the model name to a route per name', () => {
    const draft = draftFromPortkey(JSON.stringify({
      strategy: { mode: 'conditional', conditions: [
        { query: { 'params.model': { $eq: 'fast' } }, then: 'cheap' },
        { query: { 'metadata.user_plan': { $eq: 'paid' } }, then: 'cheap' },
      ], default: 'cheap' },
      targets: [{ name: 'cheap', provider: 'groq', api_key: 'FAKE-groq-key', override_params: { model: 'llama-3.1-8b-instant' } }],
    }), 'main');
    expect(draft.routes.map((route) => route.name)).toEqual(['fast', 'main']);
    expect(draft.providers[0]!.baseUrl).toBe('https://api.groq.com/openai/v1');
    expect(draft.unmapped.map((item) => item.source)).toEqual(['config.strategy.conditions[1]']);
  });
});

describe('Portkey config → applied', () => {
  let harness: ImportHarness;
  let primary: OpenAIFixture;
  let backup: OpenAIFixture;
  beforeAll(async () => {
    primary = await startOpenAIFixture({ family: 'openai-compatible', apiKey: PRIMARY_KEY });
    backup = await startOpenAIFixture({ family: 'openai-compatible', apiKey: BACKUP_KEY });
    harness = await startImportHarness();
  });
  afterAll(async () => {
    await harness?.close();
    await primary?.close();
    await backup?.close();
  });

  it('fails over in order, balances by weight, and a re-run changes nothing', async () => {
    const draft = draftFromPortkey(sampleConfig(primary.baseUrl, backup.baseUrl), 'main');
    const first = await runImport(draft, harness.clients, false);
    expect(first.outcomes!.filter((outcome) => outcome.error !== '')).toEqual([]);
    const client = await harness.openai();
    for (let index = 0; index < 60; index += 1) {
      const answer = await client.chat.completions.create({ model: 'main', messages: [{ role: 'user', content: 'hi' }] });
      expect(answer.choices[0]?.message.content).toBe('Hello, world!');
    }
    // The failing first target was tried first (until its breaker opened), then the weighted pair (75 : 25).
    const failing = primary.received.filter((request) => (request.body as { model?: string }).model === 'error-500').length;
    const viaPrimary = primary.received.length - failing;
    expect((primary.received[0]!.body as { model: string }).model).toBe('error-500');
    expect(failing).toBeGreaterThanOrEqual(1);
    expect(viaPrimary + backup.received.length).toBe(60);
    expect(backup.received.length).toBeGreaterThan(viaPrimary);
    expect(backup.received.every((request) => request.headers.authorization === `Bearer ${BACKUP_KEY}`)).toBe(true);

    const again = await runImport(draftFromPortkey(sampleConfig(primary.baseUrl, backup.baseUrl), 'main'), harness.clients, false);
    expect(again.plan.calls.map((call) => [call.name, call.action === 'update' ? call.fields : []])).toEqual([]);
    expect(again.plan.unchanged.map((object) => `${object.kind} ${object.name}`).sort()).toEqual(['provider portkey-openai', 'provider portkey-openai-2', 'route main', 'route main-2']);
  });
});

describe('Portkey config → applied: a load balancer over a fallback group', () => {
  const GROUP_PRIMARY_KEY = 'sk-FAKE-portkey-group-a-0003';
  const GROUP_BACKUP_KEY = 'sk-FAKE-portkey-group-b-0004';
  const SOLO_KEY = 'sk-FAKE-portkey-solo-c-0005';
  let harness: ImportHarness;
  const fixtures: OpenAIFixture[] = [];
  beforeAll(async () => {
    for (const apiKey of [GROUP_PRIMARY_KEY, GROUP_BACKUP_KEY, SOLO_KEY]) fixtures.push(await startOpenAIFixture({ family: 'openai-compatible', apiKey }));
    harness = await startImportHarness();
  });
  afterAll(async () => {
    await harness?.close();
    for (const fixture of fixtures) await fixture.close();
  });

  it("balances 50 : 50 between the group and the solo target, and the group's backup gets nothing while its primary answers", async () => {
    const [groupPrimary, groupBackup, solo] = fixtures as [OpenAIFixture, OpenAIFixture, OpenAIFixture];
    const config = JSON.stringify({
      strategy: { mode: 'loadbalance' },
      targets: [
        {
          weight: 0.5,
          strategy: { mode: 'fallback' },
          targets: [
            { provider: 'openai', api_key: GROUP_PRIMARY_KEY, custom_host: groupPrimary.baseUrl, override_params: { model: 'plain-text' } },
            { provider: 'openai', api_key: GROUP_BACKUP_KEY, custom_host: groupBackup.baseUrl, override_params: { model: 'plain-text' } },
          ],
        },
        { weight: 0.5, provider: 'openai', api_key: SOLO_KEY, custom_host: solo.baseUrl, override_params: { model: 'plain-text' } },
      ],
    });
    const applied = await runImport(draftFromPortkey(config, 'balanced'), harness.clients, false);
    expect(applied.outcomes!.filter((outcome) => outcome.error !== '')).toEqual([]);
    const client = await harness.openai();
    for (let index = 0; index < 60; index += 1) {
      const answer = await client.chat.completions.create({ model: 'balanced', messages: [{ role: 'user', content: 'hi' }] });
      expect(answer.choices[0]?.message.content).toBe('Hello, world!');
    }
    expect(groupBackup.received).toEqual([]);
    // Expected 30 each; a binomial 99.99 % band is about ±15.
    expect(groupPrimary.received.length).toBeGreaterThan(12);
    expect(solo.received.length).toBeGreaterThan(12);
    expect(groupPrimary.received.length + solo.received.length).toBe(60);
  });
});
