// A provider: its connection settings, its models and their prices, and its repository.
// The API key and credential-like extra headers are only ever held here as ciphertext (see core/secrets).
import type { Page } from './page.js';
import type { Versioned, VersionedRepository } from './versioned-record.js';

export type ProviderTypeName = 'openai' | 'azure-openai' | 'anthropic' | 'gemini' | 'openai-compatible';

export interface ModelPricesRecord {
  inputPerMillion: number;
  outputPerMillion: number;
  cachedInputPerMillion: number;
  cacheWritePerMillion: number;
  /** OpenAI's media endpoints: USD per image, per second of audio, per million input characters (absent or 0 = not priced). */
  perImage?: number;
  perAudioSecond?: number;
  perMillionCharacters?: number;
}

/** What an upstream account allows (0 = no limit); see core/quotas. */
export interface UpstreamQuotaRecord {
  requestsPerMinute: number;
  tokensPerMinute: number;
  maxConcurrent: number;
}

/** A provider's own queue settings; absent = the gateway's defaults (GATEWAY_UPSTREAM_QUEUE_*). */
export interface RequestQueueRecord {
  /** 0 = no queue: a request over quota is refused at once. */
  maxLength: number;
  maxWaitMs: number;
}

export interface ProviderModelRecord {
  upstreamModel: string;
  alias: string;
  enabled: boolean;
  deployment: string;
  prices: ModelPricesRecord | null;
  /** This model's own quota, on top of the provider's; absent = none. */
  quota?: UpstreamQuotaRecord | undefined;
}

export interface ProviderRecord {
  id: string;
  name: string;
  type: ProviderTypeName;
  baseUrl: string;
  /** AES-256-GCM ciphertext produced by core/secrets (never the plain key). */
  apiKeyCiphertext: string;
  apiKeyLast4: string;
  /** Credential-like headers (credential-headers.ts) hold ciphertext produced by core/secrets. */
  extraHeaders: Record<string, string>;
  enabled: boolean;
  models: ProviderModelRecord[];
  azureApiVersion: string;
  /** The provider-wide quota; absent = none (migration 0009). */
  quota?: UpstreamQuotaRecord | undefined;
  /** Absent = the gateway's default queue. */
  queue?: RequestQueueRecord | undefined;
  /** Epoch milliseconds. */
  createdAt: number;
  updatedAt: number;
}

export interface ProvidersRepository extends VersionedRepository<ProviderRecord> {
  /** Throws StorageConflictError when the id exists. */
  insert(provider: ProviderRecord): Promise<void>;
  get(id: string): Promise<ProviderRecord | null>;
  /** Ordered by id; `cursor` is the nextCursor of the previous page. */
  list(options: { limit: number; cursor?: string | null; type?: ProviderTypeName | null }): Promise<Page<ProviderRecord>>;
  /** The same page, each provider with its version. */
  listVersioned(options: { limit: number; cursor?: string | null; type?: ProviderTypeName | null }): Promise<Page<Versioned<ProviderRecord>>>;
  listAll(): Promise<ProviderRecord[]>;
  /** Replaces every column of the row with this id, unconditionally (see replaceIfVersion); false when no such row. */
  replace(provider: ProviderRecord): Promise<boolean>;
  delete(id: string): Promise<boolean>;
}
