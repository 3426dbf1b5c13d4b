// ProviderRecord ⇄ providers row.
import type { Insertable, Selectable } from 'kysely';
import type { ModelPricesRecord, ProviderModelRecord, ProviderRecord, ProviderTypeName, RequestQueueRecord, UpstreamQuotaRecord } from '../domain/provider.js';
import { asArray, asStringRecord, isPlainObject, jsonToColumn, mapObjects, readJsonColumn, readNumber, readString } from './json-columns.js';
import { booleanToColumn, columnsToRecordTimes, columnToBoolean, recordTimesToColumns } from './row-values.js';
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
    upstream_limits: provider.quota || provider.queue ? jsonToColumn({ quota: provider.quota ?? null, queue: provider.queue ?? null }) : null,
    ...recordTimesToColumns(provider),
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
    extraHeaders: readJsonColumn(row.extra_headers, field('extra_headers'), asStringRecord),
    enabled: columnToBoolean(row.enabled),
    models: readJsonColumn(row.models, field('models'), toModels),
    azureApiVersion: row.azure_api_version,
    ...readUpstreamLimits(row.upstream_limits, field('upstream_limits')),
    ...columnsToRecordTimes(row, field),
  };
}

/** NULL (rows before migration 0009, or none set) = no quota and the default queue. */
function readUpstreamLimits(value: unknown, field: string): Pick<ProviderRecord, 'quota' | 'queue'> {
  if (value === null || value === undefined) return {};
  return readJsonColumn(value, field, (json) => {
    if (!isPlainObject(json)) return {};
    const quota = toQuota(json['quota']);
    const queue = toQueue(json['queue']);
    return { ...(quota ? { quota } : {}), ...(queue ? { queue } : {}) };
  });
}

function toQuota(value: unknown): UpstreamQuotaRecord | undefined {
  if (!isPlainObject(value)) return undefined;
  return {
    requestsPerMinute: readNumber(value, 'requestsPerMinute'),
    tokensPerMinute: readNumber(value, 'tokensPerMinute'),
    maxConcurrent: readNumber(value, 'maxConcurrent'),
  };
}

function toQueue(value: unknown): RequestQueueRecord | undefined {
  if (!isPlainObject(value)) return undefined;
  return { maxLength: readNumber(value, 'maxLength'), maxWaitMs: readNumber(value, 'maxWaitMs') };
}

function toModels(value: unknown, field: string): ProviderModelRecord[] {
  return mapObjects(asArray(value, field), field, 'a model', (entry) => ({
    upstreamModel: readString(entry, 'upstreamModel'),
    alias: readString(entry, 'alias'),
    enabled: entry['enabled'] === true,
    deployment: readString(entry, 'deployment'),
    prices: toPrices(entry['prices']),
    ...(isPlainObject(entry['quota']) ? { quota: toQuota(entry['quota']) } : {}),
  }));
}

function toPrices(value: unknown): ModelPricesRecord | null {
  if (!isPlainObject(value)) return null;
  return {
    inputPerMillion: readNumber(value, 'inputPerMillion'),
    outputPerMillion: readNumber(value, 'outputPerMillion'),
    cachedInputPerMillion: readNumber(value, 'cachedInputPerMillion'),
    cacheWritePerMillion: readNumber(value, 'cacheWritePerMillion'),
    // The media prices exist only on models saved since they were added.
    ...(value['perImage'] !== undefined ? { perImage: readNumber(value, 'perImage') } : {}),
    ...(value['perAudioSecond'] !== undefined ? { perAudioSecond: readNumber(value, 'perAudioSecond') } : {}),
    ...(value['perMillionCharacters'] !== undefined ? { perMillionCharacters: readNumber(value, 'perMillionCharacters') } : {}),
  };
}
