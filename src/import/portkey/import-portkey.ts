// A Portkey config (JSON) → providers and routes. The config's top level
// becomes the route `routeName`; nested strategies become routes
// `<name>-<n>` that the parent targets. fallback → priority, loadbalance →
// weighted, single → priority; conditional routing on `params.model` becomes
// one route per model name; anything else is listed. Portkey's format:
// https://portkey.ai/docs/product/ai-gateway/configs
import { create } from '@bufbuild/protobuf';
import {
  CreateRouteRequestSchema,
  RouteSettingsSchema,
  RouteStrategy,
  RouteTargetSchema,
  type CreateRouteRequest,
  type RouteTarget,
} from '../../../gen/llmgateway/v1/routes_service_pb.js';
import type { Provider } from '../../../gen/llmgateway/v1/providers_service_pb.js';
import { emptyDraft, type ImportDraft } from '../import-draft.js';
import { orderRoutes } from '../order-routes.js';
import { createProviderPool, type ProviderPool } from '../provider-pool.js';
import { failoverStatusesHere } from '../failover-statuses.js';
import { timeoutSettings } from '../timeout-settings.js';
import { portkeyLeafNotes, type JsonObject } from './portkey-notes.js';

const isObject = (value: unknown): value is JsonObject => value !== null && typeof value === 'object' && !Array.isArray(value);
const text = (value: unknown): string => (typeof value === 'string' ? value : '');
/** Portkey accepts snake_case and camelCase keys. */
const field = (object: JsonObject, snake: string): unknown => object[snake] ?? object[snake.replace(/_(\w)/g, (_match, letter: string) => letter.toUpperCase())];

/** `existing`: the providers the gateway holds, so that an id stays with the upstream it was made for. */
export function draftFromPortkey(configText: string, routeName: string, existing: readonly Provider[] = []): ImportDraft {
  const draft = emptyDraft();
  let config: unknown;
  try {
    config = JSON.parse(configText);
  } catch (error) {
    throw new Error(`the Portkey config is not valid JSON: ${(error as Error).message}`);
  }
  if (!isObject(config)) throw new Error('the Portkey config must be a JSON object');
  const pool = createProviderPool('portkey', existing);
  const routes: CreateRouteRequest[] = [];
  buildRoute(config, routeName, 'config', { pool, routes, draft });
  draft.providers = pool.providers();
  draft.unmapped.push(...pool.notes());
  const { ordered, cyclic } = orderRoutes(routes);
  draft.routes = ordered;
  for (const route of cyclic) draft.unmapped.push({ source: `route ${route.name}`, reason: 'targets itself through other routes; not created' });
  return draft;
}

interface Context {
  pool: ProviderPool;
  routes: CreateRouteRequest[];
  draft: ImportDraft;
}

/** Creates the route `name` for a config node; false when nothing of it could be imported. */
function buildRoute(node: JsonObject, name: string, source: string, context: Context): boolean {
  const strategy = isObject(node.strategy) ? node.strategy : {};
  const mode = text(strategy.mode) || 'single';
  const listed = Array.isArray(node.targets) ? node.targets : [node];
  if (mode === 'conditional') return conditional(node, strategy, name, source, context);
  if (mode !== 'fallback' && mode !== 'loadbalance' && mode !== 'single') {
    context.draft.unmapped.push({ source: `${source}.strategy.mode`, reason: `"${mode}" has no counterpart; not imported` });
    return false;
  }
  const chosen = mode === 'single' ? listed.slice(0, 1) : listed;
  if (listed.length > chosen.length) context.draft.unmapped.push({ source: `${source}.targets`, reason: 'single mode uses the first target only; the others were skipped' });
  const weights = chosen.map((target) => (isObject(target) ? Number(target.weight ?? 1) : 1));
  const scale = weights.some((weight) => !Number.isInteger(weight)) ? 100 : 1;
  const targets: RouteTarget[] = [];
  chosen.forEach((target, index) => {
    const where = Array.isArray(node.targets) ? `${source}.targets[${index}]` : source;
    if (!isObject(target)) return;
    const weight = Math.min(1000, Math.max(1, Math.round((weights[index] ?? 1) * scale)));
    if (Array.isArray(target.targets) || isObject(target.strategy)) {
      const nested = `${name}-${index + 1}`;
      if (buildRoute(target, nested, where, context)) targets.push(create(RouteTargetSchema, { route: nested, weight }));
      return;
    }
    const leaf = leafTarget(target, where, context);
    if (leaf) targets.push(create(RouteTargetSchema, { ...leaf, weight }));
  });
  if (targets.length === 0) {
    context.draft.unmapped.push({ source, reason: 'no target could be imported; route not created' });
    return false;
  }
  context.routes.push(
    create(CreateRouteRequestSchema, {
      name,
      description: `Imported from a Portkey config (${mode})`,
      strategy: mode === 'loadbalance' ? RouteStrategy.WEIGHTED : RouteStrategy.PRIORITY,
      targets,
      settings: settingsOf(node, strategy, chosen.filter(isObject).filter((target) => target !== node), source, context),
      enabled: true,
    }),
  );
  return true;
}

