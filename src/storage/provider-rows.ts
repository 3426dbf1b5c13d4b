// ProviderRecord ⇄ providers row.
import type { Insertable, Selectable } from 'kysely';
import type { ModelPricesRecord, ProviderModelRecord, ProviderRecord, ProviderTypeName } from '../domain/provider.js';
import {
  asStringRecord,
  booleanToColumn,
  columnToBoolean,
  columnToJson,
  columnToTimestamp,
  isPlainObject,
  jsonToColumn,
  readNumber,
  readString,
  StoredValueError,
  timestampToColumn,
} from './row-values.js';
import type { ProvidersTable } from './schema.js';

export type ProviderRow = Selectable<ProvidersTable>;
export type NewProviderRow = Insertable<ProvidersTable>;

export function providerToRow(provider: ProviderRecord): NewProviderRow {
  return {
    id: provider.id,
    name: provider.name,
    type: provider.type,
    base_url: provider.baseUrl,
    api_key_ciphertext: provider.apiKeyCiphertext,
    api_key_last4: provider.apiKeyLast4,
    extra_headers: jsonToColumn(provider.extraHeaders),
    enabled: booleanToColumn(provider.enabled),
    models: jsonToColumn(provider.models),
    azure_api_version: provider.azureApiVersion,
    created_at: timestampToColumn(provider.createdAt, 'createdAt'),
    updated_at: timestampToColumn(provider.updatedAt, 'updatedAt'),
  };
}

export function rowToProvider(row: ProviderRow): ProviderRecord {
  const field = (column: string) => `providers.${column} (id ${row.id})`;
  return {
    id: row.id,
    name: row.name,
    type: row.type as ProviderTypeName,
    baseUrl: row.base_url,
    apiKeyCiphertext: row.api_key_ciphertext,
    apiKeyLast4: row.api_key_last4,
    extraHeaders: asStringRecord(columnToJson(row.extra_headers, field('extra_headers')), field('extra_headers')),
    enabled: columnToBoolean(row.enabled),
    models: toModels(columnToJson(row.models, field('models')), field('models')),
    azureApiVersion: row.azure_api_version,
    createdAt: columnToTimestamp(row.created_at, field('created_at')),
    updatedAt: columnToTimestamp(row.updated_at, field('updated_at')),
  };
}

function toModels(value: unknown, field: string): ProviderModelRecord[] {
  if (!Array.isArray(value)) throw new StoredValueError(`${field} is not a JSON array`);
  return value.map((entry: unknown) => {
    if (!isPlainObject(entry)) throw new StoredValueError(`${field} holds a model that is not an object`);
    return {
      upstreamModel: readString(entry, 'upstreamModel'),
      alias: readString(entry, 'alias'),
      enabled: entry['enabled'] === true,
      deployment: readString(entry, 'deployment'),
      prices: toPrices(entry['prices']),
    };
  });
}

function toPrices(value: unknown): ModelPricesRecord | null {
  if (!isPlainObject(value)) return null;
  return {
    inputPerMillion: readNumber(value, 'inputPerMillion'),
    outputPerMillion: readNumber(value, 'outputPerMillion'),
    cachedInputPerMillion: readNumber(value, 'cachedInputPerMillion'),
    cacheWritePerMillion: readNumber(value, 'cacheWritePerMillion'),
  };
}
