// Who uses a provider (or some of its models), a route or a key. A delete —
// or a provider model removed — that would leave routes, health checks or
// prompt rules pointing at nothing is refused, naming them, as deleting a route
// another route targets always was: a dangling reference serves nothing, and
// an exported configuration holding one could not be applied again. Revoking
// a key is never refused (the rules of a revoked key stay, inert).
import type { HealthChecksRepository } from '../../domain/health-check.js';
import type { PromptRulesRepository } from '../../domain/prompt-rule.js';
import type { RoutesRepository } from '../../domain/route.js';
import { GatewayError } from '../../domain/gateway-error.js';

export interface ReferenceFinder {
  /** Routes (expert routes through their experts) and health checks that use the provider — only `models` of it, when given. */
  usersOfProvider(providerId: string, models?: ReadonlySet<string>): Promise<string[]>;
  /** Health checks of the route and prompt rules scoped to it (routes that target it: RouteAdmin). */
  usersOfRoute(name: string): Promise<string[]>;
  /** Prompt rules scoped to the key. */
  usersOfKey(id: string): Promise<string[]>;
  /** Routes named "<providerId>/…": a provider of that id would have them take over its models' addresses. */
  routesNamedUnder(providerId: string): Promise<string[]>;
}

export interface ReferenceSources {
  routes: Pick<RoutesRepository, 'listAll'>;
  healthChecks: Pick<HealthChecksRepository, 'listAll'>;
  promptRules: Pick<PromptRulesRepository, 'listAll'>;
}

export function createReferenceFinder(sources: ReferenceSources): ReferenceFinder {
  const rulesScopedTo = async (scope: 'route' | 'key', scopeId: string) =>
    (await sources.promptRules.listAll()).filter((rule) => rule.scope === scope && rule.scopeId === scopeId).map((rule) => `prompt rule "${rule.name}"`);
  return {
    async usersOfProvider(providerId, models) {
      const uses = (target: { providerId: string; upstreamModel: string; route?: string }) =>
        (target.route ?? '') === '' && target.providerId === providerId && (models === undefined || models.has(target.upstreamModel));
      // An expert route's stored targets are derived from its experts: they name what the experts use.
      const routes = (await sources.routes.listAll()).filter((route) => route.targets.some(uses)).map((route) => `route "${route.name}"`);
      const checks = (await sources.healthChecks.listAll()).filter((check) => uses(check)).map((check) => `health check "${check.name}"`);
      return [...routes.sort(), ...checks.sort()];
    },
    async usersOfRoute(name) {
      const checks = (await sources.healthChecks.listAll()).filter((check) => check.route === name).map((check) => `health check "${check.name}"`);
      return [...checks.sort(), ...(await rulesScopedTo('route', name)).sort()];
    },
    async usersOfKey(id) {
      return (await rulesScopedTo('key', id)).sort();
    },
    async routesNamedUnder(providerId) {
      return (await sources.routes.listAll())
        .map((route) => route.name)
        .filter((name) => name.startsWith(`${providerId}/`))
        .sort();
    },
  };
}

/** failed_precondition naming what still uses `subject` ('provider "old" is'), when anything does. */
export function refuseWhileUsed(subject: string, users: string[]): void {
  if (users.length === 0) return;
  throw new GatewayError('failed_precondition', `${subject} used by ${users.join(', ')}; change or delete ${users.length > 1 ? 'them' : 'it'} first`);
}
