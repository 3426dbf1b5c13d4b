// Providers named by another gateway's config (a vendor name, a base URL, a
// key): the same vendor + URL + key is one provider here, a second key or URL
// for the same vendor is another (`litellm-openai-2`), and so is one the
// gateway already holds under that id for another upstream (provider-ids.ts).
// Vendors speaking the OpenAI API at a known address become openai-compatible
// providers with that address.
import { create } from '@bufbuild/protobuf';
import {
  CreateProviderRequestSchema,
  ProviderModelSchema,
  ProviderType,
  type CreateProviderRequest,
  type Provider,
} from '../../gen/llmgateway/v1/providers_service_pb.js';
import type { Unmapped } from './import-draft.js';
import { chooseProviderId } from './provider-ids.js';

interface Vendor {
  type: ProviderType;
  /** '' = the SDK's default; compatible hosts need one. */
  baseUrl: string;
}

// OpenAI-compatible endpoints as each vendor documents them.
const VENDORS: Record<string, Vendor> = {
  openai: { type: ProviderType.OPENAI, baseUrl: '' },
  anthropic: { type: ProviderType.ANTHROPIC, baseUrl: '' },
  'azure-openai': { type: ProviderType.AZURE_OPENAI, baseUrl: '' },
  azure: { type: ProviderType.AZURE_OPENAI, baseUrl: '' },
  google: { type: ProviderType.GEMINI, baseUrl: '' },
  gemini: { type: ProviderType.GEMINI, baseUrl: '' },
  deepseek: { type: ProviderType.OPENAI_COMPATIBLE, baseUrl: 'https://api.deepseek.com' },
  groq: { type: ProviderType.OPENAI_COMPATIBLE, baseUrl: 'https://api.groq.com/openai/v1' },
  'mistral-ai': { type: ProviderType.OPENAI_COMPATIBLE, baseUrl: 'https://api.mistral.ai/v1' },
  mistral: { type: ProviderType.OPENAI_COMPATIBLE, baseUrl: 'https://api.mistral.ai/v1' },
  'together-ai': { type: ProviderType.OPENAI_COMPATIBLE, baseUrl: 'https://api.together.xyz/v1' },
  together_ai: { type: ProviderType.OPENAI_COMPATIBLE, baseUrl: 'https://api.together.xyz/v1' },
  openrouter: { type: ProviderType.OPENAI_COMPATIBLE, baseUrl: 'https://openrouter.ai/api/v1' },
  'fireworks-ai': { type: ProviderType.OPENAI_COMPATIBLE, baseUrl: 'https://api.fireworks.ai/inference/v1' },
  fireworks_ai: { type: ProviderType.OPENAI_COMPATIBLE, baseUrl: 'https://api.fireworks.ai/inference/v1' },
  'perplexity-ai': { type: ProviderType.OPENAI_COMPATIBLE, baseUrl: 'https://api.perplexity.ai' },
  perplexity: { type: ProviderType.OPENAI_COMPATIBLE, baseUrl: 'https://api.perplexity.ai' },
  xai: { type: ProviderType.OPENAI_COMPATIBLE, baseUrl: 'https://api.x.ai/v1' },
  ollama: { type: ProviderType.OPENAI_COMPATIBLE, baseUrl: '' },
  hosted_vllm: { type: ProviderType.OPENAI_COMPATIBLE, baseUrl: '' },
};

export interface ProviderWish {
  vendor: string;
  /** A custom host; with `openai` it makes the provider openai-compatible. */
  baseUrl: string;
  apiKey: string;
  azureApiVersion?: string;
}

export interface ProviderPool {
  /** The provider for a wish, created on first use; a string is why it cannot exist. */
  provider(wish: ProviderWish): CreateProviderRequest | string;
  /** Adds the model to the provider when it is not there yet. */
  addModel(provider: CreateProviderRequest, upstreamModel: string, deployment?: string): void;
  providers(): CreateProviderRequest[];
  /** What the pool decided that the plan should say (a new provider beside one with another key). */
  notes(): Unmapped[];
}

/**
 * `source` prefixes every id (`litellm-openai`), so an import never takes over a provider made by hand;
 * `existing` (what the gateway holds) keeps an id for the upstream it was made for.
 */
export function createProviderPool(source: string, existing: readonly Provider[] = []): ProviderPool {
  const byIdentity = new Map<string, CreateProviderRequest>();
  const ids = new Set<string>();
  const held = new Map(existing.map((provider) => [provider.id, provider]));
  const notes: Unmapped[] = [];
  return {
    provider(wish) {
      const vendor = VENDORS[wish.vendor.toLowerCase()];
      if (!vendor) return `the provider "${wish.vendor}" has no counterpart here (openai, azure-openai, anthropic, gemini or an OpenAI-compatible host)`;
      const baseUrl = wish.baseUrl.trim().replace(/\/+$/, '') || vendor.baseUrl;
      const type = vendor.type === ProviderType.OPENAI && baseUrl !== '' && !/^https:\/\/api\.openai\.com(\/v1)?$/.test(baseUrl)
        ? ProviderType.OPENAI_COMPATIBLE
        : vendor.type;
      if (type === ProviderType.OPENAI_COMPATIBLE && baseUrl === '') return `"${wish.vendor}" needs its address (custom_host / api_base)`;
      if (type === ProviderType.AZURE_OPENAI && baseUrl === '') return 'Azure OpenAI needs the resource endpoint';
      if (wish.apiKey === '' && type !== ProviderType.OPENAI_COMPATIBLE) return `a ${wish.vendor} provider needs an API key, and none could be read`;
      const identity = JSON.stringify([type, baseUrl, wish.apiKey, wish.azureApiVersion ?? '']);
      const known = byIdentity.get(identity);
      if (known) return known;
      const slug = `${source}-${wish.vendor.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '') || 'provider'}`;
      const azureApiVersion = type === ProviderType.AZURE_OPENAI ? wish.azureApiVersion ?? '' : '';
      const chosen = chooseProviderId(slug, { type, baseUrl, apiKey: wish.apiKey, azureApiVersion }, held, ids);
      const id = chosen.id;
      ids.add(id);
      if (chosen.otherKeyAt !== undefined) {
        notes.push({
          source: `provider ${id}`,
          reason: `${chosen.otherKeyAt} has the same address with another API key, so this key got a provider of its own (if it replaces that key, set it on ${chosen.otherKeyAt} instead)`,
        });
      }
      const draft = create(CreateProviderRequestSchema, {
        id,
        name: id,
        type,
        baseUrl: type === ProviderType.OPENAI ? '' : baseUrl,
        apiKey: wish.apiKey,
        enabled: true,
        // The same upstream's provider keeps the models it has (routes of earlier imports may use them); this import adds its own.
        models: chosen.existing?.models.map((model) => create(ProviderModelSchema, model)) ?? [],
        ...(type === ProviderType.AZURE_OPENAI ? { azure: { apiVersion: azureApiVersion } } : {}),
      });
      byIdentity.set(identity, draft);
      return draft;
    },
    addModel(provider, upstreamModel, deployment = '') {
      if (provider.models.some((model) => model.upstreamModel === upstreamModel)) return;
      const azureDeployment = provider.type === ProviderType.AZURE_OPENAI ? deployment || upstreamModel : '';
      provider.models.push(create(ProviderModelSchema, { upstreamModel, enabled: true, deployment: azureDeployment }));
    },
    providers: () => [...byIdentity.values()],
    notes: () => [...notes],
  };
}
