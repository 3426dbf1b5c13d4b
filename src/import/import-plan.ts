// The plan of an import: the draft compared with what the gateway holds, as
// admin API calls — create what is missing, update what differs (exactly the
// differing fields, by update mask), leave alone what already matches (and a
// key an admin revoked, which is reported). Running an import twice therefore
// plans no calls the second time.
import { create, toJson, type JsonValue } from '@bufbuild/protobuf';
import { FieldMaskSchema } from '@bufbuild/protobuf/wkt';
import {
  CreateKeyRequestSchema,
  UpdateKeyRequestSchema,
  VirtualKeySchema,
  type CreateKeyRequest,
  type UpdateKeyRequest,
  type VirtualKey,
} from '../../gen/llmgateway/v1/keys_service_pb.js';
import {
  CreateProviderRequestSchema,
  ProviderSchema,
  UpdateProviderRequestSchema,
  type CreateProviderRequest,
  type Provider,
  type UpdateProviderRequest,
} from '../../gen/llmgateway/v1/providers_service_pb.js';
import {
  CreateRouteRequestSchema,
  RouteSchema,
  UpdateRouteRequestSchema,
  type CreateRouteRequest,
  type Route,
  type UpdateRouteRequest,
} from '../../gen/llmgateway/v1/routes_service_pb.js';
import { apiKeyLast4, hideCredentialHeaders } from '../declarative/kinds/provider-kind.js';
import { heldKeyRequest, heldRouteStays, type DraftedNames } from './held-objects.js';
import { IMPORT_ID_METADATA, type ImportDraft, type Unmapped } from './import-draft.js';
import { changedFields } from './subset-equal.js';

export type PlannedCall =
  | { kind: 'provider'; action: 'create'; name: string; request: CreateProviderRequest }
  | { kind: 'provider'; action: 'update'; name: string; fields: string[]; request: UpdateProviderRequest }
  | { kind: 'route'; action: 'create'; name: string; request: CreateRouteRequest }
  | { kind: 'route'; action: 'update'; name: string; fields: string[]; request: UpdateRouteRequest }
  | { kind: 'key'; action: 'create'; name: string; request: CreateKeyRequest }
  | { kind: 'key'; action: 'update'; name: string; fields: string[]; request: UpdateKeyRequest };

export interface ImportPlan {
  calls: PlannedCall[];
  /** Objects of the draft the gateway already holds exactly. */
  unchanged: Array<{ kind: PlannedCall['kind']; name: string }>;
  unmapped: Unmapped[];
}

export interface ExistingObjects {
  providers: Provider[];
  routes: Route[];
  keys: VirtualKey[];
}

const EMIT = { alwaysEmitImplicit: true } as const;
const jsonObject = (value: JsonValue): Record<string, JsonValue> => value as Record<string, JsonValue>;

/** JSON name of a field → its proto name (update mask paths use proto names). */
const protoPath = (jsonName: string): string => jsonName.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
const maskOf = (fields: string[]) => create(FieldMaskSchema, { paths: fields.map(protoPath) });

