// The provider editor's form ↔ the ProvidersService messages. The API key is write-only: the form
// starts empty, and an update sends it only when the user typed a new one. A credential-like extra
// header comes as its marker ("[redacted …1234]") and goes back as it is, which the gateway reads as
// "keep the stored value".
import { create } from '@bufbuild/protobuf';
import { FieldMaskSchema } from '@bufbuild/protobuf/wkt';
import {
  AzureSettingsSchema,
  CreateProviderRequestSchema,
  ModelPricesSchema,
  ProviderModelSchema,
  ProviderType,
  UpdateProviderRequestSchema,
  type CreateProviderRequest,
  type Provider,
  type ProviderModel,
  type UpdateProviderRequest,
} from '../../../gen/llmgateway/v1/providers_service_pb.js';
import { changedPaths, fieldProblem, formatPairs, optionalDecimal, parsePairs } from './form-values.js';

export interface ModelRow {
  upstreamModel: string;
  alias: string;
  deployment: string;
  enabled: boolean;
  /** US dollars per million tokens; '' = the built-in price table. */
  inputPrice: string;
  outputPrice: string;
  cachedInputPrice: string;
  cacheWritePrice: string;
  /** The model as read: what the form does not show (media prices, its upstream quota) survives an edit. */
  stored?: ProviderModel | undefined;
}

export interface ProviderForm {
  id: string;
  name: string;
  type: ProviderType;
  baseUrl: string;
  /** Write-only: '' keeps the stored key on update. */
  apiKey: string;
  /** `Header-Name: value` per line; a credential-like header's value is the API's marker unless retyped. */
  extraHeaders: string;
  enabled: boolean;
  azureApiVersion: string;
  models: ModelRow[];
}

export function emptyModelRow(upstreamModel = ''): ModelRow {
  return { upstreamModel, alias: '', deployment: '', enabled: true, inputPrice: '', outputPrice: '', cachedInputPrice: '', cacheWritePrice: '' };
}

export function emptyProviderForm(): ProviderForm {
  return { id: '', name: '', type: ProviderType.OPENAI, baseUrl: '', apiKey: '', extraHeaders: '', enabled: true, azureApiVersion: '', models: [] };
}

function modelToRow(model: ProviderModel): ModelRow {
  const price = (value: number | undefined) => (model.prices ? String(value ?? 0) : '');
  return {
    upstreamModel: model.upstreamModel,
    alias: model.alias,
    deployment: model.deployment,
    enabled: model.enabled ?? true,
    inputPrice: price(model.prices?.inputPerMillion),
    outputPrice: price(model.prices?.outputPerMillion),
    cachedInputPrice: price(model.prices?.cachedInputPerMillion),
    cacheWritePrice: price(model.prices?.cacheWritePerMillion),
    stored: model,
  };
}

export function providerToForm(provider: Provider): ProviderForm {
  return {
    id: provider.id,
    name: provider.name,
    type: provider.type,
    baseUrl: provider.baseUrl,
    apiKey: '',
    extraHeaders: formatPairs(provider.extraHeaders, ':'),
    enabled: provider.enabled,
    azureApiVersion: provider.azure?.apiVersion ?? '',
    models: provider.models.map(modelToRow),
  };
}

function rowToModel(row: ModelRow, index: number): ProviderModel {
  const field = (name: string) => `models[${index}].${name}`;
  if (row.upstreamModel.trim() === '') throw fieldProblem(field('upstream_model'), 'required');
  const prices = [row.inputPrice, row.outputPrice, row.cachedInputPrice, row.cacheWritePrice];
  const storedPrices = row.stored?.prices;
  const mediaPrices = {
    perImage: storedPrices?.perImage ?? 0,
    perAudioSecond: storedPrices?.perAudioSecond ?? 0,
    perMillionCharacters: storedPrices?.perMillionCharacters ?? 0,
  };
  const priced = prices.some((price) => price.trim() !== '') || Object.values(mediaPrices).some((price) => price !== 0);
  return create(ProviderModelSchema, {
    upstreamModel: row.upstreamModel.trim(),
    alias: row.alias.trim(),
    deployment: row.deployment.trim(),
    enabled: row.enabled,
    prices: priced
      ? create(ModelPricesSchema, {
          inputPerMillion: optionalDecimal(field('prices.input_per_million'), row.inputPrice) ?? 0,
          outputPerMillion: optionalDecimal(field('prices.output_per_million'), row.outputPrice) ?? 0,
          cachedInputPerMillion: optionalDecimal(field('prices.cached_input_per_million'), row.cachedInputPrice) ?? 0,
          cacheWritePerMillion: optionalDecimal(field('prices.cache_write_per_million'), row.cacheWritePrice) ?? 0,
          ...mediaPrices,
        })
      : undefined,
    quota: row.stored?.quota,
  });
}

function providerFields(form: ProviderForm) {
  return {
    name: form.name.trim(),
    baseUrl: form.baseUrl.trim(),
    extraHeaders: parsePairs('extra_headers', form.extraHeaders, ':'),
    enabled: form.enabled,
    models: form.models.map(rowToModel),
    azure: form.type === ProviderType.AZURE_OPENAI ? create(AzureSettingsSchema, { apiVersion: form.azureApiVersion.trim() }) : undefined,
  };
}

export function toCreateProviderRequest(form: ProviderForm): CreateProviderRequest {
  return create(CreateProviderRequestSchema, { ...providerFields(form), id: form.id.trim(), type: form.type, apiKey: form.apiKey });
}

/** What each updatable field is made of on the form (the models are sent as a whole list). */
const PROVIDER_VALUES: Record<string, (form: ProviderForm) => unknown> = {
  name: (form) => form.name.trim(),
  base_url: (form) => form.baseUrl.trim(),
  extra_headers: (form) => form.extraHeaders,
  enabled: (form) => form.enabled,
  models: (form) => form.models.map((row) => [row.upstreamModel, row.alias, row.deployment, row.enabled, row.inputPrice, row.outputPrice, row.cachedInputPrice, row.cacheWritePrice]),
  azure: (form) => form.azureApiVersion.trim(),
};

/**
 * The update of `provider` (as loaded into the form): only the fields the user changed, at the version loaded
 * (an edit made meanwhile elsewhere gets the save refused, ABORTED, rather than overwritten).
 */
export function toUpdateProviderRequest(provider: Provider, form: ProviderForm): UpdateProviderRequest {
  const paths = changedPaths(providerToForm(provider), form, PROVIDER_VALUES);
  const apiKey = form.apiKey.trim() === '' ? undefined : form.apiKey;
  if (apiKey !== undefined) paths.push('api_key');
  return create(UpdateProviderRequestSchema, { ...providerFields(form), id: form.id, apiKey, expectedVersion: provider.version, updateMask: create(FieldMaskSchema, { paths }) });
}

/** Adds discovered models not yet in the form (one click in the editor). */
export function addDiscoveredModels(form: ProviderForm, upstreamModels: readonly string[]): number {
  const present = new Set(form.models.map((row) => row.upstreamModel));
  const added = upstreamModels.filter((model) => !present.has(model));
  form.models.push(...added.map((model) => emptyModelRow(model)));
  return added.length;
}
