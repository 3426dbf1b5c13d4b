// Routes: identified by name; a route that targets other routes is created
// after them (plan.ts orders creates by dependency).
import { create } from '@bufbuild/protobuf';
import {
  CreateRouteRequestSchema,
  RouteStrategy,
  RouteTargetSchema,
  UpdateRouteRequestSchema,
  type CreateRouteRequest,
  type Route,
  type RouteTarget,
} from '../../../gen/llmgateway/v1/routes_service_pb.js';
import type { ObjectKind } from './kind.js';
import type { JsonObject } from '../compare-views.js';
import { listEvery, pickFields, protoView, without } from './message-fields.js';

function targets(list: RouteTarget[]): RouteTarget[] {
  // A weight of 0 is stored as the default, 1.
  return list.map((target) => create(RouteTargetSchema, { ...target, weight: target.weight || 1 }));
}

function normalized(request: CreateRouteRequest): CreateRouteRequest {
  return create(CreateRouteRequestSchema, { ...request, enabled: request.enabled ?? true, targets: targets(request.targets) });
}

function fromCurrent(current: Route): CreateRouteRequest {
  return create(CreateRouteRequestSchema, {
    name: current.name,
    description: current.description,
    strategy: current.strategy,
    targets: current.targets,
    enabled: current.enabled,
    ...(current.settings ? { settings: current.settings } : {}),
    ...(current.expert ? { expert: current.expert } : {}),
  });
}

/** The routes a route needs to exist first (its targets and experts that are routes). */
export function routeDependencies(route: CreateRouteRequest): string[] {
  return [...route.targets.map((target) => target.route), ...(route.expert?.experts.map((expert) => expert.route) ?? [])].filter((name) => name !== '');
}

/** An expert route's targets are the gateway's, derived from its experts: neither compared nor exported. */
function viewOf(request: CreateRouteRequest): JsonObject {
  const view = protoView(CreateRouteRequestSchema, normalized(request));
  return request.strategy === RouteStrategy.EXPERT ? without(view, 'targets') : view;
}

export const routeKind: ObjectKind<CreateRouteRequest, Route> = {
  kind: 'route',
  section: 'routes',
  applyOrder: 2,
  identityOfDesired: (desired) => desired.name,
  identityOfCurrent: (current) => current.name,
  list: ({ clients }) =>
    listEvery(async (pageToken) => {
      const page = await clients.routes.listRoutes({ pageSize: 500, pageToken });
      return { items: page.routes, nextPageToken: page.nextPageToken };
    }),
  desiredView: (desired) => viewOf(desired),
  currentView: (current) => viewOf(fromCurrent(current)),
  rules: { absentMeans: { description: undefined, targets: undefined, expert: undefined }, maps: [] },
  create: async (desired, context) => {
    await context.clients.routes.createRoute(desired);
  },
  update: async (desired, current, fields, context) => {
    await context.clients.routes.updateRoute(
      create(UpdateRouteRequestSchema, { ...pickFields(CreateRouteRequestSchema, normalized(desired), fields), name: current.name, updateMask: { paths: fields } }),
    );
  },
  delete: async (current, context) => {
    await context.clients.routes.deleteRoute({ name: current.name });
  },
  toFile: (current) => {
    const request = fromCurrent(current);
    if (request.enabled) request.enabled = undefined;
    if (request.strategy === RouteStrategy.EXPERT) request.targets = [];
    return protoView(CreateRouteRequestSchema, request);
  },
};
