// `models.model_attributes` → the provider model's prices (USD per token →
// per million) and the provider's extra headers; the rest is listed: per-model
// timeouts and retries belong to routes here, and reasoning switches to requests.
import { create } from '@bufbuild/protobuf';
import { ModelPricesSchema, type CreateProviderRequest } from '../../../gen/llmgateway/v1/providers_service_pb.js';
import type { Unmapped } from '../import-draft.js';
import type { LegacyRow } from './legacy-database.js';
import { isRecord, jsonColumn } from './legacy-rows.js';

/** Catalogue facts the old gateway only showed in /v1/models: nothing to import, nothing lost. */
const INFORMATIONAL = /^(litellm_provider|mode|max_\w*tokens|supports_(vision|prompt_caching|function_calling))$/;
const DEFAULTS: Record<string, unknown> = { timeout: 60000, maxRetries: 2 };
const PER_MILLION = 1_000_000;

const perMillion = (value: unknown): number => {
  const parsed = Number(value);
  return Number.isFinite(parsed) && parsed >= 0 ? Math.round(parsed * PER_MILLION * 1e6) / 1e6 : 0;
};

export function modelAttributes(row: LegacyRow, source: string, provider: CreateProviderRequest, upstreamModel: string, unmapped: Unmapped[]): void {
  const attributes = jsonColumn(row, 'model_attributes', source, unmapped);
  if (!isRecord(attributes)) return;
  const model = provider.models.find((candidate) => candidate.upstreamModel === upstreamModel);
  const priced = ['input_cost_per_token', 'output_cost_per_token', 'input_cost_per_token_cache_hit'].some((name) => name in attributes);
  if (model && priced && !model.prices) {
    model.prices = create(ModelPricesSchema, {
      inputPerMillion: perMillion(attributes.input_cost_per_token),
      outputPerMillion: perMillion(attributes.output_cost_per_token),
      cachedInputPerMillion: perMillion(attributes.input_cost_per_token_cache_hit),
    });
  }
  for (const [name, value] of Object.entries(attributes)) {
    if (name.endsWith('cost_per_token') || name.endsWith('cost_per_token_cache_hit') || INFORMATIONAL.test(name)) continue;
    if (name in DEFAULTS && value === DEFAULTS[name]) continue;
    if (name === 'headers' && isRecord(value)) {
      for (const [header, headerValue] of Object.entries(value)) {
        const current = provider.extraHeaders[header];
        if (current !== undefined && current !== String(headerValue)) {
          unmapped.push({ source: `${source}.model_attributes.headers.${header}`, reason: `differs from another model of provider "${provider.id}"; headers are per provider here, the first value was kept` });
        } else {
          provider.extraHeaders[header] = String(headerValue);
        }
      }
      continue;
    }
    unmapped.push({ source: `${source}.model_attributes.${name}`, reason: reasonFor(name) });
  }
}

function reasonFor(name: string): string {
  if (name === 'timeout' || name === 'requestTimeout' || name === 'maxRetries') {
    return 'per-model timeouts and retries are route settings here (attempt_timeout, max_retries); put the model behind a route to keep it';
  }
  if (name.startsWith('supports_')) return 'switched provider-specific request fields on in the old gateway; send them as provider options instead';
  return 'has no counterpart in the gateway; not imported';
}
