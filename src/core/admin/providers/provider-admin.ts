// Provider administration: validation, credential encryption and storage.
import type {
  CreateProviderRequest,
  ListProvidersRequest,
  Provider,
  UpdateProviderRequest,
} from '../../../../gen/llmgateway/v1/providers_service_pb.js';
import { ProviderType } from '../../../../gen/llmgateway/v1/providers_service_pb.js';
import type { ProviderRecord, ProvidersRepository } from '../../../domain/provider.js';
import { GatewayError, invalidArgument } from '../../../domain/gateway-error.js';
import { pageRequest, pageResponse } from '../paging.js';
import { storedRecords } from '../stored-records.js';
import { expectedVersionOf, withVersion } from '../record-version.js';
import { INITIAL_VERSION, type Versioned } from '../../../domain/versioned-record.js';
import type { MasterKeyRing } from '../../secrets/master-key-ring.js';
import { providerKeyContext } from '../../secrets/provider-key-context.js';
import { fieldsToUpdate } from '../partial-update.js';
import { refuseWhileUsed, type ReferenceFinder } from '../references.js';
import { requireText, validateBaseUrl } from '../validate.js';
import { providerRecordToProto, providerTypeName } from './provider-conversion.js';
import { extraHeadersToStore, shownExtraHeaders } from './provider-headers.js';
import { validateQueue, validateQuota } from './quota-validation.js';
import { apiKeyLast4 } from '../../../domain/api-key-last4.js';
import {
  providerIdFromName,
  validateApiKey,
  validateAzureApiVersion,
  validateModels,
  validateProviderId,
} from './provider-validation.js';

export interface ProviderAdminOptions {
  providers: ProvidersRepository;
  keyRing: MasterKeyRing;
  /** A provider (or a model of it) that routes or health checks use is not deleted from under them. */
  references: Pick<ReferenceFinder, 'usersOfProvider' | 'routesNamedUnder'>;
  /** Called after every write so in-memory provider caches refresh. */
  onChange: () => void;
  now?: () => number;
}

export interface ProviderAdmin {
  create(request: CreateProviderRequest): Promise<Provider>;
  get(id: string): Promise<Provider>;
  list(request: ListProvidersRequest): Promise<{ providers: Provider[]; nextPageToken: string }>;
  update(request: UpdateProviderRequest): Promise<Provider>;
  delete(id: string): Promise<void>;
}

const baseUrlRequired = (type: ProviderRecord['type']) => type === 'azure-openai' || type === 'openai-compatible';

