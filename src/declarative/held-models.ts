// A provider's models the file drops while routes or health checks still use
// them. The gateway refuses to remove a model something uses, and the plan
// updates providers before routes: a file that moves a route to another model
// and drops the old one in the same apply would be refused at the provider.
// So such an update is split: the provider keeps those models until the routes
// and health checks are updated, then a last update removes them.
import { create } from '@bufbuild/protobuf';
import { ProviderConfigSchema, type ProviderConfig } from '../../gen/llmgateway/v1/gateway_config_pb.js';
import type { HealthCheck } from '../../gen/llmgateway/v1/health_checks_service_pb.js';
import type { Provider } from '../../gen/llmgateway/v1/providers_service_pb.js';
import { RouteStrategy, type Route } from '../../gen/llmgateway/v1/routes_service_pb.js';

/** The models of `current` that `desired` drops and a route or health check uses now. */
export function heldModels(desired: ProviderConfig, current: Provider, routes: Route[], checks: HealthCheck[]): string[] {
  const kept = new Set(desired.models.map((model) => model.upstreamModel));
  const used = new Set<string>();
  for (const route of routes) {
    const targets = route.strategy === RouteStrategy.EXPERT ? (route.expert?.experts ?? []) : route.targets;
    for (const target of targets) if (target.route === '' && target.providerId === current.id) used.add(target.upstreamModel);
  }
  for (const check of checks) if (check.route === '' && check.providerId === current.id) used.add(check.upstreamModel);
  return current.models.map((model) => model.upstreamModel).filter((model) => !kept.has(model) && used.has(model));
}

/**
 * `desired` with the `held` models as the gateway has them, for the update before the routes change: in the
 * gateway's order (a list compares in order), the file's new models after them.
 */
export function withHeldModels(desired: ProviderConfig, current: Provider, held: string[]): ProviderConfig {
  const declared = new Map(desired.models.map((model) => [model.upstreamModel, model]));
  const models = current.models.flatMap((model) => (held.includes(model.upstreamModel) ? [model] : (declared.has(model.upstreamModel) ? [declared.get(model.upstreamModel)!] : [])));
  const known = new Set(current.models.map((model) => model.upstreamModel));
  return create(ProviderConfigSchema, { ...desired, models: [...models, ...desired.models.filter((model) => !known.has(model.upstreamModel))] });
}
