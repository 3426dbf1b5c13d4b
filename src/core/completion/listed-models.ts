// The models a key is shown (ListModels, GET /v1/models): each id listed once, and only ids that a request
// of this key can use as they are — an enabled route, a provider's `provider/model`, and an alias or bare
// upstream id (`gpt-4o`) that resolves to its model for this key: apps moved from the old gateway, which
// listed upstream ids, pick their model from the list. A name shadowed by a route of the same name, or shared
// by several models the key may use (a request would get "ambiguous"), is left out: its models stay listed
// by full id.
import { create } from '@bufbuild/protobuf';
import { ModelInfoSchema, type ModelInfo } from '../../../gen/llmgateway/v1/completion_service_pb.js';
import type { RouteRecord } from '../../domain/route.js';
import type { VirtualKeyRecord } from '../../domain/virtual-key.js';
import { isModelAllowed } from './model-access.js';
import type { CatalogSnapshot } from './provider-catalog.js';
import { namesOf, resolveModel } from './resolve-model.js';

export function listedModels(key: VirtualKeyRecord, routes: ReadonlyMap<string, RouteRecord>, snapshot: CatalogSnapshot): ModelInfo[] {
  const listed = new Map<string, ModelInfo>();
  const shadowed = (name: string) => routes.get(name)?.enabled === true;
  for (const route of routes.values()) {
    if (route.enabled && isModelAllowed(key.allowedModels, [route.name])) listed.set(route.name, create(ModelInfoSchema, { id: route.name, kind: 'route' }));
  }
  const restricted = key.allowedModels.length > 0;
  const admits = restricted ? (candidate: Parameters<typeof namesOf>[0]) => isModelAllowed(key.allowedModels, namesOf(candidate)) : undefined;
  for (const provider of snapshot.providers.values()) {
    if (!provider.record.enabled) continue;
    for (const model of provider.record.models) {
      if (!model.enabled || !isModelAllowed(key.allowedModels, namesOf({ provider, model }))) continue;
      const base = { providerId: provider.record.id, upstreamModel: model.upstreamModel, kind: 'model' };
      const id = `${provider.record.id}/${model.upstreamModel}`;
      if (!shadowed(id) && !listed.has(id)) listed.set(id, create(ModelInfoSchema, { ...base, id }));
      for (const name of [model.alias, model.upstreamModel]) {
        if (!name || shadowed(name) || listed.has(name) || !resolvesTo(name, snapshot, admits, provider.record.id, model.upstreamModel)) continue;
        listed.set(name, create(ModelInfoSchema, { ...base, id: name }));
      }
    }
  }
  return [...listed.values()].sort((left, right) => left.id.localeCompare(right.id));
}

function resolvesTo(
  name: string,
  snapshot: CatalogSnapshot,
  admits: Parameters<typeof resolveModel>[2],
  providerId: string,
  upstreamModel: string,
): boolean {
  try {
    const resolved = resolveModel(name, snapshot, admits);
    return resolved.provider.record.id === providerId && resolved.model.upstreamModel === upstreamModel;
  } catch {
    return false;
  }
}
