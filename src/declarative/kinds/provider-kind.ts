// Providers: identified by id; the API key is compared by its last four
// characters (the only part the gateway ever shows) and sent only when it changed;
// a credential-like extra header likewise by its marker ("[redacted …1234]").
// An export writes both as ${VAR} references, never their values.
import { create } from '@bufbuild/protobuf';
import type { ProviderConfig } from '../../../gen/llmgateway/v1/gateway_config_pb.js';
import {
  CreateProviderRequestSchema,
  ProviderModelSchema,
  ProviderTypeSchema,
  UpdateProviderRequestSchema,
  type CreateProviderRequest,
  type Provider,
  type ProviderModel,
} from '../../../gen/llmgateway/v1/providers_service_pb.js';
import { apiKeyLast4 } from '../../domain/api-key-last4.js';
import { hideCredentialHeaders, isCredentialHeader } from '../../domain/credential-headers.js';
import { shortEnumName } from '../enum-text.js';
import type { ApplyContext, ObjectKind } from './kind.js';
import { listEvery, pickFields, protoView, without } from './message-fields.js';

/** For importers, which compare a provider key they hold with the API's answers by the gateway's own rule. */
export { apiKeyLast4 };

/** The environment variable an exported file refers to for a provider's key. */
export function apiKeyVariable(providerId: string): string {
  return `${providerId.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_API_KEY`;
}

function models(list: ProviderModel[]): ProviderModel[] {
  // The gateway treats an unset enabled as true and an empty deployment as the upstream model.
  return list.map((model) =>
    create(ProviderModelSchema, { ...model, enabled: model.enabled ?? true, deployment: model.deployment === model.upstreamModel ? '' : model.deployment }),
  );
}

/** For importers, which compare what they draft with the API's answers the same way. */
export { hideCredentialHeaders };

/** The environment variable an exported file refers to for a credential-like header (export-config.ts makes the names unique). */
export function headerVariable(providerId: string, headerName: string): string {
  return `${providerId}_${headerName}`.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

/** The file's headers with their ${VAR} references resolved (context.providerHeaders), when it has any. */
const headersOf = (desired: ProviderConfig, context: ApplyContext) => context.providerHeaders.get(desired.id) ?? desired.extraHeaders;

function createRequest(desired: ProviderConfig, apiKey: string | undefined, extraHeaders: Record<string, string>): CreateProviderRequest {
  return create(CreateProviderRequestSchema, {
    id: desired.id,
    name: desired.name || desired.id,
    type: desired.type,
    baseUrl: desired.baseUrl,
    apiKey: apiKey ?? '',
    extraHeaders,
    enabled: desired.enabled ?? true,
    models: models(desired.models),
    ...(desired.azure ? { azure: desired.azure } : {}),
    ...(desired.quota ? { quota: desired.quota } : {}),
    ...(desired.queue ? { queue: desired.queue } : {}),
  });
}

export const providerKind: ObjectKind<ProviderConfig, Provider> = {
  kind: 'provider',
  section: 'providers',
  applyOrder: 1,
  identityOfDesired: (desired) => desired.id,
  identityOfCurrent: (current) => current.id,
  list: ({ clients }) =>
    listEvery(async (pageToken) => {
      const page = await clients.providers.listProviders({ pageSize: 500, pageToken });
      return { items: page.providers, nextPageToken: page.nextPageToken };
    }),
  // Credential-like headers compare as the gateway shows them: by their markers.
  desiredView: (desired, context) =>
    without(protoView(CreateProviderRequestSchema, createRequest(desired, undefined, hideCredentialHeaders(headersOf(desired, context)))), 'api_key'),
  currentView: (current) =>
    protoView(
      CreateProviderRequestSchema,
      create(CreateProviderRequestSchema, {
        id: current.id,
        name: current.name,
        type: current.type,
        baseUrl: current.baseUrl,
        extraHeaders: current.extraHeaders,
        enabled: current.enabled,
        models: models(current.models),
        ...(current.azure ? { azure: current.azure } : {}),
        ...(current.quota ? { quota: current.quota } : {}),
        ...(current.queue ? { queue: current.queue } : {}),
      }),
    ),
  rules: {
    absentMeans: { base_url: undefined, extra_headers: undefined, models: undefined, azure: undefined, quota: undefined, queue: undefined },
    maps: ['extra_headers'],
  },
  extraChanges: (desired, current, context) => {
    const apiKey = context.providerKeys.get(desired.id);
    return apiKey !== undefined && apiKeyLast4(apiKey) !== current.apiKeyLast4 ? ['api_key'] : [];
  },
  impossibleChange: (desired, current) =>
    desired.type !== current.type
      ? `the type cannot change (the gateway has ${shortEnumName(ProviderTypeSchema, ProviderTypeSchema.value[current.type]?.name ?? '')}): delete the provider first, or give it another id`
      : undefined,
  create: async (desired, context) => {
    await context.clients.providers.createProvider(createRequest(desired, context.providerKeys.get(desired.id), headersOf(desired, context)));
  },
  update: async (desired, current, fields, context) => {
    // A header whose reference is not set is sent as its marker: the gateway keeps what it holds.
    const request = createRequest(desired, context.providerKeys.get(desired.id), headersOf(desired, context));
    await context.clients.providers.updateProvider(
      create(UpdateProviderRequestSchema, {
        ...pickFields(CreateProviderRequestSchema, request, fields),
        id: current.id,
        updateMask: { paths: fields },
      }),
    );
  },
  delete: async (current, context) => {
    await context.clients.providers.deleteProvider({ id: current.id });
  },
  toFile: (current) => {
    const view = protoView(
      CreateProviderRequestSchema,
      create(CreateProviderRequestSchema, {
        id: current.id,
        name: current.name === current.id ? '' : current.name,
        type: current.type,
        baseUrl: current.baseUrl,
        // A reference, never the value (only its marker is known here anyway).
        extraHeaders: Object.fromEntries(
          Object.entries(current.extraHeaders).map(([name, value]) => [name, isCredentialHeader(name) ? `\${${headerVariable(current.id, name)}}` : value]),
        ),
        ...(current.enabled ? {} : { enabled: false }),
        models: current.models.map((model) => create(ProviderModelSchema, { ...model, enabled: model.enabled === false ? false : undefined })),
        ...(current.azure?.apiVersion ? { azure: current.azure } : {}),
        ...(current.quota ? { quota: current.quota } : {}),
        ...(current.queue ? { queue: current.queue } : {}),
      }),
    );
    // A reference, never the key: the variable holds it where the file is applied again.
    if (current.apiKeyLast4 !== '') view.api_key = `\${${apiKeyVariable(current.id)}}`;
    return view;
  },
};
