// Step 2 of the pipeline: the requested model → the target to call. Routing
// (routes, failover, load balancing) will plan several targets here; today a
// request has exactly one.
import type { UpstreamTarget } from '../../providers/provider-adapter.js';
import type { VirtualKeyRecord } from '../../storage/records.js';
import { assertModelAllowed } from './model-access.js';
import type { ProviderCatalog } from './provider-catalog.js';
import { namesOf, resolveModel, type ResolvedModel } from './resolve-model.js';

export interface RequestPlan {
  resolved: ResolvedModel;
  /** Always the resolved upstream model, never the client's string. */
  target: UpstreamTarget;
}

export async function planRequest(model: string, key: VirtualKeyRecord, catalog: ProviderCatalog): Promise<RequestPlan> {
  const resolved = resolveModel(model, await catalog.snapshot());
  assertModelAllowed(key.allowedModels, namesOf(resolved), model);
  return {
    resolved,
    target: { upstreamModel: resolved.model.upstreamModel, deployment: resolved.model.deployment },
  };
}
