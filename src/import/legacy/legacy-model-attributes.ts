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
/** The old per-token attribute → the gateway's per-million price field. */
const PRICE_FIELDS = [
  ['input_cost_per_token', 'inputPerMillion'],
  ['output_cost_per_token', 'outputPerMillion'],
  ['input_cost_per_token_cache_hit', 'cachedInputPerMillion'],
] as const;

/**
 * The dearest price taken, per million tokens: 1 USD per token, over a thousand times the dearest real model's. The
 * gateway takes any finite number ≥ 0, but a value above this is a placeholder or a typo (1e300), and the costs
 * computed from it would overflow what request logs and budgets can hold.
 */
const MAX_PER_MILLION = 1_000_000;

/** USD per token → per million tokens, rounded to a millionth of a dollar; undefined for a value that is no price. */
function perMillion(value: unknown): number | undefined {
  const parsed = typeof value === 'number' || (typeof value === 'string' && value.trim() !== '') ? Number(value) : Number.NaN;
  const million = parsed * PER_MILLION;
  if (!Number.isFinite(million) || million < 0 || million > MAX_PER_MILLION) return undefined;
  return Math.round(million * 1e6) / 1e6;
}

export function modelAttributes(row: LegacyRow, source: string, provider: CreateProviderRequest, upstreamModel: string, unmapped: Unmapped[]): void {
  const attributes = jsonColumn(row, 'model_attributes', source, unmapped);
  if (!isRecord(attributes)) return;
  const model = provider.models.find((candidate) => candidate.upstreamModel === upstreamModel);
  // A bad value costs that price (reported), never the provider: the gateway would refuse the whole provider.
  const prices: Partial<Record<(typeof PRICE_FIELDS)[number][1], number>> = {};
  const refused: string[] = [];
  for (const [attribute, field] of PRICE_FIELDS) {
    // null: no price, as when the attribute is absent.
    if (attributes[attribute] === undefined || attributes[attribute] === null) continue;
    const price = perMillion(attributes[attribute]);
    if (price === undefined) refused.push(attribute);
    else prices[field] = price;
  }
  const priced = Object.keys(prices).length > 0;
  for (const attribute of refused) {
    unmapped.push({
      source: `${source}.model_attributes.${attribute}`,
      reason:
        `${JSON.stringify(attributes[attribute])} per token is no price (a price here is a number from 0 to 1 USD per token); left out, ` +
        (priced ? 'so that price is 0 for this model here' : 'so this model has no prices of its own here'),
    });
  }
  if (model && priced && !model.prices) model.prices = create(ModelPricesSchema, prices);
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
