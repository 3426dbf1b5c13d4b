// Before the first write: does every reference the plan writes, or leaves in
// place, name something that exists once the plan is applied? A route's
// targets, a health check's target, a prompt rule's route or key — against
// the providers (and their models), routes and keys the gateway has, as the
// file changes them (declared, or deleted by prune). The gateway refuses each
// of these itself, but one call at a time: a plan that fails at its third
// change has made the first two. Only references the plan writes or breaks
// are checked, so old data that already dangles never blocks an unrelated apply.
import type { GatewayConfigFile } from '../../gen/llmgateway/v1/gateway_config_pb.js';
import type { HealthCheck } from '../../gen/llmgateway/v1/health_checks_service_pb.js';
import { PromptRuleScope, type PromptRule } from '../../gen/llmgateway/v1/prompt_rules_service_pb.js';
import type { Provider } from '../../gen/llmgateway/v1/providers_service_pb.js';
import { RouteStrategy, type Route } from '../../gen/llmgateway/v1/routes_service_pb.js';
import type { ConfigProblem } from './config-file-error.js';
import { promptRuleIdentity } from './read-config-file.js';

export interface ReferenceCheckInput {
  config: GatewayConfigFile;
  /** "routes[1]" → "file:line:column"; the file alone when unknown. */
  sourceOf: (path: string) => string;
  /** The gateway's objects now; keys that are not revoked, id → name. */
  current: { providers: Provider[]; routes: Route[]; keys: Map<string, string>; promptRules: PromptRule[]; healthChecks: HealthCheck[] };
  /** "routes[1]" → 'create', or the fields an update sets; absent when the object already matches. */
  planned: Map<string, 'create' | string[]>;
  /** Identities prune deletes, by section ("providers" → ids, "prompt_rules" → "route:r/name"). */
  pruned: Map<string, Set<string>>;
}

interface Target {
  route: string;
  providerId: string;
  upstreamModel: string;
}

const routeTarget = (route: string): Target => ({ route, providerId: '', upstreamModel: '' });

