// Which id an imported provider takes, given the providers the gateway already
// holds. Ids are `<source>-<vendor>`, then `-2`, `-3` … in the order a config
// names its upstreams, so a second config's first upstream would be given the
// id an earlier import gave to another one, and its plan would then repoint
// that provider (another base URL, another key) under the first import's
// routes. So an id the gateway holds is taken only by the same upstream: the
// same type, address and API key (as far as the gateway shows it: its last
// four characters) and Azure API version; any other upstream passes over it.
import type { Provider } from '../../gen/llmgateway/v1/providers_service_pb.js';
import { ProviderType } from '../../gen/llmgateway/v1/providers_service_pb.js';
import { apiKeyLast4 } from '../declarative/kinds/provider-kind.js';

export interface Upstream {
  type: ProviderType;
  /** Without a trailing slash; '' = the SDK's default address. */
  baseUrl: string;
  /** '' when the import could not read it (then the gateway's key stays, whatever it is). */
  apiKey: string;
  azureApiVersion: string;
}

export interface ChosenId {
  id: string;
  /** The provider the gateway holds under that id (the same upstream), if any. */
  existing?: Provider;
  /** A provider the gateway holds at the same address with another API key, passed over (to report). */
  otherKeyAt?: string;
}

const address = (baseUrl: string): string => baseUrl.trim().replace(/\/+$/, '');

function sameAddress(provider: Provider, upstream: Upstream): boolean {
  const providerUrl = provider.type === ProviderType.OPENAI ? '' : address(provider.baseUrl);
  const upstreamUrl = upstream.type === ProviderType.OPENAI ? '' : upstream.baseUrl;
  return provider.type === upstream.type && providerUrl === upstreamUrl && (provider.azure?.apiVersion ?? '') === upstream.azureApiVersion;
}

const sameKey = (provider: Provider, upstream: Upstream): boolean =>
  upstream.apiKey === '' || apiKeyLast4(upstream.apiKey.trim()) === provider.apiKeyLast4;

/**
 * The id for `upstream` under `slug`: the one the gateway holds for this same upstream (not yet `taken`
 * in this run), else the first of `slug`, `slug-2` … that neither the gateway nor this run uses.
 */
export function chooseProviderId(slug: string, upstream: Upstream, existing: ReadonlyMap<string, Provider>, taken: ReadonlySet<string>): ChosenId {
  // slug → 1, slug-2 → 2 …; another id → 0 (not of this family).
  const counter = (id: string) => (id === slug ? 1 : id.startsWith(`${slug}-`) && /^[1-9]\d*$/.test(id.slice(slug.length + 1)) ? Number(id.slice(slug.length + 1)) : 0);
  const family = [...existing.values()].filter((provider) => counter(provider.id) > 0).sort((a, b) => counter(a.id) - counter(b.id));
  let otherKeyAt: string | undefined;
  for (const provider of family) {
    if (taken.has(provider.id) || !sameAddress(provider, upstream)) continue;
    if (sameKey(provider, upstream)) return { id: provider.id, existing: provider };
    otherKeyAt ??= provider.id;
  }
  let id = slug;
  for (let counter = 2; taken.has(id) || existing.has(id); counter += 1) id = `${slug}-${counter}`;
  return otherKeyAt === undefined ? { id } : { id, otherKeyAt };
}
