// The targets a health check is dispatched to: a route planned as a client's
// request for it would be (nested routes flattened, disabled targets left
// out), or exactly the provider model named (by its upstream id: no alias, and
// no route of the same name in the way). A target that is gone or disabled is
// a failed run, named as such.
import type { RouteRecord } from '../../domain/route.js';
import type { HealthCheckTarget } from '../../domain/health-check.js';
import type { VirtualKeyRecord } from '../../domain/virtual-key.js';
import { GatewayError } from '../../domain/gateway-error.js';
import type { CatalogSnapshot } from '../completion/provider-catalog.js';
import { planRoute } from '../routing/plan-route.js';
import { DIRECT_MODEL_SETTINGS, type RoutePlan } from '../routing/route-plan.js';

/**
 * Who a check's request is made as: no virtual key exists for it, and none is charged. The planner
 * reads a key only for affinity routes (their scope 'key' pins checks to one target, like one client).
 */
export const HEALTH_CHECK_CALLER: VirtualKeyRecord = {
  id: 'health-check',
  name: 'scheduled health check',
  secretHash: '',
  secretPrefix: '',
  secretLast4: '',
  previousSecretHash: null,
  previousSecretExpiresAt: null,
  enabled: true,
  expiresAt: null,
  revokedAt: null,
  allowedModels: [],
  rateLimits: { requestsPerMinute: 0, tokensPerMinute: 0, concurrentRequests: 0 },
  budget: null,
  cacheEnabled: false,
  logRequestBodies: false,
  metadata: {},
  createdAt: 0,
  updatedAt: 0,
};

export function planCheck(target: HealthCheckTarget, routes: ReadonlyMap<string, RouteRecord>, snapshot: CatalogSnapshot): RoutePlan {
  if (target.route !== '') {
    const route = routes.get(target.route);
    if (!route) throw new GatewayError('not_found', `route "${target.route}" does not exist`);
    if (!route.enabled) throw new GatewayError('failed_precondition', `route "${target.route}" is disabled`);
    return planRoute(route.name, { key: HEALTH_CHECK_CALLER, accessGranted: true, sessionId: '', user: '' }, routes, snapshot);
  }
  const provider = snapshot.providers.get(target.providerId);
  if (!provider) throw new GatewayError('not_found', `provider "${target.providerId}" does not exist`);
  const model = provider.record.models.find((candidate) => candidate.upstreamModel === target.upstreamModel);
  if (!model) throw new GatewayError('not_found', `provider "${target.providerId}" lists no model "${target.upstreamModel}"`);
  if (!provider.record.enabled) throw new GatewayError('failed_precondition', `provider "${target.providerId}" is disabled`);
  if (!model.enabled) throw new GatewayError('failed_precondition', `model "${target.upstreamModel}" of provider "${target.providerId}" is disabled`);
  return {
    routeName: '',
    strategy: 'priority',
    targets: [
      {
        key: `${provider.record.id}/${model.upstreamModel}`,
        provider,
        model,
        target: { upstreamModel: model.upstreamModel, deployment: model.deployment },
        weight: 1,
      },
    ],
    settings: DIRECT_MODEL_SETTINGS,
    affinityKey: '',
  };
}
