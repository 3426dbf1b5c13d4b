// What a reload of the provider catalog changed for each target's health: its provider's address,
// credentials, type or API version, its deployment, or the target gone — and nothing else.
import { describe, expect, it } from 'vitest';
import { changedTargets } from '../../src/core/completion/changed-targets.js';
import type { CatalogProvider, CatalogSnapshot } from '../../src/core/completion/provider-catalog.js';
import type { ProviderModelRecord } from '../../src/domain/provider.js';
import { target } from '../routing/helpers.js';

type Change = Partial<CatalogProvider['connection']> & { name?: string; models?: Array<Partial<ProviderModelRecord> & { upstreamModel: string }> };

function provider(id: string, change: Change = {}): CatalogProvider {
  const base = target(id).provider;
  const { name, models, ...connection } = change;
  const record = {
    ...base.record,
    ...(name === undefined ? {} : { name }),
    models: (models ?? [{ upstreamModel: 'm' }, { upstreamModel: 'n' }]).map((model) => ({ ...base.record.models[0]!, ...model })),
  };
  return { ...base, record, connection: { ...base.connection, apiKey: 'sk-one', extraHeaders: { 'x-team': 'a' }, ...connection } };
}

const snapshot = (...providers: CatalogProvider[]): CatalogSnapshot => ({ providers: new Map(providers.map((entry) => [entry.record.id, entry])) });
const changes = (before: CatalogSnapshot, after: CatalogSnapshot) => Object.fromEntries(changedTargets(before, after));

describe('changed targets of a provider reload', () => {
  const before = snapshot(provider('p'), provider('q'));

  it('none for a rename, or another field that does not reach the upstream call', () => {
    expect(changes(before, snapshot(provider('p', { name: 'renamed' }), provider('q')))).toEqual({});
  });

  it("each model of a provider whose address or credentials changed, saying which", () => {
    expect(changes(before, snapshot(provider('p', { baseUrl: 'http://127.0.0.1:2/v1' }), provider('q', { apiKey: 'sk-two' })))).toEqual({
      'p/m': "its provider's base URL changed",
      'p/n': "its provider's base URL changed",
      'q/m': "its provider's credentials changed",
      'q/n': "its provider's credentials changed",
    });
    expect(changes(before, snapshot(provider('p', { extraHeaders: { 'x-team': 'b' }, azureApiVersion: '2024-10-21' }), provider('q')))).toMatchObject({
      'p/m': "its provider's credentials, API version changed",
    });
  });

  it('one model whose deployment changed or which was removed; every model of a deleted provider', () => {
    expect(changes(before, snapshot(provider('p', { models: [{ upstreamModel: 'm', deployment: 'other' }] })))).toEqual({
      'p/m': 'its deployment changed',
      'p/n': 'its model was removed from its provider',
      'q/m': 'its provider was deleted',
      'q/n': 'its provider was deleted',
    });
  });
});
