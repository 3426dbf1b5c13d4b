// A LiteLLM config.yaml → the plan (providers, models, a route per
// model_name, fallbacks, what is not mapped), then applied: fallbacks take
// over in order against fixture upstreams, and a re-run plans nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderType } from '../../gen/llmgateway/v1/providers_service_pb.js';
import { RouteStrategy } from '../../gen/llmgateway/v1/routes_service_pb.js';
import { draftFromLitellm } from '../../src/import/litellm/import-litellm.js';
import { runImport } from '../../src/import/run-import.js';
import { startOpenAIFixture, type OpenAIFixture } from '../fixtures/openai-upstream.js';
import { startImportHarness, type ImportHarness } from './import-harness.js';

const EAST_KEY = 'sk-FAKE-litellm-east-0001';
const WEST_KEY = 'sk-FAKE-litellm-west-0002';

const sampleConfig = (east: string, west: string) => `
model_list:
  - model_name: chat
    litellm_params:
      model: openai/error-500
      api_base: ${east}
      api_key: os.environ/EAST_KEY
      rpm: 300
  - model_name: chat
    litellm_params:
      model: openai/error-429
      api_base: ${west}
      api_key: os.environ/WEST_KEY
      rpm: 100
  - model_name: backup
    litellm_params:
      model: openai/plain-text
      api_base: ${west}
      api_key: os.environ/WEST_KEY
  - model_name: azure-gpt
    litellm_params:
      model: azure/prod-gpt4o
      api_base: https://example-resource.openai.azure.com/
      api_version: "2024-10-21"
      api_key: os.environ/AZURE_KEY_NOT_SET
  - model_name: claude
    litellm_params:
      model: claude-3-5-sonnet-20240620
      api_key: FAKE-literal-anthropic-key
  - model_name: titan
    litellm_params:
      model: bedrock/amazon.titan-text
router_settings:
  routing_strategy: simple-shuffle
  num_retries: 0
  timeout: 30
  fallbacks:
    - chat: ["backup"]
litellm_settings:
  context_window_fallbacks:
    - chat: ["backup"]
general_settings:
  master_key: sk-FAKE-master-1234
`;

const environment = { EAST_KEY, WEST_KEY };

describe('LiteLLM config → plan', () => {
  it('maps deployments to providers and models, model names to routes, and lists the rest', () => {
    const draft = draftFromLitellm(sampleConfig('http://127.0.0.1:1/v1', 'http://127.0.0.1:2/v1'), environment);
    expect(draft.providers.map((provider) => [provider.id, provider.type, provider.apiKey === '' ? 'no key' : 'key', provider.models.map((model) => model.upstreamModel)])).toEqual([
      ['litellm-openai', ProviderType.OPENAI_COMPATIBLE, 'key', ['error-500']],
      ['litellm-openai-2', ProviderType.OPENAI_COMPATIBLE, 'key', ['error-429', 'plain-text']],
      ['litellm-anthropic', ProviderType.ANTHROPIC, 'key', ['claude-3-5-sonnet-20240620']],
    ]);
    const routes = new Map(draft.routes.map((route) => [route.name, route]));
    expect([...routes.keys()]).toEqual(['chat-deployments', 'backup', 'chat', 'claude']);
    expect(routes.get('chat-deployments')!.strategy).toBe(RouteStrategy.WEIGHTED);
    expect(routes.get('chat-deployments')!.targets.map((target) => target.weight)).toEqual([300, 100]);
    expect(routes.get('chat')!.strategy).toBe(RouteStrategy.PRIORITY);
    expect(routes.get('chat')!.targets.map((target) => target.route)).toEqual(['chat-deployments', 'backup']);
    expect(routes.get('chat')!.settings?.maxRetries).toBe(0);
    expect(Number(routes.get('chat')!.settings?.attemptTimeout?.seconds)).toBe(30);
    const unmapped = draft.unmapped.map((item) => `${item.source}: ${item.reason}`).join('\n');
    expect(unmapped).toContain('model_list[3].litellm_params.api_key: the environment variable AZURE_KEY_NOT_SET is not set');
    expect(unmapped).toContain('model_list[5]: the provider "bedrock" has no counterpart');
    expect(unmapped).toContain('model_list[0].rpm');
    expect(unmapped).toContain('context_window_fallbacks');
    expect(unmapped).toContain('general_settings');
    expect(unmapped).not.toContain('sk-FAKE-master-1234');
  });
});

describe('LiteLLM config → applied', () => {
  let harness: ImportHarness;
  let east: OpenAIFixture;
  let west: OpenAIFixture;
  beforeAll(async () => {
    east = await startOpenAIFixture({ family: 'openai-compatible', apiKey: EAST_KEY });
    west = await startOpenAIFixture({ family: 'openai-compatible', apiKey: WEST_KEY });
    harness = await startImportHarness();
  });
  afterAll(async () => {
    await harness?.close();
    await east?.close();
    await west?.close();
  });

  it('answers through the fallback group when the deployments fail, and a re-run changes nothing', async () => {
    const first = await runImport(draftFromLitellm(sampleConfig(east.baseUrl, west.baseUrl), environment), harness.clients, false);
    expect(first.outcomes!.filter((outcome) => outcome.error !== '')).toEqual([]);
    const client = await harness.openai();
    const answer = await client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] });
    expect(answer.choices[0]?.message.content).toBe('Hello, world!');
    // Both deployments of the group were tried before the fallback group answered, each with its own key.
    expect(east.received.map((request) => request.headers.authorization)).toEqual([`Bearer ${EAST_KEY}`]);
    expect(west.received.map((request) => (request.body as { model: string }).model)).toEqual(['error-429', 'plain-text']);

    const again = await runImport(draftFromLitellm(sampleConfig(east.baseUrl, west.baseUrl), environment), harness.clients, false);
    expect(again.plan.calls.map((call) => call.name)).toEqual([]);
  });
});