export function planImport(draft: ImportDraft, existing: ExistingObjects): ImportPlan {
  const plan: ImportPlan = { calls: [], unchanged: [], unmapped: [...draft.unmapped] };
  const providers = new Map(existing.providers.map((provider) => [provider.id, provider]));
  for (const request of draft.providers) {
    const current = providers.get(request.id);
    if (!current) {
      plan.calls.push({ kind: 'provider', action: 'create', name: request.id, request });
      continue;
    }
    // Credential-like headers compare as the gateway shows them (their markers), like the key by its last four.
    const compared = create(CreateProviderRequestSchema, { ...request, extraHeaders: hideCredentialHeaders(request.extraHeaders) });
    const { apiKey: _apiKey, id: _id, type: _type, ...desired } = jsonObject(toJson(CreateProviderRequestSchema, compared, EMIT));
    const fields = changedFields(desired, jsonObject(toJson(ProviderSchema, current, EMIT)));
    if (request.type !== current.type) {
      plan.unmapped.push({ source: `provider ${request.id}`, reason: 'exists in the gateway with another type; a provider type cannot change, so it was left as it is' });
    }
    // Only what the gateway shows of a stored key is known (its last four, nothing of a short key), by its own rule.
    if (request.apiKey !== '' && apiKeyLast4(request.apiKey.trim()) !== current.apiKeyLast4) fields.push('apiKey');
    if (fields.length === 0) {
      plan.unchanged.push({ kind: 'provider', name: request.id });
      continue;
    }
    const { id, name, baseUrl, apiKey, extraHeaders, enabled, models, azure } = request;
    const update = create(UpdateProviderRequestSchema, { id, name, baseUrl, apiKey, extraHeaders, enabled, models, azure, updateMask: maskOf(fields) });
    plan.calls.push({ kind: 'provider', action: 'update', name: request.id, fields: fields.map(protoPath), request: update });
  }

  const routes = new Map(existing.routes.map((route) => [route.name, route]));
  const heldRoutes = new Set(draft.heldRoutes);
  const drafted: DraftedNames = { providerIds: new Set(draft.providers.map((provider) => provider.id)), routeNames: new Set(draft.routes.map((route) => route.name)) };
  for (const request of draft.routes) {
    const current = routes.get(request.name);
    if (!current) {
      plan.calls.push({ kind: 'route', action: 'create', name: request.name, request });
      continue;
    }
    // Part of it could not be read this run (see ImportDraft.heldRoutes): what the gateway holds stays.
    if (heldRoutes.has(request.name) && heldRouteStays(current, drafted)) continue;
    const { name: _name, ...desired } = jsonObject(toJson(CreateRouteRequestSchema, request, EMIT));
    // An expert route's targets are derived from its experts by the gateway.
    if (request.expert) delete desired.targets;
    // No failover statuses asks for the gateway's default list, which it then stores.
    const desiredSettings = desired.settings as Record<string, JsonValue> | undefined;
    if (Array.isArray(desiredSettings?.failoverStatuses) && desiredSettings.failoverStatuses.length === 0) delete desiredSettings.failoverStatuses;
    const fields = changedFields(desired, jsonObject(toJson(RouteSchema, current, EMIT)));
    if (fields.length === 0) {
      plan.unchanged.push({ kind: 'route', name: request.name });
      continue;
    }
    const { name, description, strategy, targets, settings, enabled, expert } = request;
    const update = create(UpdateRouteRequestSchema, { name, description, strategy, targets, settings, enabled, expert, updateMask: maskOf(fields) });
    plan.calls.push({ kind: 'route', action: 'update', name: request.name, fields: fields.map(protoPath), request: update });
  }

  const keysByImportId = new Map(existing.keys.map((key) => [key.metadata[IMPORT_ID_METADATA] ?? '', key]));
  const heldKeys = new Map((draft.heldKeys ?? []).map((held) => [held.importId, held]));
  for (const draftedKey of draft.keys) {
    const importId = draftedKey.metadata[IMPORT_ID_METADATA] ?? '';
    const current = keysByImportId.get(importId);
    if (!current) {
      plan.calls.push({ kind: 'key', action: 'create', name: draftedKey.name, request: draftedKey });
      continue;
    }
    if (current.revokedAt) {
      // Revoking is final here (the API refuses to enable such a key again): an import must not undo it, nor fail on it every run.
      plan.unmapped.push({
        source: `key ${current.name}`,
        reason: 'was revoked in the gateway; left as it is and not enabled again — its old clients stay refused (give them a new key if they still need one)',
      });
      continue;
    }
    const held = heldKeys.get(importId);
    const request = held ? heldKeyRequest(draftedKey, current, held, drafted) : draftedKey;
    const { existingSecret: _secret, ...desired } = jsonObject(toJson(CreateKeyRequestSchema, request, EMIT));
    const fields = changedFields(desired, jsonObject(toJson(VirtualKeySchema, current, EMIT)));
    if (fields.length === 0) {
      plan.unchanged.push({ kind: 'key', name: request.name });
      continue;
    }
    const { name, enabled, expiresAt, allowedModels, rateLimits, budget, cacheEnabled, logRequestBodies, metadata } = request;
    const update = create(UpdateKeyRequestSchema, {
      ...{ id: current.id, name, enabled, expiresAt, allowedModels, rateLimits, budget, cacheEnabled, logRequestBodies, metadata },
      updateMask: maskOf(fields),
    });
    plan.calls.push({ kind: 'key', action: 'update', name: request.name, fields: fields.map(protoPath), request: update });
  }
  return plan;
}
