// Scheduled health checks: identified by name (unique in the gateway).
import { create } from '@bufbuild/protobuf';
import {
  CreateHealthCheckRequestSchema,
  UpdateHealthCheckRequestSchema,
  type CreateHealthCheckRequest,
  type HealthCheck,
} from '../../../gen/llmgateway/v1/health_checks_service_pb.js';
import type { ObjectKind } from './kind.js';
import { listEvery, pickFields, protoView } from './message-fields.js';

function normalized(desired: CreateHealthCheckRequest): CreateHealthCheckRequest {
  return create(CreateHealthCheckRequestSchema, { ...desired, enabled: desired.enabled ?? true });
}

function fromCurrent(current: HealthCheck): CreateHealthCheckRequest {
  return create(CreateHealthCheckRequestSchema, {
    name: current.name,
    enabled: current.enabled,
    providerId: current.providerId,
    upstreamModel: current.upstreamModel,
    route: current.route,
    prompt: current.prompt,
    maxOutputTokens: current.maxOutputTokens,
    ...(current.interval ? { interval: current.interval } : {}),
    ...(current.timeout ? { timeout: current.timeout } : {}),
  });
}

export const healthCheckKind: ObjectKind<CreateHealthCheckRequest, HealthCheck> = {
  kind: 'health_check',
  section: 'health_checks',
  applyOrder: 5,
  identityOfDesired: (desired) => desired.name,
  identityOfCurrent: (current) => current.name,
  list: ({ clients }) =>
    listEvery(async (pageToken) => {
      const page = await clients.healthChecks.listHealthChecks({ pageSize: 500, pageToken });
      return { items: page.checks, nextPageToken: page.nextPageToken };
    }),
  desiredView: (desired) => protoView(CreateHealthCheckRequestSchema, normalized(desired)),
  currentView: (current) => protoView(CreateHealthCheckRequestSchema, fromCurrent(current)),
  // The target is either a provider model or a route: the one the file leaves out is empty.
  rules: { absentMeans: { provider_id: undefined, upstream_model: undefined, route: undefined }, maps: [] },
  create: async (desired, context) => {
    await context.clients.healthChecks.createHealthCheck(desired);
  },
  update: async (desired, current, fields, context) => {
    await context.clients.healthChecks.updateHealthCheck(
      create(UpdateHealthCheckRequestSchema, { ...pickFields(CreateHealthCheckRequestSchema, normalized(desired), fields), id: current.id, updateMask: { paths: fields } }),
    );
  },
  delete: async (current, context) => {
    await context.clients.healthChecks.deleteHealthCheck({ id: current.id });
  },
  toFile: (current) => {
    const request = fromCurrent(current);
    if (request.enabled) request.enabled = undefined;
    return protoView(CreateHealthCheckRequestSchema, request);
  },
};
