// Starts one fixture upstream per provider family and registers each as a
// provider whose models are the scenario names.
import { createClient, type Client } from '@connectrpc/connect';
import { ProvidersService, ProviderType } from '../../gen/llmgateway/v1/providers_service_pb.js';
import { KeysService } from '../../gen/llmgateway/v1/keys_service_pb.js';
import { startAnthropicFixture } from '../fixtures/anthropic-upstream.js';
import type { FixtureUpstream } from '../fixtures/fixture-upstream.js';
import { startGeminiFixture } from '../fixtures/gemini-upstream.js';
import { startOpenAIFixture } from '../fixtures/openai-upstream.js';
import { SCENARIOS, type ProviderFamily } from '../fixtures/scenarios.js';
import { adminHeaders, type InMemoryServices } from '../helpers/in-memory-services.js';

export const AZURE_API_VERSION = '2024-10-21';

const PROVIDER_TYPES: Record<ProviderFamily, ProviderType> = {
  openai: ProviderType.OPENAI,
  'azure-openai': ProviderType.AZURE_OPENAI,
  'openai-compatible': ProviderType.OPENAI_COMPATIBLE,
  anthropic: ProviderType.ANTHROPIC,
  gemini: ProviderType.GEMINI,
};

export async function startFixture(family: ProviderFamily): Promise<FixtureUpstream> {
  switch (family) {
    case 'openai':
    case 'openai-compatible':
      return startOpenAIFixture({ family });
    case 'azure-openai':
      return startOpenAIFixture({ family, azureApiVersion: AZURE_API_VERSION });
    case 'anthropic':
      return startAnthropicFixture();
    case 'gemini':
      return startGeminiFixture();
  }
}

/** Registers the fixture as provider `<family>` serving every scenario (plus slow-stream) as a model. */
export async function registerFixtureProvider(services: InMemoryServices, fixture: FixtureUpstream): Promise<void> {
  const providers: Client<typeof ProvidersService> = createClient(ProvidersService, services.transport);
  await providers.createProvider(
    {
      id: fixture.family,
      name: `Fixture ${fixture.family}`,
      type: PROVIDER_TYPES[fixture.family],
      baseUrl: fixture.baseUrl,
      apiKey: fixture.apiKey,
      azure: fixture.family === 'azure-openai' ? { apiVersion: AZURE_API_VERSION } : undefined,
      models: [...SCENARIOS.map((scenario) => scenario.name), 'slow-stream', 'embedding-model'].map((name) => ({ upstreamModel: name })),
    },
    { headers: adminHeaders },
  );
}

export async function createCallerKey(services: InMemoryServices): Promise<string> {
  const keys = createClient(KeysService, services.transport);
  return (await keys.createKey({ name: 'matrix' }, { headers: adminHeaders })).secret;
}
