// Providers in memory for the hot path: loaded once, decrypted once, adapters
// built once per provider version. Admin writes invalidate; a short TTL
// picks up writes made by other replicas sharing the database.
import type { ProviderRecord, ProvidersRepository } from '../../domain/provider.js';
import type { ProviderAdapter, ProviderAdapterFactory, ProviderConnection } from '../../domain/provider-adapter.js';
import type { MasterKeyRing } from '../secrets/master-key-ring.js';
import { providerKeyContext } from '../providers/provider-admin.js';
import { reloadingSnapshot, type ReloadingSnapshotOptions } from './reloading-snapshot.js';

export interface CatalogProvider {
  record: ProviderRecord;
  connection: ProviderConnection;
  /** The provider's adapter (one SDK client), built on first use. */
  adapter(): ProviderAdapter;
}

export interface CatalogSnapshot {
  providers: ReadonlyMap<string, CatalogProvider>;
}

export interface ProviderCatalog {
  snapshot(): Promise<CatalogSnapshot>;
  /** After an admin write: the next snapshot() reloads. */
  invalidate(): void;
}

export interface ProviderCatalogOptions extends ReloadingSnapshotOptions {
  providers: ProvidersRepository;
  keyRing: MasterKeyRing;
  createAdapter: ProviderAdapterFactory;
}

export function createProviderCatalog(options: ProviderCatalogOptions): ProviderCatalog {
  // Adapters survive reloads while their provider is unchanged (same updatedAt).
  const adapters = new Map<string, { version: number; adapter: ProviderAdapter }>();

  const toEntry = (record: ProviderRecord): CatalogProvider => {
    const connection: ProviderConnection = {
      id: record.id,
      type: record.type,
      baseUrl: record.baseUrl,
      apiKey: record.apiKeyCiphertext === '' ? '' : options.keyRing.decrypt(record.apiKeyCiphertext, providerKeyContext(record.id)),
      extraHeaders: record.extraHeaders,
      azureApiVersion: record.azureApiVersion,
    };
    return {
      record,
      connection,
      adapter() {
        const cached = adapters.get(record.id);
        if (cached && cached.version === record.updatedAt) return cached.adapter;
        const adapter = options.createAdapter(connection);
        adapters.set(record.id, { version: record.updatedAt, adapter });
        return adapter;
      },
    };
  };

  const table = reloadingSnapshot(async (): Promise<CatalogSnapshot> => {
    const records = await options.providers.listAll();
    const snapshot = { providers: new Map(records.map((record) => [record.id, toEntry(record)])) };
    for (const id of adapters.keys()) if (!snapshot.providers.has(id)) adapters.delete(id);
    return snapshot;
  }, options);

  return { snapshot: table.get, invalidate: table.invalidate };
}
