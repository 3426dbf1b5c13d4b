// Old virtual keys → keys that keep their secret strings (existing_secret):
// bindings → allowed models (the qualified name of each bound model, a virtual
// model's route name, or `<provider>/*` for each provider made from a bound old
// provider), rate limit → requests per minute, cache and logging flags. A key
// bound to nothing could call nothing in the old gateway, so it comes over
// disabled, never enabled with an empty list (which here means unrestricted).
// A key whose bindings lead to a provider skipped for an undecryptable key is
// "held": the plan keeps what the gateway already allows it there (held-objects.ts).
// A key string the gateway cannot take as it is (existing_secret: 8–200 visible
// ASCII characters) cannot keep working: that key is reported, never created
// with a new secret nobody would see. The old gateway never enforced its rate
// limit; each key that gets one enforced now is named.
import { create } from '@bufbuild/protobuf';
import { CreateKeyRequestSchema, type CreateKeyRequest } from '../../../gen/llmgateway/v1/keys_service_pb.js';
import { cutToLength, singleLine } from '../gateway-text.js';
import type { HeldKey } from '../held-objects.js';
import { IMPORT_ID_METADATA, type Unmapped } from '../import-draft.js';
import type { LegacyCatalog } from './legacy-catalog.js';
import type { LegacyKeyBinding } from './legacy-key-bindings.js';
import { isExactAllowedModel, type LegacyRouteNames } from './legacy-names.js';
import type { HeldRoutes } from './legacy-routes.js';
import { flag, numberOrNull, text } from './legacy-rows.js';

/** The gateway's rule for an imported key string (core/auth/virtual-key-secret.ts), which src/import may not import. */
const ACCEPTED_SECRET = /^[\x21-\x7E]{8,200}$/;

const IGNORED_SWITCHES: Array<[string, string]> = [
  ['dynamic_compression_enabled', 'chat history compression has no counterpart here'],
  ['image_compression_enabled', 'image compression has no counterpart here'],
  ['intercept_zero_temperature', 'temperature replacement has no counterpart here (a prompt rule cannot change sampling)'],
];

export interface LegacyKeys {
  keys: CreateKeyRequest[];
  held: HeldKey[];
}

/** The routes this import drafts, and those held for providers whose key did not decrypt (legacy-routes.ts). */
export interface DraftedRoutes {
  names: ReadonlySet<string>;
  held: HeldRoutes;
}

export function legacyKeys(
  bindings: LegacyKeyBinding[],
  catalog: LegacyCatalog,
  routeNames: LegacyRouteNames,
  routes: DraftedRoutes,
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
      if (route !== undefined && routes.names.has(route)) return [route];
      const heldFor = route === undefined ? undefined : routes.held.get(route);
      if (heldFor !== undefined) {
        for (const provider of heldFor) skipped.add(provider);
        return [];
      }
      const unrouted = routeNames.unrouted.get(modelId);
      if (route !== undefined || unrouted !== undefined) {
        // Allowing a name no route has would leave the key on with nothing it can call.
        const why = route !== undefined ? `whose route "${route}" was not created (its config's line says why)` : `which has no route here (models[${modelId}])`;
        unmapped.push({ source: field, reason: `names the virtual model "${unrouted ?? route}", ${why}; left out` });
        return [];
      }
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
    const name = cutToLength(singleLine(text(row, 'name')), 200) || cutToLength(`legacy key ${id}`, 200);
    if (!ACCEPTED_SECRET.test(secret)) {
      // The string itself is never printed: it is what the old clients still send.
      const allowed = allowedModels.map((entry) => ` --allowed-model ${JSON.stringify(entry)}`).join('');
      unmapped.push({
        source: `${source}.key_value`,
        reason:
          `is ${describeSecret(secret)}, and the gateway keeps an imported key string only when it is 8–200 visible ASCII characters, so its clients cannot go on using it; not imported — ` +
          (!enabled
            ? 'it was off in the old gateway'
            : allowed !== ''
              ? `create a key for them (llm-gateway keys create --name ${JSON.stringify(name)}${allowed}) and give them its new secret`
              : 'create a key for them (with --allowed-model for what they call) and give them its new secret'),
      });
      continue;
    }
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
    const requestsPerMinute = rateLimit !== null && rateLimit > 0 ? Math.round(rateLimit) : 0;
    if (requestsPerMinute > 0) {
      unmapped.push({
        source: `${source}.rate_limit`,
        reason: `was ${rateLimit} requests per minute, which the old gateway never enforced; here it is enforced (a 429 above ${requestsPerMinute} requests a minute) — raise or clear it on the key if its clients send more`,
      });
    }
    result.keys.push(
      create(CreateKeyRequestSchema, {
        name,
        existingSecret: secret,
        enabled,
        allowedModels,
        rateLimits: { requestsPerMinute },
        cacheEnabled: flag(row, 'cache_enabled'),
        logRequestBodies: !flag(row, 'disable_logging'),
        metadata: { [IMPORT_ID_METADATA]: importId },
      }),
    );
  }
  return result;
}

/** What is wrong with a key string, without a character of it. */
function describeSecret(secret: string): string {
  if (secret.length < 8 || secret.length > 200) return `${secret.length} characters long`;
  return 'not only visible ASCII characters (it has a space or a non-ASCII character)';
}
