// Validation of provider fields, shared by create and update.
import type { ProviderModel } from '../../../../gen/llmgateway/v1/providers_service_pb.js';
import type { ProviderModelRecord, ProviderTypeName, UpstreamQuotaRecord } from '../../../domain/provider.js';
import { invalidArgument } from '../../../domain/gateway-error.js';
import { requireNonNegativeNumber, validateStringMap } from '../validate.js';
import { validateQuota } from './quota-validation.js';

export const PROVIDER_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const MODEL_ID_PATTERN = /^[^\s/][^\s]{0,199}$/;
const HEADER_NAME_PATTERN = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
// Credentials belong in api_key (encrypted); hop-by-hop headers are the transport's.
const FORBIDDEN_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'api-key',
  'x-api-key',
  'x-goog-api-key',
  'cookie',
  'host',
  'content-length',
  'connection',
  'transfer-encoding',
]);

export function providerIdFromName(name: string): string {
  const slug = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
  return slug || 'provider';
}

export function validateProviderId(id: string): string {
  if (!PROVIDER_ID_PATTERN.test(id)) {
    throw invalidArgument('id', 'must be 1–64 characters of a-z, 0-9, ".", "_" or "-", starting with a letter or digit');
  }
  return id;
}

export function validateApiKey(type: ProviderTypeName, apiKey: string): string {
  const trimmed = apiKey.trim();
  if (trimmed === '' && type !== 'openai-compatible') throw invalidArgument('api_key', 'is required for this provider type');
  if (trimmed.length > 4096) throw invalidArgument('api_key', 'must be at most 4096 characters');
  // It travels in an HTTP header: anything but visible ASCII cannot be sent (a pasted "…" or a
  // non-breaking space would fail every request later, locally, with an obscure error).
  const unsendable = /[^\x21-\x7e]/.exec(trimmed);
  if (unsendable) throw invalidArgument('api_key', `must be visible ASCII characters only: position ${unsendable.index + 1} is ${codePointOf(unsendable[0])}`);
  return trimmed;
}

/** "U+2026": names a character without echoing it (a control character, or part of a credential). */
function codePointOf(character: string): string {
  return `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

export function validateExtraHeaders(headers: Record<string, string>): Record<string, string> {
  const valid = validateStringMap('extra_headers', headers, {
    maxEntries: 32,
    maxKey: 100,
    maxValue: 2048,
    keyPattern: HEADER_NAME_PATTERN,
  });
  for (const [name, value] of Object.entries(valid)) {
    if (FORBIDDEN_HEADERS.has(name.toLowerCase())) {
      throw invalidArgument(`extra_headers[${JSON.stringify(name)}]`, 'is not allowed here (credentials go in api_key)');
    }
    // Header values are visible ASCII with inner spaces or tabs; anything else cannot be sent.
    const unsendable = /[^\x20-\x7e\t]/.exec(value);
    if (unsendable) {
      throw invalidArgument(`extra_headers[${JSON.stringify(name)}]`, `must be visible ASCII characters only: it contains ${codePointOf(unsendable[0])}`);
    }
  }
  return valid;
}

export function validateAzureApiVersion(type: ProviderTypeName, apiVersion: string): string {
  const trimmed = apiVersion.trim();
  if (trimmed !== '' && type !== 'azure-openai') throw invalidArgument('azure', 'is only for azure-openai providers');
  if (trimmed !== '' && !/^\d{4}-\d{2}-\d{2}(-preview)?$/.test(trimmed)) {
    throw invalidArgument('azure.api_version', 'must look like 2024-10-21 or 2025-04-01-preview');
  }
  return trimmed;
}

export function validateModels(type: ProviderTypeName, models: ProviderModel[]): ProviderModelRecord[] {
  if (models.length > 1000) throw invalidArgument('models', 'must have at most 1000 entries');
  const names = new Set<string>();
  return models.map((model, index) => {
    const field = `models[${index}]`;
    const upstreamModel = model.upstreamModel.trim();
    if (!MODEL_ID_PATTERN.test(upstreamModel)) {
      throw invalidArgument(`${field}.upstream_model`, 'is required: 1–200 characters, no spaces, not starting with "/"');
    }
    const alias = model.alias.trim();
    if (alias !== '' && !MODEL_ID_PATTERN.test(alias)) {
      throw invalidArgument(`${field}.alias`, 'must be 1–200 characters without spaces, not starting with "/"');
    }
    const deployment = model.deployment.trim();
    if (deployment !== '' && type !== 'azure-openai') {
      throw invalidArgument(`${field}.deployment`, 'is only for azure-openai providers');
    }
    if (deployment !== '' && !/^[A-Za-z0-9._-]{1,64}$/.test(deployment)) {
      throw invalidArgument(`${field}.deployment`, 'must be 1–64 characters of letters, digits, ".", "_" or "-"');
    }
    for (const name of [upstreamModel, alias].filter((value) => value !== '')) {
      if (names.has(name)) throw invalidArgument(field, `model name "${name}" appears twice in this provider`);
      names.add(name);
    }
    const prices = model.prices
      ? {
          inputPerMillion: requireNonNegativeNumber(`${field}.prices.input_per_million`, model.prices.inputPerMillion),
          outputPerMillion: requireNonNegativeNumber(`${field}.prices.output_per_million`, model.prices.outputPerMillion),
          cachedInputPerMillion: requireNonNegativeNumber(
            `${field}.prices.cached_input_per_million`,
            model.prices.cachedInputPerMillion,
          ),
          cacheWritePerMillion: requireNonNegativeNumber(
            `${field}.prices.cache_write_per_million`,
            model.prices.cacheWritePerMillion,
          ),
          perImage: requireNonNegativeNumber(`${field}.prices.per_image`, model.prices.perImage),
          perAudioSecond: requireNonNegativeNumber(`${field}.prices.per_audio_second`, model.prices.perAudioSecond),
          perMillionCharacters: requireNonNegativeNumber(`${field}.prices.per_million_characters`, model.prices.perMillionCharacters),
        }
      : null;
    return {
      upstreamModel,
      alias,
      enabled: model.enabled ?? true,
      deployment: type === 'azure-openai' ? deployment || upstreamModel : '',
      prices,
      ...optionalQuota(validateQuota(`${field}.quota`, model.quota)),
    };
  });
}

const optionalQuota = (quota: UpstreamQuotaRecord | undefined) => (quota ? { quota } : {});
