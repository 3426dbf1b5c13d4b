// Key policies: identified by name among the keys that are not revoked (a
// revoked key is history, never matched nor pruned). A created key's secret is
// kept for the CLI to show once.
import { create } from '@bufbuild/protobuf';
import {
  CreateKeyRequestSchema,
  UpdateKeyRequestSchema,
  type CreateKeyRequest,
  type VirtualKey,
} from '../../../gen/llmgateway/v1/keys_service_pb.js';
import type { ObjectKind } from './kind.js';
import { listEvery, pickFields, protoView } from './message-fields.js';

function normalized(desired: CreateKeyRequest): CreateKeyRequest {
  return create(CreateKeyRequestSchema, { ...desired, enabled: desired.enabled ?? true });
}

function fromCurrent(current: VirtualKey): CreateKeyRequest {
  return create(CreateKeyRequestSchema, {
    name: current.name,
    enabled: current.enabled,
    allowedModels: current.allowedModels,
    cacheEnabled: current.cacheEnabled,
    logRequestBodies: current.logRequestBodies,
    metadata: current.metadata,
    ...(current.expiresAt ? { expiresAt: current.expiresAt } : {}),
    ...(current.rateLimits ? { rateLimits: current.rateLimits } : {}),
    ...(current.budget ? { budget: current.budget } : {}),
  });
}

export const keyKind: ObjectKind<CreateKeyRequest, VirtualKey> = {
  kind: 'key',
  section: 'keys',
  applyOrder: 3,
  identityOfDesired: (desired) => desired.name,
  identityOfCurrent: (current) => current.name,
  list: async ({ clients }) =>
    (
      await listEvery(async (pageToken) => {
        const page = await clients.keys.listKeys({ pageSize: 500, pageToken });
        return { items: page.keys, nextPageToken: page.nextPageToken };
      })
    ).filter((key) => !key.revokedAt),
  desiredView: (desired) => protoView(CreateKeyRequestSchema, normalized(desired)),
  currentView: (current) => protoView(CreateKeyRequestSchema, fromCurrent(current)),
  rules: {
    absentMeans: {
      expires_at: undefined,
      allowed_models: undefined,
      rate_limits: undefined,
      budget: undefined,
      cache_enabled: undefined,
      log_request_bodies: undefined,
      metadata: undefined,
    },
    maps: ['metadata'],
  },
  create: async (desired, context) => {
    const answer = await context.clients.keys.createKey(normalized(desired));
    context.keyIds.set(answer.key!.name, answer.key!.id);
    context.keyNames.set(answer.key!.id, answer.key!.name);
    context.createdSecrets.push({ name: answer.key!.name, id: answer.key!.id, secret: answer.secret });
  },
  update: async (desired, current, fields, context) => {
    await context.clients.keys.updateKey(
      create(UpdateKeyRequestSchema, { ...pickFields(CreateKeyRequestSchema, normalized(desired), fields), id: current.id, updateMask: { paths: fields } }),
    );
  },
  delete: async (current, context) => {
    await context.clients.keys.deleteKey({ id: current.id });
  },
  toFile: (current) => {
    const request = fromCurrent(current);
    if (request.enabled) request.enabled = undefined;
    return protoView(CreateKeyRequestSchema, request);
  },
};
