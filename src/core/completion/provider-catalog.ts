// Providers in memory for the hot path (a reloading table, ../reloading-table.ts):
// loaded once, decrypted once, adapters built once per provider version. Admin
// writes invalidate; a short TTL picks up writes made by other replicas sharing
// the database.
import type { ProviderRecord, ProvidersRepository } from '../../domain/provider.js';
import type { ProviderAdapter, ProviderAdapterFactory, ProviderConnection } from '../../domain/provider-adapter.js';
import type { MasterKeyRing } from '../secrets/master-key-ring.js';
import { openExtraHeaders } from '../secrets/provider-header-secrets.js';
import { providerKeyContext } from '../secrets/provider-key-context.js';
import { createReloadingTable, type ReloadTiming } from '../reloading-table.js';
import { changedTargets } from './changed-targets.js';

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
  /** The catalog in memory, or undefined when snapshot() must load it (reloading-table.ts, peek). */
  peek?(): CatalogSnapshot | undefined;
  /** After an admin write: the next snapshot() reloads. */
  invalidate(): void;
}

export interface ProviderCatalogOptions extends ReloadTiming {
  providers: ProvidersRepository;
  keyRing: MasterKeyRing;
  createAdapter: ProviderAdapterFactory;
  /** After a reload: the targets whose configuration changed since the last load, each with why (changed-targets.ts). */
  onTargetsChanged?: (changed: ReadonlyMap<string, string>) => void;
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
      extraHeaders: openExtraHeaders(options.keyRing, record.id, record.extraHeaders),
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

  let lastLoaded: CatalogSnapshot | undefined;
  const table = createReloadingTable<CatalogSnapshot>({
    ...options,
    load: async () => {
      const records = await options.providers.listAll();
      const snapshot = { providers: new Map(records.map((record) => [record.id, toEntry(record)])) };
      for (const id of adapters.keys()) if (!snapshot.providers.has(id)) adapters.delete(id);
      if (lastLoaded && options.onTargetsChanged) {
        const changed = changedTargets(lastLoaded, snapshot);
        if (changed.size > 0) options.onTargetsChanged(changed);
      }
      lastLoaded = snapshot;
      return snapshot;
    },
  });

  return { snapshot: () => table.get(), peek: () => table.peek(), invalidate: () => table.invalidate() };
}