export function createProviderAdmin(options: ProviderAdminOptions): ProviderAdmin {
  const now = options.now ?? Date.now;
  const { providers, keyRing } = options;

  const toProto = ({ record, version }: Versioned<ProviderRecord>) =>
    withVersion(providerRecordToProto(record, shownExtraHeaders(keyRing, record)), version);

  const records = storedRecords({ repository: providers, kind: 'provider', keyField: 'id', trimKey: false });
  const { load } = records;

  const sealApiKey = (id: string, apiKey: string) => ({
    apiKeyCiphertext: apiKey === '' ? '' : keyRing.encrypt(apiKey, providerKeyContext(id)),
    apiKeyLast4: apiKeyLast4(apiKey),
  });

  const refuseRemovingUsedModels = async (record: ProviderRecord, models: ProviderRecord['models']) => {
    const kept = new Set(models.map((model) => model.upstreamModel));
    const removed = record.models.map((model) => model.upstreamModel).filter((model) => !kept.has(model));
    if (removed.length === 0) return;
    const named = removed.map((model) => `"${model}"`).join(', ');
    const subject = `${removed.length > 1 ? 'models' : 'model'} ${named} of provider "${record.id}" ${removed.length > 1 ? 'are' : 'is'}`;
    refuseWhileUsed(subject, await options.references.usersOfProvider(record.id, new Set(removed)));
  };

  // Routes named "<id>/…" (allowed while no provider had that id) would take over the new provider's addresses.
  const refuseRouteAddresses = async (id: string) => {
    const routes = await options.references.routesNamedUnder(id);
    if (routes.length === 0) return;
    const named = routes.map((route) => `"${route}"`).join(', ');
    throw new GatewayError(
      'failed_precondition',
      `route${routes.length > 1 ? 's' : ''} ${named} would take over the addresses of provider "${id}" ("${id}/<model>"); delete ${routes.length > 1 ? 'them' : 'it'} (or save under another name) first, or choose another id`,
    );
  };

  return {
    async create(request) {
      const type = providerTypeName(request.type);
      if (!type) throw invalidArgument('type', 'is required (e.g. PROVIDER_TYPE_OPENAI)');
      const name = requireText('name', request.name, { max: 200 });
      const id = validateProviderId(request.id.trim() || providerIdFromName(name));
      const apiKey = validateApiKey(type, request.apiKey);
      const instant = now();
      const record: ProviderRecord = {
        id,
        name,
        type,
        baseUrl: validateBaseUrl('base_url', request.baseUrl, baseUrlRequired(type)),
        ...sealApiKey(id, apiKey),
        extraHeaders: extraHeadersToStore(keyRing, id, request.extraHeaders),
        enabled: request.enabled ?? true,
        models: validateModels(type, request.models),
        azureApiVersion: validateAzureApiVersion(type, request.azure?.apiVersion ?? ''),
        ...withLimits(validateQuota('quota', request.quota), validateQueue('queue', request.queue)),
        createdAt: instant,
        updatedAt: instant,
      };
      await refuseRouteAddresses(id);
      await providers.insert(record);
      options.onChange();
      return toProto({ record, version: INITIAL_VERSION });
    },

    async get(id) {
      return toProto(await records.loadVersioned(id));
    },

    async list(request) {
      const type = request.type === ProviderType.UNSPECIFIED ? null : providerTypeName(request.type);
      if (type === undefined) throw invalidArgument('type', 'is not a known provider type');
      const page = await providers.listVersioned({ ...pageRequest(request), type });
      return pageResponse('providers', page, toProto);
    },

    async update(request) {
      // Computed from the provider as stored when the write lands (again if another write came first),
      // so fields this request does not set keep what concurrent updates wrote.
      const expectedVersion = expectedVersionOf(request);
      const stored = await records.update(request.id, async (record) => {
        const fields = fieldsToUpdate(request.updateMask, {
          name: request.name !== undefined,
          base_url: request.baseUrl !== undefined,
          api_key: request.apiKey !== undefined,
          extra_headers: Object.keys(request.extraHeaders).length > 0,
          enabled: request.enabled !== undefined,
          models: request.models.length > 0,
          azure: request.azure !== undefined,
          quota: request.quota !== undefined,
          queue: request.queue !== undefined,
        });
        const next: ProviderRecord = { ...record, updatedAt: now() };
        if (fields.has('name')) next.name = requireText('name', request.name ?? '', { max: 200 });
        if (fields.has('base_url')) next.baseUrl = validateBaseUrl('base_url', request.baseUrl ?? '', baseUrlRequired(record.type));
        if (fields.has('api_key')) Object.assign(next, sealApiKey(record.id, validateApiKey(record.type, request.apiKey ?? '')));
        if (fields.has('extra_headers')) next.extraHeaders = extraHeadersToStore(keyRing, record.id, request.extraHeaders, record);
        if (fields.has('enabled')) next.enabled = request.enabled ?? false;
        if (fields.has('models')) {
          next.models = validateModels(record.type, request.models);
          await refuseRemovingUsedModels(record, next.models);
        }
        if (fields.has('azure')) next.azureApiVersion = validateAzureApiVersion(record.type, request.azure?.apiVersion ?? '');
        const { quota, queue, ...unlimited } = next;
        return {
          ...unlimited,
          ...withLimits(fields.has('quota') ? validateQuota('quota', request.quota) : quota, fields.has('queue') ? validateQueue('queue', request.queue) : queue),
        };
      }, expectedVersion);
      options.onChange();
      return toProto(stored);
    },

    async delete(id) {
      await load(id);
      refuseWhileUsed(`provider "${id}" is`, await options.references.usersOfProvider(id));
      await records.delete(id);
      options.onChange();
    },
  };
}

/** Only the settings that are set: an absent quota or queue is no property at all (as storage reads it back). */
const withLimits = (quota: ProviderRecord['quota'], queue: ProviderRecord['queue']) => ({ ...(quota ? { quota } : {}), ...(queue ? { queue } : {}) });
