// A LiteLLM proxy config.yaml → providers, models and routes. Each
// `model_name` becomes a route over its deployments (`litellm_params.model` =
// `<provider>/<model>`), with router_settings' strategy, retries and timeout;
// `fallbacks` wrap a group's route in a priority route that falls back to the
// named groups. Keys given as `os.environ/NAME` are read from the environment
// the import runs in. LiteLLM's format: https://docs.litellm.ai/docs/proxy/configs
import { create } from '@bufbuild/protobuf';
import { parse } from 'yaml';
import {
  CreateRouteRequestSchema,
  RouteSettingsSchema,
  RouteStrategy,
  RouteTargetSchema,
  type CreateRouteRequest,
  type RouteTarget,
} from '../../../gen/llmgateway/v1/routes_service_pb.js';
import type { Provider } from '../../../gen/llmgateway/v1/providers_service_pb.js';
import { emptyDraft, type ImportDraft, type Unmapped } from '../import-draft.js';
import { orderRoutes } from '../order-routes.js';
import { createProviderPool, type ProviderPool } from '../provider-pool.js';
import { timeoutSettings } from '../timeout-settings.js';

type JsonObject = Record<string, unknown>;
const isObject = (value: unknown): value is JsonObject => value !== null && typeof value === 'object' && !Array.isArray(value);
const text = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '');

const STRATEGIES: Record<string, { strategy: RouteStrategy; note?: string }> = {
  'simple-shuffle': { strategy: RouteStrategy.WEIGHTED },
  'latency-based-routing': { strategy: RouteStrategy.LEAST_LATENCY },
  'least-busy': { strategy: RouteStrategy.LEAST_LATENCY, note: 'fewest requests in flight has no counterpart; imported as least latency' },
  'usage-based-routing': { strategy: RouteStrategy.WEIGHTED, note: 'usage-based routing has no counterpart; imported as weighted by tpm/rpm' },
  'usage-based-routing-v2': { strategy: RouteStrategy.WEIGHTED, note: 'usage-based routing has no counterpart; imported as weighted by tpm/rpm' },
  'cost-based-routing': { strategy: RouteStrategy.PRIORITY, note: 'cost-based routing has no counterpart; imported as priority in list order' },
};

/** `existing`: the providers the gateway holds, so that an id stays with the upstream it was made for. */
export function draftFromLitellm(yamlText: string, environment: NodeJS.ProcessEnv, existing: readonly Provider[] = []): ImportDraft {
  const config: unknown = parse(yamlText);
  if (!isObject(config) || !Array.isArray(config.model_list)) throw new Error('the LiteLLM config has no model_list');
  const draft = emptyDraft();
  const pool = createProviderPool('litellm', existing);
  const router = isObject(config.router_settings) ? config.router_settings : {};
  const library = isObject(config.litellm_settings) ? config.litellm_settings : {};
  const strategyName = text(router.routing_strategy) || 'simple-shuffle';
  const strategy = STRATEGIES[strategyName] ?? { strategy: RouteStrategy.WEIGHTED, note: `"${strategyName}" is unknown; imported as weighted` };
  if (strategy.note) draft.unmapped.push({ source: 'router_settings.routing_strategy', reason: strategy.note });

  const groups = new Map<string, RouteTarget[]>();
  config.model_list.forEach((entry, index) => {
    const source = `model_list[${index}]`;
    if (!isObject(entry) || !isObject(entry.litellm_params) || text(entry.model_name) === '') {
      draft.unmapped.push({ source, reason: 'needs model_name and litellm_params; skipped' });
      return;
    }
    const target = deployment(entry, entry.litellm_params, source, { pool, environment, unmapped: draft.unmapped, weighted: strategy.strategy === RouteStrategy.WEIGHTED });
    if (target) groups.set(text(entry.model_name), [...(groups.get(text(entry.model_name)) ?? []), target]);
  });

  const settings = routeSettings(router, library);
  const routes: CreateRouteRequest[] = [];
  const fallbacks = fallbackMap(router.fallbacks ?? library.fallbacks, 'fallbacks', draft.unmapped);
  for (const [name, targets] of groups) {
    const chain = (fallbacks.get(name) ?? []).filter((fallback) => {
      if (groups.has(fallback)) return true;
      draft.unmapped.push({ source: `fallbacks.${name}`, reason: `names "${fallback}", which is not a model_name here; skipped` });
      return false;
    });
    const base = { description: 'Imported from a LiteLLM config', settings, enabled: true };
    if (chain.length === 0) {
      routes.push(create(CreateRouteRequestSchema, { ...base, name, strategy: targets.length > 1 ? strategy.strategy : RouteStrategy.PRIORITY, targets }));
      continue;
    }
    // The group's own deployments first (as a route of their own when there are several), then each fallback group.
    const primary = targets.length > 1 ? `${name}-deployments` : '';
    if (primary) routes.push(create(CreateRouteRequestSchema, { ...base, name: primary, strategy: strategy.strategy, targets }));
    const head = primary ? [create(RouteTargetSchema, { route: primary, weight: 1 })] : targets;
    const tail = chain.map((fallback) => create(RouteTargetSchema, { route: fallback, weight: 1 }));
    routes.push(create(CreateRouteRequestSchema, { ...base, name, strategy: RouteStrategy.PRIORITY, targets: [...head, ...tail] }));
  }
  for (const section of ['context_window_fallbacks', 'content_policy_fallbacks']) {
    if (router[section] !== undefined || library[section] !== undefined) draft.unmapped.push({ source: section, reason: 'fallbacks by error kind have no counterpart; not imported' });
  }
  for (const [key, why] of [['general_settings', 'proxy server settings (master key, database) do not carry over: the gateway has its own admin token and storage'], ['environment_variables', 'set these in the gateway’s environment']] as const) {
    if (isObject(config[key])) draft.unmapped.push({ source: key, reason: `${why}; not imported (${Object.keys(config[key]).join(', ')})` });
  }
  draft.providers = pool.providers();
  draft.unmapped.push(...pool.notes());
  const { ordered, cyclic } = orderRoutes(routes);
  draft.routes = ordered;
  for (const route of cyclic) draft.unmapped.push({ source: `fallbacks.${route.name}`, reason: 'falls back to itself through other groups; not created' });
  return draft;
}

