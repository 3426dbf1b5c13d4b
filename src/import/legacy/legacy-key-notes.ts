// What an old key could send that it cannot send here, named per key: the old
// gateway resolved a model name per key (only among the models the key was
// bound to), the gateway resolves it once for everyone — a route's name before
// any provider model's, one name per model per provider — and needs a model in
// every request. Each line names the keys whose clients must change something.
import type { CreateKeyRequest } from '../../../gen/llmgateway/v1/keys_service_pb.js';
import type { CreateRouteRequest } from '../../../gen/llmgateway/v1/routes_service_pb.js';
import { IMPORT_ID_METADATA, type Unmapped } from '../import-draft.js';
import type { LegacyCatalog } from './legacy-catalog.js';
import type { LegacyKeyBinding } from './legacy-key-bindings.js';

export interface KeyNotesInput {
  catalog: LegacyCatalog;
  bindings: LegacyKeyBinding[];
  routes: CreateRouteRequest[];
  keys: CreateKeyRequest[];
}

export function reportKeyNotes(input: KeyNotesInput, unmapped: Unmapped[]): void {
  const allowedOf = new Map(input.keys.map((key) => [key.metadata[IMPORT_ID_METADATA] ?? '', key.allowedModels]));
  const imported = input.bindings.filter((binding) => allowedOf.has(`legacy:${binding.id}`));
  const allowed = (binding: LegacyKeyBinding) => allowedOf.get(`legacy:${binding.id}`) ?? [];
  const labels = (keys: LegacyKeyBinding[]) => keys.map((key) => key.label).join(', ');

  // Only keys bound to the model lose its name: a provider-bound key sent its model string upstream unchanged.
  for (const lost of input.catalog.lostNames) {
    const keys = imported.filter((binding) => binding.modelIds.includes(lost.modelId));
    unmapped.push({
      source: lost.modelId === '' ? `model name "${lost.name}"` : `models[${lost.modelId}].name`,
      reason: `"${lost.name}" ${lost.reason}; that model answers to "${lost.ref.providerId}/${lost.ref.upstreamModel}" here` +
        (keys.length > 0 ? `, which the keys bound to it must send instead: ${labels(keys)}` : ''),
    });
  }

  // A route takes a bare name from every provider model that also answers to it.
  for (const route of input.routes) {
    const served = input.catalog.providers.flatMap((provider) =>
      provider.models.filter((model) => model.upstreamModel === route.name || model.alias === route.name).map((model) => ({ providerId: provider.id, upstreamModel: model.upstreamModel })),
    );
    if (served.length === 0) continue;
    const servedModelIds = new Set(
      [...input.catalog.realModels].filter(([, real]) => served.some((ref) => ref.providerId === real.ref.providerId && ref.upstreamModel === real.ref.upstreamModel)).map(([id]) => id),
    );
    const keys = imported.filter(
      (binding) =>
        !allowed(binding).includes(route.name) &&
        (binding.modelIds.some((modelId) => servedModelIds.has(modelId)) ||
          (binding.kind === 'provider_id' && served.some((ref) => ref.upstreamModel === route.name && input.catalog.providersFrom(binding.providerId).includes(ref.providerId)))),
    );
    const qualified = served.map((ref) => `${ref.providerId}/${ref.upstreamModel}`);
    unmapped.push({
      source: `model name "${route.name}"`,
      reason: `is a route here (an old virtual model or routing config) and also a name of ${qualified.join(', ')}; the route wins the bare name, so ` +
        (keys.length > 0 ? `the keys bound to ${served.length > 1 ? 'those models' : 'that model'} must send "<provider>/<model>" (e.g. "${qualified[0]}"): ${labels(keys)}` : 'a key bound to that model must send "<provider>/<model>"'),
    });
  }

  let boundByList = 0;
  for (const binding of imported) {
    const names = allowed(binding);
    if (binding.kind === 'model_ids') boundByList += 1;
    if (binding.kind === 'model_id' && names.length > 0) {
      unmapped.push({
        source: `${binding.source}.model_id`,
        reason: `the old gateway sent every request of this key to that model whatever "model" it named; here the key may call only it, and each request must name it ("${names.join('" or "')}")`,
      });
    }
    if (binding.kind === 'provider_id' && names.length > 0) {
      unmapped.push({
        source: `${binding.source}.provider_id`,
        reason: `the old gateway passed any model string to provider "${binding.providerId}"; here the key reaches the models listed for ${names.map((entry) => entry.replace(/\/\*$/, '')).join(', ')} — add a model the old data did not list to that provider first`,
      });
    }
  }
  if (boundByList > 0) {
    unmapped.push({
      source: `virtual_keys (${boundByList} bound by model_ids)`,
      reason: 'a request without "model" went to the key\'s first bound model in the old gateway; here every request must name its model',
    });
  }
}
