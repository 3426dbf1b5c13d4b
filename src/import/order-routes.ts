// Routes in an order the gateway accepts: a route after every route it
// targets (the admin API refuses a target that does not exist yet). Routes in
// a cycle cannot be created; they are returned apart.
import type { CreateRouteRequest } from '../../gen/llmgateway/v1/routes_service_pb.js';

export function orderRoutes(routes: CreateRouteRequest[]): { ordered: CreateRouteRequest[]; cyclic: CreateRouteRequest[] } {
  const byName = new Map(routes.map((route) => [route.name, route]));
  const ordered: CreateRouteRequest[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const cyclic = new Set<string>();
  const visit = (route: CreateRouteRequest): boolean => {
    const current = state.get(route.name);
    if (current === 'done') return true;
    if (current === 'visiting') return false;
    state.set(route.name, 'visiting');
    const references = [...route.targets.map((target) => target.route), ...(route.expert?.experts.map((expert) => expert.route) ?? [])];
    let fine = true;
    for (const name of references.filter((reference) => reference !== '')) {
      const target = byName.get(name);
      if (target && !visit(target)) fine = false;
    }
    state.set(route.name, 'done');
    if (fine) ordered.push(route);
    else cyclic.add(route.name);
    return fine;
  };
  routes.forEach(visit);
  return { ordered, cyclic: routes.filter((route) => cyclic.has(route.name)) };
}
