// What of the running configuration an export can write so that `apply`
// accepts the file again — onto the same gateway and onto a fresh one. Left
// out, each with a line saying why: expired keys (a key cannot be created
// with an expiry in the past, and one that is expired authenticates nothing),
// prompt rules of a key that is revoked, deleted or expired, a route's target
// whose provider or model is gone (the route never reached it; a route left
// with no target is left out), and prompt rules and health checks of what is
// left out or gone (such references come from data older than the admin
// checks that now refuse them), and keys that share a name with another key
// that is not revoked: a file names a key by its name, and `apply` refuses to
// guess which of several the file means (rename them to export them).
import { timestampDate, timestampMs } from '@bufbuild/protobuf/wkt';
import type { HealthCheck } from '../../gen/llmgateway/v1/health_checks_service_pb.js';
import type { VirtualKey } from '../../gen/llmgateway/v1/keys_service_pb.js';
import { PromptRuleScope, type PromptRule } from '../../gen/llmgateway/v1/prompt_rules_service_pb.js';
import type { Provider } from '../../gen/llmgateway/v1/providers_service_pb.js';
import { RouteStrategy, type Route, type RouteTarget } from '../../gen/llmgateway/v1/routes_service_pb.js';

export interface GatewayObjects {
  providers: Provider[];
  routes: Route[];
  /** The keys that are not revoked. */
  keys: VirtualKey[];
  promptRules: PromptRule[];
  healthChecks: HealthCheck[];
}

export interface ExportSelection extends GatewayObjects {
  /** What the gateway holds that the file leaves out, and why: one line each. */
  leftOut: string[];
}

export function selectExportable(objects: GatewayObjects, now: number): ExportSelection {
  const leftOut: string[] = [];
  const modelsOf = new Map(objects.providers.map((provider) => [provider.id, new Set(provider.models.map((model) => model.upstreamModel))]));
  /** Why a provider model cannot be a target any more; undefined when it can. */
  const goneModel = (providerId: string, model: string): string | undefined => {
    const models = modelsOf.get(providerId);
    if (models === undefined) return `provider "${providerId}" no longer exists`;
    return models.has(model) ? undefined : `provider "${providerId}" no longer lists "${model}"`;
  };

  const routes = selectRoutes(objects.routes, goneModel, leftOut);
  const routeNames = new Set(routes.map((route) => route.name));
  const goneRoute = (name: string) => (routeNames.has(name) ? undefined : `route "${name}" no longer exists or is left out`);

  const keys: VirtualKey[] = [];
  const leftOutKeys = new Map<string, string>();
  const sharing = keysByName(objects.keys);
  for (const key of objects.keys) {
    const others = sharing.get(key.name)!.filter((other) => other !== key.id);
    if (others.length > 0) {
      leftOutKeys.set(key.id, `of key "${key.name}" (${key.id}): the key is left out above`);
      leftOut.push(`key "${key.name}" (${key.id}): ${others.join(', ')} ${others.length > 1 ? 'have' : 'has'} the same name; rename them to export them`);
    } else if (key.expiresAt && timestampMs(key.expiresAt) <= now) {
      leftOutKeys.set(key.id, `of key "${key.name}": the key is expired, so the rule never applies`);
      leftOut.push(`key "${key.name}" (${key.id}): expired ${timestampDate(key.expiresAt).toISOString()}; a key cannot be created already expired`);
    } else {
      keys.push(key);
    }
  }
  const keyIds = new Set(keys.map((key) => key.id));
  const promptRules = objects.promptRules.filter((rule) => {
    const routeGone = rule.scope === PromptRuleScope.ROUTE ? goneRoute(rule.scopeId) : undefined;
    const why = rule.scope === PromptRuleScope.ROUTE
      ? routeGone && `of route "${rule.scopeId}": ${routeGone}`
      : keyIds.has(rule.scopeId)
        ? undefined
        : (leftOutKeys.get(rule.scopeId) ?? `of key ${rule.scopeId}: the key is revoked or deleted, so the rule never applies`);
    if (why !== undefined) leftOut.push(`prompt rule "${rule.name}" ${why}`);
    return why === undefined;
  });
  const healthChecks = objects.healthChecks.filter((check) => {
    const why = check.route !== '' ? goneRoute(check.route) : goneModel(check.providerId, check.upstreamModel);
    if (why !== undefined) leftOut.push(`health check "${check.name}": ${why}`);
    return why === undefined;
  });
  return { providers: objects.providers, routes, keys, promptRules, healthChecks, leftOut };
}

/** Key name → the ids of the keys that have it. */
function keysByName(keys: VirtualKey[]): Map<string, string[]> {
  const ids = new Map<string, string[]>();
  for (const key of keys) ids.set(key.name, [...(ids.get(key.name) ?? []), key.id]);
  return ids;
}

/**
 * Routes in dependency order (a route after the routes it targets), each without the targets that are
 * gone; an expert route with a gone target, or a route with none left, is left out.
 */
function selectRoutes(routes: Route[], goneModel: (providerId: string, model: string) => string | undefined, leftOut: string[]): Route[] {
  const byName = new Map(routes.map((route) => [route.name, route]));
  const kept = new Map<string, Route>();
  const visited = new Set<string>();
  const goneTarget = (target: { route: string; providerId: string; upstreamModel: string }): string | undefined => {
    if (target.route === '') return goneModel(target.providerId, target.upstreamModel);
    return kept.has(target.route) ? undefined : `route "${target.route}" no longer exists or is left out`;
  };
  const visit = (route: Route) => {
    if (visited.has(route.name)) return;
    visited.add(route.name);
    const targets: Array<{ route: string; providerId: string; upstreamModel: string }> =
      route.strategy === RouteStrategy.EXPERT ? (route.expert?.experts ?? []) : route.targets;
    for (const target of targets) {
      const dependency = target.route === '' ? undefined : byName.get(target.route);
      if (dependency) visit(dependency);
    }
    if (route.strategy === RouteStrategy.EXPERT) {
      const why = targets.map(goneTarget).find((reason) => reason !== undefined);
      if (why !== undefined) leftOut.push(`route "${route.name}": an expert's target is gone (${why})`);
      else kept.set(route.name, route);
      return;
    }
    const remaining: RouteTarget[] = [];
    for (const target of route.targets) {
      const why = goneTarget(target);
      if (why === undefined) remaining.push(target);
      else leftOut.push(`route "${route.name}": target ${target.route || `${target.providerId}/${target.upstreamModel}`} (${why})`);
    }
    if (remaining.length === 0) leftOut.push(`route "${route.name}": none of its targets is left`);
    else kept.set(route.name, remaining.length === route.targets.length ? route : { ...route, targets: remaining });
  };
  routes.forEach(visit);
  // The gateway's order (by name), which the file keeps.
  return routes.filter((route) => kept.has(route.name)).map((route) => kept.get(route.name)!);
}
