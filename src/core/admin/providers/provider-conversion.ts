// Provider records ⇄ the proto's messages. The API key never leaves as
// anything but its last 4 characters, a credential-like extra header only as
// its marker (provider-headers.ts gives the headers as shown).
import { create } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import {
  AzureSettingsSchema,
  ModelPricesSchema,
  ProviderModelSchema,
  ProviderSchema,
  ProviderType,
  type Provider,
} from '../../../../gen/llmgateway/v1/providers_service_pb.js';
import type { ProviderRecord, ProviderTypeName } from '../../../domain/provider.js';
import { enumNames } from '../enum-names.js';
import { queueToProto, quotaToProto } from './quota-validation.js';

const TYPES = enumNames<ProviderType, ProviderTypeName>(ProviderType.UNSPECIFIED, {
  [ProviderType.OPENAI]: 'openai',
  [ProviderType.AZURE_OPENAI]: 'azure-openai',
  [ProviderType.ANTHROPIC]: 'anthropic',
  [ProviderType.GEMINI]: 'gemini',
  [ProviderType.OPENAI_COMPATIBLE]: 'openai-compatible',
});

/** undefined for UNSPECIFIED and for numbers the enum does not know. */
export const providerTypeName = TYPES.nameOf;
export const providerTypeValue = TYPES.valueOf;

export function providerRecordToProto(record: ProviderRecord, shownHeaders: Record<string, string>): Provider {
  return create(ProviderSchema, {
    id: record.id,
    name: record.name,
    type: providerTypeValue(record.type),
    baseUrl: record.baseUrl,
    apiKeyLast4: record.apiKeyLast4,
    extraHeaders: shownHeaders,
    enabled: record.enabled,
    models: record.models.map((model) =>
      create(ProviderModelSchema, {
        upstreamModel: model.upstreamModel,
        alias: model.alias,
        enabled: model.enabled,
        deployment: model.deployment,
        prices: model.prices ? create(ModelPricesSchema, model.prices) : undefined,
        quota: quotaToProto(model.quota),
      }),
    ),
    azure: record.type === 'azure-openai' ? create(AzureSettingsSchema, { apiVersion: record.azureApiVersion }) : undefined,
    createdAt: timestampFromMs(record.createdAt),
    updatedAt: timestampFromMs(record.updatedAt),
    quota: quotaToProto(record.quota),
    queue: queueToProto(record.queue),
  });
}
