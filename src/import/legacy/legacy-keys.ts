// Old virtual keys → keys that keep their secret strings (existing_secret):
// bindings → allowed models (every name the old key could use: the model's
// name and identifier, a virtual model's name, or `provider/*`), rate limit →
// requests per minute, cache and logging flags. A key bound to nothing could
// call nothing in the old gateway, so it comes over disabled, not unrestricted.
import { create } from '@bufbuild/protobuf';
import { CreateKeyRequestSchema, type CreateKeyRequest } from '../../../gen/llmgateway/v1/keys_service_pb.js';
import { IMPORT_ID_METADATA, type Unmapped } from '../import-draft.js';
import type { LegacyCatalog } from './legacy-catalog.js';
import type { LegacyTables } from './legacy-database.js';
import { virtualModelNames } from './legacy-routes.js';
import { flag, jsonColumn, numberOrNull, text } from './legacy-rows.js';

const IGNORED_SWITCHES: Array<[string, string]> = [
  ['dynamic_compression_enabled', 'chat history compression has no counterpart here'],
  ['image_compression_enabled', 'image compression has no counterpart here'],
  ['intercept_zero_temperature', 'temperature replacement has no counterpart here (a prompt rule cannot change sampling)'],
];

export function legacyKeys(tables: LegacyTables, catalog: LegacyCatalog, unmapped: Unmapped[]): CreateKeyRequest[] {
  const virtualNames = virtualModelNames(tables);
  const namesOf = (modelId: string, field: string): string[] => {
    const real = catalog.realModels.get(modelId);
    if (real) return real.names;
    const route = virtualNames.get(modelId);
    if (route) return [route];
    unmapped.push({ source: field, reason: `names model "${modelId}", which does not exist or was not imported` });
    return [];
  };

  const keys: CreateKeyRequest[] = [];
  for (const row of tables.virtual_keys) {
    const id = text(row, 'id');
    const source = `virtual_keys[${id}]`;
    const secret = text(row, 'key_value').trim();
    if (secret === '') {
      unmapped.push({ source, reason: 'has no key_value; not imported' });
      continue;
    }
    let enabled = flag(row, 'enabled', true);
    const modelId = text(row, 'model_id');
    const boundIds = jsonColumn(row, 'model_ids', source, unmapped);
    const providerId = text(row, 'provider_id');
    let allowedModels: string[] = [];
    if (modelId !== '') {
      allowedModels = namesOf(modelId, `${source}.model_id`);
      if (Array.isArray(boundIds) && boundIds.length > 0) {
        unmapped.push({ source: `${source}.model_ids`, reason: 'is overridden by model_id, as in the old gateway; only model_id is allowed' });
      }
    } else if (Array.isArray(boundIds) && boundIds.length > 0) {
      allowedModels = boundIds.flatMap((bound, index) => namesOf(String(bound), `${source}.model_ids[${index}]`));
    } else if (providerId !== '') {
      const imported = catalog.providers.filter((provider) => provider.id === providerId || provider.id.startsWith(`${providerId}-`));
      allowedModels = imported.map((provider) => `${provider.id}/*`);
    }
    allowedModels = [...new Set(allowedModels)];
    if (allowedModels.length === 0) {
      if (enabled) unmapped.push({ source, reason: 'is bound to no model that exists, so it could call nothing; imported disabled' });
      enabled = false;
    }
    for (const [column, reason] of IGNORED_SWITCHES) {
      if (flag(row, column)) unmapped.push({ source: `${source}.${column}`, reason: `was on; ${reason}` });
    }
    const rateLimit = numberOrNull(row, 'rate_limit');
    keys.push(
      create(CreateKeyRequestSchema, {
        name: (text(row, 'name').trim() || `legacy key ${id}`).slice(0, 200),
        existingSecret: secret,
        enabled,
        allowedModels,
        rateLimits: { requestsPerMinute: rateLimit !== null && rateLimit > 0 ? Math.round(rateLimit) : 0 },
        cacheEnabled: flag(row, 'cache_enabled'),
        logRequestBodies: !flag(row, 'disable_logging'),
        metadata: { [IMPORT_ID_METADATA]: `legacy:${id}` },
      }),
    );
  }
  return keys;
}