export function checkReferences(input: ReferenceCheckInput): ConfigProblem[] {
  const { config, current, planned, pruned } = input;
  const problems: ConfigProblem[] = [];
  const prunes = (section: string, identity: string) => pruned.get(section)?.has(identity) === true;

  // What exists once the plan is applied.
  const models = new Map(current.providers.filter((provider) => !prunes('providers', provider.id)).map((provider) => [provider.id, new Set(provider.models.map((model) => model.upstreamModel))]));
  for (const provider of config.providers) models.set(provider.id, new Set(provider.models.map((model) => model.upstreamModel)));
  const routes = new Set([...current.routes.map((route) => route.name).filter((name) => !prunes('routes', name)), ...config.routes.map((route) => route.name)]);
  const keys = new Set([...[...current.keys.values()].filter((name) => !prunes('keys', name)), ...config.keys.map((key) => key.name)]);

  /** Why a target will not resolve once the plan is applied, and the file's field that causes it; undefined when it will. */
  const unresolved = (target: Target): { why: string; cause: string } | undefined => {
    if (target.route !== '') {
      if (routes.has(target.route)) return undefined;
      return prunes('routes', target.route)
        ? { why: `route "${target.route}" is deleted by this file (prune)`, cause: 'prune' }
        : { why: `no route "${target.route}" (the gateway has none, and the file declares none)`, cause: '' };
    }
    const served = models.get(target.providerId);
    if (served === undefined) {
      return prunes('providers', target.providerId)
        ? { why: `provider "${target.providerId}" is deleted by this file (prune)`, cause: 'prune' }
        : { why: `no provider "${target.providerId}" (the gateway has none, and the file declares none)`, cause: '' };
    }
    if (served.has(target.upstreamModel)) return undefined;
    const index = config.providers.findIndex((provider) => provider.id === target.providerId);
    return { why: `provider "${target.providerId}" will not list the model "${target.upstreamModel}"`, cause: index < 0 ? '' : `providers[${index}].models` };
  };
  const resolvesNow = (target: Target) =>
    target.route !== ''
      ? current.routes.some((route) => route.name === target.route)
      : current.providers.some((provider) => provider.id === target.providerId && provider.models.some((model) => model.upstreamModel === target.upstreamModel));
  /**
   * A reference the plan writes must resolve; one it leaves as it is must not be broken by the plan
   * (one that already dangles is the old data's, and the gateway does not look at it again).
   */
  const check = (path: string, user: string, target: Target, written: boolean) => {
    const missing = unresolved(target);
    if (missing === undefined || (!written && !resolvesNow(target))) return;
    if (path !== '') problems.push({ source: input.sourceOf(path), path, message: missing.why });
    else problems.push({ source: input.sourceOf(missing.cause), path: missing.cause, message: `${user}, which the file does not declare, would be left pointing at nothing: ${missing.why}` });
  };
  const writes = (path: string, fields: string[]) => {
    const change = planned.get(path);
    return change === 'create' || (change !== undefined && change.some((field) => fields.includes(field)));
  };
  const targetsOf = (route: { strategy: RouteStrategy; targets: Target[]; expert?: { experts: Target[] } | undefined }): [Target[], string] =>
    route.strategy === RouteStrategy.EXPERT ? [route.expert?.experts ?? [], 'expert.experts'] : [route.targets, 'targets'];

  config.routes.forEach((route, index) => {
    const written = writes(`routes[${index}]`, ['targets', 'expert', 'strategy']);
    const [list, field] = targetsOf(route);
    list.forEach((target, position) => check(`routes[${index}].${field}[${position}]`, '', target, written));
  });
  config.healthChecks.forEach((healthCheck, index) => {
    const written = writes(`health_checks[${index}]`, ['route', 'provider_id', 'upstream_model']);
    check(`health_checks[${index}].${healthCheck.route !== '' ? 'route' : 'provider_id'}`, '', healthCheck, written);
  });
  config.promptRules.forEach((rule, index) => {
    // A rule's scope is part of its identity: declared again, it is only created or left in place.
    const created = planned.get(`prompt_rules[${index}]`) === 'create';
    if (rule.route !== '') check(`prompt_rules[${index}].route`, '', routeTarget(rule.route), created);
    if (rule.key !== '' && !keys.has(rule.key)) {
      const why = prunes('keys', rule.key) ? `key "${rule.key}" is deleted by this file (prune)` : `no key named "${rule.key}" (the gateway has none that is not revoked, and the file declares none)`;
      problems.push({ source: input.sourceOf(`prompt_rules[${index}].key`), path: `prompt_rules[${index}].key`, message: why });
    }
  });

  // What the file does not declare, and prune keeps: the plan must not delete or remove what it uses.
  const declaredRoutes = new Set(config.routes.map((route) => route.name));
  for (const route of current.routes) {
    if (prunes('routes', route.name) || declaredRoutes.has(route.name)) continue;
    for (const target of targetsOf(route)[0]) check('', `route "${route.name}"`, target, false);
  }
  const declaredChecks = new Set(config.healthChecks.map((healthCheck) => healthCheck.name));
  for (const healthCheck of current.healthChecks) {
    if (!prunes('health_checks', healthCheck.name) && !declaredChecks.has(healthCheck.name)) check('', `health check "${healthCheck.name}"`, healthCheck, false);
  }
  const declaredRules = new Set(config.promptRules.map((rule) => promptRuleIdentity(rule.route, rule.key, rule.name)));
  for (const rule of current.promptRules) {
    const keyName = current.keys.get(rule.scopeId);
    const identity = rule.scope === PromptRuleScope.ROUTE ? promptRuleIdentity(rule.scopeId, '', rule.name) : promptRuleIdentity('', keyName ?? rule.scopeId, rule.name);
    if (prunes('prompt_rules', identity) || declaredRules.has(identity)) continue;
    if (rule.scope === PromptRuleScope.ROUTE) check('', `prompt rule "${rule.name}" of route "${rule.scopeId}"`, routeTarget(rule.scopeId), false);
    else if (keyName !== undefined && prunes('keys', keyName)) {
      const message = `prompt rule "${rule.name}" of key "${keyName}", which the file does not declare, would be left pointing at nothing: key "${keyName}" is deleted by this file (prune)`;
      problems.push({ source: input.sourceOf('prune'), path: 'prune', message });
    }
  }
  return problems;
}
