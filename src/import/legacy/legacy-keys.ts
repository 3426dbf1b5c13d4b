// Old virtual keys → keys that keep their secret strings (existing_secret):
// bindings → allowed models (the qualified name of each bound model, a virtual
// model's route name, or `<provider>/*` for each provider made from a bound old
// provider), rate limit → requests per minute, cache and logging flags. A key
// bound to nothing could call nothing in the old gateway, so it comes over
// disabled, never enabled with an empty list (which here means unrestricted).
// A key whose bindings lead to a provider skipped for an undecryptable key is
// "held": the plan keeps what the gateway already allows it there (held-objects.ts).
import { create } from '@bufbuild/protobuf';
import { CreateKeyRequestSchema, type CreateKeyRequest } from '../../../gen/llmgateway/v1/keys_service_pb.js';
import type { HeldKey } from '../held-objects.js';
import { IMPORT_ID_METADATA, type Unmapped } from '../import-draft.js';
import type { LegacyCatalog } from './legacy-catalog.js';
import type { LegacyKeyBinding } from './legacy-key-bindings.js';
import { isExactAllowedModel, type LegacyRouteNames } from './legacy-names.js';
import { flag, numberOrNull, text } from './legacy-rows.js';

const IGNORED_SWITCHES: Array<[string, string]> = [
  ['dynamic_compression_enabled', 'chat history compression has no counterpart here'],
  ['image_compression_enabled', 'image compression has no counterpart here'],
  ['intercept_zero_temperature', 'temperature replacement has no counterpart here (a prompt rule cannot change sampling)'],
];

export interface LegacyKeys {
  keys: CreateKeyRequest[];
  held: HeldKey[];
}

export function legacyKeys(
  bindings: LegacyKeyBinding[],
  catalog: LegacyCatalog,
  routeNames: LegacyRouteNames,
  unmapped: Unmapped[],
): LegacyKeys {
  const result: LegacyKeys = { keys: [], held: [] };
  for (const binding of bindings) {
    const { row, id, source } = binding;
    const secret = text(row, 'key_value').trim();
    if (secret === '') {
      unmapped.push({ source, reason: 'has no key_value; not imported' });
      continue;
    }
    /** Old providers skipped for an undecryptable key that this key's bindings lead to. */
    const skipped = new Set<string>();
    const namesOf = (modelId: string, field: string): string[] => {
      const real = catalog.realModels.get(modelId);
      if (real) return real.names;
      const route = routeNames.byVirtualModel.get(modelId);
      if (route) return [route];
      const provider = catalog.undecryptableModels.get(modelId);
      if (provider !== undefined) {
        skipped.add(provider);
        return [];
      }
      unmapped.push({ source: field, reason: `names model "${modelId}", which does not exist or was not imported` });
      return [];
    };

    let allowedModels: string[] = [];
    if (binding.kind === 'model_id' || binding.kind === 'model_ids') {
      const field = binding.kind === 'model_id' ? `${source}.model_id` : `${source}.model_ids`;
      allowedModels = binding.modelIds.flatMap((modelId, index) => namesOf(modelId, binding.kind === 'model_id' ? field : `${field}[${index}]`));
      allowedModels = allowedModels.filter((name) => {
        if (isExactAllowedModel(name)) return true;
        unmapped.push({ source: field, reason: `"${name}" cannot be an allowed-model entry here (letters, digits, . _ : @ / - + only); left out` });
        return false;
      });
    } else if (binding.kind === 'provider_id') {
      if (catalog.undecryptable.has(binding.providerId)) skipped.add(binding.providerId);
      // Exactly the providers made from that old provider, never another old provider whose id merely starts the same.
      allowedModels = catalog.providersFrom(binding.providerId).map((providerId) => `${providerId}/*`);
    }
    allowedModels = [...new Set(allowedModels)];

    let enabled = flag(row, 'enabled', true);
    const importId = `legacy:${id}`;
    if (skipped.size > 0) {
      result.held.push({ importId, enabledInSource: enabled });
      unmapped.push({
        source,
        reason:
          `is bound to models of providers whose key did not decrypt (${[...skipped].join(', ')}): a key this import made before keeps its allowed ` +
          'models on providers not imported this run and is not switched off for that; a new key gets only what could be imported (disabled when that is nothing)',
      });
    }
    if (allowedModels.length === 0) {
      if (enabled && skipped.size === 0) unmapped.push({ source, reason: 'is bound to no model that exists, so it could call nothing; imported disabled' });
      enabled = false;
    }
    for (const [column, reason] of IGNORED_SWITCHES) {
      if (flag(row, column)) unmapped.push({ source: `${source}.${column}`, reason: `was on; ${reason}` });
    }
    const rateLimit = numberOrNull(row, 'rate_limit');
    result.keys.push(
      create(CreateKeyRequestSchema, {
        name: (text(row, 'name').trim() || `legacy key ${id}`).slice(0, 200),
        existingSecret: secret,
        enabled,
        allowedModels,
        rateLimits: { requestsPerMinute: rateLimit !== null && rateLimit > 0 ? Math.round(rateLimit) : 0 },
        cacheEnabled: flag(row, 'cache_enabled'),
        logRequestBodies: !flag(row, 'disable_logging'),
        metadata: { [IMPORT_ID_METADATA]: importId },
      }),
    );
  }
  return result;
}
