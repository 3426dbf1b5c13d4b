// Which provider and upstream model a requested model name means.
// `provider-id/model` addresses one provider; a bare name must match exactly
// one enabled model (by alias or upstream id) across enabled providers.
import type { ProviderModelRecord } from '../../domain/provider.js';
import { GatewayError, invalidArgument } from '../../domain/gateway-error.js';
import type { CatalogProvider, CatalogSnapshot } from './provider-catalog.js';
import { AmbiguousModelError } from './ambiguous-model.js';

export interface ResolvedModel {
  provider: CatalogProvider;
  model: ProviderModelRecord;
}

const matches = (model: ProviderModelRecord, name: string) => model.alias === name || model.upstreamModel === name;

/**
 * `admits`: for a key restricted to some models, which candidates of a bare name it may use. A name that two
 * providers serve then means the one the key may use (a key bound to `openai/gpt-4o` sending `gpt-4o` while
 * another provider's deployment has the alias `gpt-4o`), and an ambiguity lists only models the key may use.
 */
export function resolveModel(requested: string, snapshot: CatalogSnapshot, admits?: (candidate: ResolvedModel) => boolean): ResolvedModel {
  const name = requested.trim();
  if (name === '') throw invalidArgument('model', 'is required');
  const slash = name.indexOf('/');
  if (slash > 0) {
    const provider = snapshot.providers.get(name.slice(0, slash));
    if (provider) return resolveWithin(provider, name.slice(slash + 1), name);
  }
  const candidates: ResolvedModel[] = [];
  for (const provider of snapshot.providers.values()) {
    if (!provider.record.enabled) continue;
    for (const model of provider.record.models) {
      if (model.enabled && matches(model, name)) candidates.push({ provider, model });
    }
  }
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length === 0) throw new GatewayError('not_found', `model "${name}" is not served by any enabled provider`);
  const usable = admits ? candidates.filter(admits) : candidates;
  if (usable.length === 1) return usable[0]!;
  // None the key may use: the answer of a model that does not exist (plan-route.ts), as for one candidate.
  if (usable.length === 0) throw new GatewayError('not_found', `model "${name}" is not served by any enabled provider`);
  throw new AmbiguousModelError(name, usable.map((candidate) => `${candidate.provider.record.id}/${candidate.model.upstreamModel}`));
}

function resolveWithin(provider: CatalogProvider, modelName: string, requested: string): ResolvedModel {
  if (!provider.record.enabled) {
    throw new GatewayError('not_found', `model "${requested}" is not available: provider "${provider.record.id}" is disabled`);
  }
  const model = provider.record.models.find((candidate) => matches(candidate, modelName));
  if (!model || !model.enabled) {
    throw new GatewayError('not_found', `model "${requested}" is not served by provider "${provider.record.id}"`);
  }
  return { provider, model };
}

/** The names a model answers to, for access checks and listings. */
export function namesOf(resolved: ResolvedModel): string[] {
  const id = resolved.provider.record.id;
  const { upstreamModel, alias } = resolved.model;
  const names = [`${id}/${upstreamModel}`];
  if (alias) names.push(`${id}/${alias}`);
  // A bare name counts only when it cannot pass for another provider's: an aggregator's `openai/gpt-4o`
  // must not be allowed by a key's `openai/*`.
  for (const bare of [upstreamModel, alias]) if (bare && !bare.includes('/')) names.push(bare);
  return names;
}
