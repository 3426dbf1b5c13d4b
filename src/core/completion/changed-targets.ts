// Which targets (`provider/model`) a reload of the provider catalog changed in a way that bears on their
// health: the provider's address, credentials, type or API version, the model's deployment, or the target
// gone. Their circuit breakers start afresh (a fixed provider must not wait out a breaker its old
// configuration opened); every other target keeps its breaker, whatever else was written (a rename, a
// price, another provider, an `apply` or `import` that rewrote everything alike).
import type { ProviderRecord } from '../../domain/provider.js';
import type { ProviderConnection } from '../../domain/provider-adapter.js';

/** What it reads of a catalog (provider-catalog.ts's snapshot). */
interface CatalogEntry {
  record: ProviderRecord;
  connection: ProviderConnection;
}
type Catalog = { providers: ReadonlyMap<string, CatalogEntry> };

/** Target key → why it changed (`its provider's base URL changed`). */
export function changedTargets(before: Catalog, after: Catalog): Map<string, string> {
  const changed = new Map<string, string>();
  for (const [id, old] of before.providers) {
    const current = after.providers.get(id);
    const providerChange = current === undefined ? 'its provider was deleted' : connectionChange(old.connection, current.connection);
    for (const model of old.record.models) {
      const reason = providerChange ?? modelChange(model.upstreamModel, model.deployment, current!);
      if (reason !== undefined) changed.set(`${id}/${model.upstreamModel}`, reason);
    }
  }
  return changed;
}

function connectionChange(before: ProviderConnection, after: ProviderConnection): string | undefined {
  const aspects: string[] = [];
  if (before.type !== after.type) aspects.push('type');
  if (before.baseUrl !== after.baseUrl) aspects.push('base URL');
  if (before.apiKey !== after.apiKey || !sameHeaders(before.extraHeaders, after.extraHeaders)) aspects.push('credentials');
  if (before.azureApiVersion !== after.azureApiVersion) aspects.push('API version');
  return aspects.length === 0 ? undefined : `its provider's ${aspects.join(', ')} changed`;
}

function modelChange(upstreamModel: string, deployment: string, provider: CatalogEntry): string | undefined {
  const model = provider.record.models.find((candidate) => candidate.upstreamModel === upstreamModel);
  if (model === undefined) return 'its model was removed from its provider';
  return model.deployment === deployment ? undefined : 'its deployment changed';
}

function sameHeaders(left: Record<string, string>, right: Record<string, string>): boolean {
  const names = Object.keys(left);
  return names.length === Object.keys(right).length && names.every((name) => Object.hasOwn(right, name) && left[name] === right[name]);
}