/** A route has one retry count and one timeout: the strategy level's, else the largest of its direct targets'. */
function settingsOf(node: JsonObject, strategy: JsonObject, leaves: JsonObject[], source: string, context: Context) {
  const attemptsOf = (object: JsonObject) => (isObject(object.retry) ? Number(object.retry.attempts) : Number.NaN);
  const timeoutOf = (object: JsonObject) => Number(field(object, 'request_timeout'));
  const largest = (values: number[]) => Math.max(...values.filter((value) => Number.isFinite(value)), Number.NEGATIVE_INFINITY);
  const attempts = Number.isFinite(attemptsOf(node)) ? attemptsOf(node) : largest(leaves.map(attemptsOf));
  const timeout = Number.isFinite(timeoutOf(node)) ? timeoutOf(node) : largest(leaves.map(timeoutOf));
  const listed = Array.isArray(field(strategy, 'on_status_codes')) ? (field(strategy, 'on_status_codes') as unknown[]).map(Number) : [];
  const statuses = failoverStatusesHere(listed.filter((status) => Number.isInteger(status) && status >= 400 && status <= 599));
  if (statuses.dropped.length > 0) {
    context.draft.unmapped.push({
      source: `${source}.strategy.on_status_codes`,
      reason: `${statuses.dropped.join(', ')}: the client's own errors, which never fail over here (every target would refuse the request alike); left out`,
    });
  }
  return create(RouteSettingsSchema, {
    ...(Number.isInteger(attempts) && attempts >= 0 ? { maxRetries: Math.min(10, attempts) } : {}),
    ...(Number.isFinite(timeout) && timeout > 0 ? timeoutSettings(timeout) : {}),
    failoverStatuses: statuses.kept,
  });
}

function leafTarget(target: JsonObject, source: string, context: Context): { providerId: string; upstreamModel: string } | undefined {
  const unmapped = context.draft.unmapped;
  portkeyLeafNotes(target, source, unmapped);
  const overrides = isObject(field(target, 'override_params')) ? (field(target, 'override_params') as JsonObject) : {};
  const model = text(overrides.model);
  if (model === '') {
    unmapped.push({ source, reason: 'has no override_params.model (Portkey passed the client’s model through); a route target needs a model — skipped' });
    return undefined;
  }
  const azure = text(target.provider) === 'azure-openai';
  const resource = text(field(target, 'resource_name'));
  const provider = context.pool.provider({
    vendor: text(target.provider),
    baseUrl: text(field(target, 'custom_host')) || (azure && resource ? `https://${resource}.openai.azure.com` : ''),
    apiKey: text(field(target, 'api_key')),
    azureApiVersion: text(field(target, 'api_version')),
  });
  if (typeof provider === 'string') {
    unmapped.push({ source, reason: `${provider}; skipped` });
    return undefined;
  }
  context.pool.addModel(provider, model, text(field(target, 'deployment_id')));
  return { providerId: provider.id, upstreamModel: model };
}

/** Conditions on the requested model become routes of that name; the default becomes `name`. */
function conditional(node: JsonObject, strategy: JsonObject, name: string, source: string, context: Context): boolean {
  const named = new Map<string, JsonObject>();
  (Array.isArray(node.targets) ? node.targets : []).forEach((target) => {
    if (isObject(target) && text(target.name)) named.set(text(target.name), target);
  });
  let built = false;
  (Array.isArray(strategy.conditions) ? strategy.conditions : []).forEach((condition, index) => {
    const where = `${source}.strategy.conditions[${index}]`;
    const query = isObject(condition) && isObject(condition.query) ? condition.query : {};
    const keys = Object.keys(query);
    const test = query['params.model'];
    const model = typeof test === 'string' ? test : isObject(test) && Object.keys(test).length === 1 ? text(test.$eq) : '';
    const target = isObject(condition) ? named.get(text(condition.then)) : undefined;
    if (keys.length !== 1 || model === '' || !target) {
      context.draft.unmapped.push({ source: where, reason: 'only `params.model` equal to a name maps (to a route of that name); this condition was not imported' });
      return;
    }
    built = buildRoute(target, model, where, context) || built;
  });
  const fallback = named.get(text(strategy.default));
  if (fallback) built = buildRoute(fallback, name, `${source}.strategy.default`, context) || built;
  return built;
}