interface DeploymentContext {
  pool: ProviderPool;
  environment: NodeJS.ProcessEnv;
  unmapped: Unmapped[];
  weighted: boolean;
}

function deployment(entry: JsonObject, params: JsonObject, source: string, context: DeploymentContext): RouteTarget | undefined {
  const model = text(params.model);
  const slash = model.indexOf('/');
  const prefix = slash > 0 ? model.slice(0, slash) : inferredVendor(model);
  const upstream = slash > 0 ? model.slice(slash + 1) : model;
  const apiKey = secretValue(params.api_key, `${source}.litellm_params.api_key`, context);
  const azure = prefix === 'azure';
  const provider = context.pool.provider({ vendor: prefix, baseUrl: text(params.api_base), apiKey: apiKey ?? '', azureApiVersion: text(params.api_version) });
  if (typeof provider === 'string') {
    context.unmapped.push({ source, reason: `${provider}; skipped` });
    return undefined;
  }
  const info = isObject(entry.model_info) ? entry.model_info : {};
  // Azure names a deployment; the model behind it is model_info.base_model when given.
  const upstreamModel = azure ? text(info.base_model).replace(/^azure\//, '') || upstream : upstream;
  context.pool.addModel(provider, upstreamModel, azure ? upstream : '');
  for (const limit of ['rpm', 'tpm', 'max_parallel_requests']) {
    if (params[limit] !== undefined || entry[limit] !== undefined) {
      context.unmapped.push({ source: `${source}.${limit}`, reason: 'per-deployment limits have no counterpart (limits belong to keys here); used only as a weight' });
    }
  }
  const weight = Number(params.weight ?? params.rpm ?? entry.rpm ?? params.tpm ?? entry.tpm ?? 1);
  return create(RouteTargetSchema, {
    providerId: provider.id,
    upstreamModel,
    weight: context.weighted && Number.isFinite(weight) && weight > 0 ? Math.min(1000, Math.max(1, Math.round(weight))) : 1,
  });
}

/** `os.environ/NAME` → the variable's value; undefined (reported) when unset. A literal key is used as given. */
function secretValue(value: unknown, source: string, context: DeploymentContext): string | undefined {
  const raw = text(value);
  const reference = /^os\.environ\/(\w+)$/.exec(raw);
  if (!reference) return raw;
  const resolved = context.environment[reference[1]!];
  if (resolved === undefined || resolved === '') {
    context.unmapped.push({ source, reason: `the environment variable ${reference[1]} is not set where the import runs` });
    return undefined;
  }
  return resolved;
}

function inferredVendor(model: string): string {
  if (model.startsWith('claude')) return 'anthropic';
  if (model.startsWith('gemini')) return 'gemini';
  return 'openai';
}

function routeSettings(router: JsonObject, library: JsonObject) {
  const retries = Number(router.num_retries ?? library.num_retries);
  const seconds = Number(router.timeout ?? library.request_timeout);
  return create(RouteSettingsSchema, {
    ...(Number.isInteger(retries) && retries >= 0 ? { maxRetries: Math.min(10, retries) } : {}),
    ...(Number.isFinite(seconds) && seconds > 0 ? timeoutSettings(seconds * 1000) : {}),
  });
}

function fallbackMap(value: unknown, source: string, unmapped: Unmapped[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  if (value === undefined) return map;
  if (!Array.isArray(value)) {
    unmapped.push({ source, reason: 'must be a list of {model_name: [fallbacks]}; not imported' });
    return map;
  }
  for (const item of value) {
    if (!isObject(item)) continue;
    for (const [name, list] of Object.entries(item)) map.set(name, (Array.isArray(list) ? list : [list]).map(text).filter(Boolean));
  }
  return map;
}
