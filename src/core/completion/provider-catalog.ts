// Providers in memory for the hot path: loaded once, decrypted once, adapters
// built once per provider version. Admin writes invalidate; a short TTL
// picks up writes made by other replicas sharing the database.
import type { ProviderRecord, ProvidersRepository } from '../../domain/provider.js';
import type { ProviderAdapter, ProviderAdapterFactory, ProviderConnection } from '../../domain/provider-adapter.js';
import type { MasterKeyRing } from '../secrets/master-key-ring.js';
import { providerKeyContext } from '../secrets/provider-key-context.js';

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

export interface ProviderCatalogOptions {
  providers: ProvidersRepository;
  keyRing: MasterKeyRing;
  createAdapter: ProviderAdapterFactory;
  ttlMs?: number;
  now?: () => number;
  onError?: (error: unknown) => void;
}

export function createProviderCatalog(options: ProviderCatalogOptions): ProviderCatalog {
  const now = options.now ?? Date.now;
  const ttlMs = options.ttlMs ?? 30_000;
  // Adapters survive reloads while their provider is unchanged (same updatedAt).
  const adapters = new Map<string, { version: number; adapter: ProviderAdapter }>();
  let current: { snapshot: CatalogSnapshot; loadedAt: number } | undefined;
  let loading: Promise<CatalogSnapshot> | undefined;
  let generation = 0;

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

  const load = (): Promise<CatalogSnapshot> => {
    if (loading) return loading;
    const startedGeneration = generation;
    loading = options.providers
      .listAll()
      .then((records) => {
        const snapshot = { providers: new Map(records.map((record) => [record.id, toEntry(record)])) };
        for (const id of adapters.keys()) if (!snapshot.providers.has(id)) adapters.delete(id);
        // An invalidation during the load means this result may be stale already.
        if (startedGeneration === generation) current = { snapshot, loadedAt: now() };
        return snapshot;
      })
      .finally(() => {
        loading = undefined;
      });
    return loading;
  };

  return {
    async snapshot() {
      if (!current) return load();
      if (now() - current.loadedAt > ttlMs) {
        // Serve the known snapshot while a fresh one loads behind it.
        load().catch((error: unknown) => options.onError?.(error));
      }
      return current.snapshot;
    },
    invalidate() {
      generation += 1;
      current = undefined;
    },
  };
}
