// Keys and routes the source could not fully resolve this run, because some of
// the providers they lead to were skipped (their stored key did not decrypt
// with the secret given). The skip says nothing about those objects, so what
// the gateway already holds for the skipped providers must stay: a key keeps
// its allowed-model entries for providers this run did not draft (the rest
// follows the source as usual), and a route that still targets such a provider
// is left as it is. Nothing is widened: a kept entry is one the key already
// had, and a key is enabled only with a non-empty list (an empty list means
// every model here).
import { clone } from '@bufbuild/protobuf';
import { CreateKeyRequestSchema, type CreateKeyRequest, type VirtualKey } from '../../gen/llmgateway/v1/keys_service_pb.js';
import type { Route } from '../../gen/llmgateway/v1/routes_service_pb.js';

export interface HeldKey {
  /** The key's IMPORT_ID_METADATA value. */
  importId: string;
  /** Whether the source has the key on (its own flag, before "bound to nothing"). */
  enabledInSource: boolean;
}

/** What this run decides: the providers and routes it drafted. */
export interface DraftedNames {
  providerIds: ReadonlySet<string>;
  routeNames: ReadonlySet<string>;
}

const decidedHere = (entry: string, drafted: DraftedNames): boolean =>
  drafted.routeNames.has(entry) || drafted.providerIds.has(entry.split('/')[0] ?? '');

/** What to ask of a held key the gateway already holds: its entries this run cannot judge stay, in their order. */
export function heldKeyRequest(request: CreateKeyRequest, current: VirtualKey, held: HeldKey, drafted: DraftedNames): CreateKeyRequest {
  const wanted = new Set(request.allowedModels);
  const kept = current.allowedModels.filter((entry) => wanted.has(entry) || !decidedHere(entry, drafted));
  const allowedModels = [...new Set([...kept, ...request.allowedModels])];
  const asked = clone(CreateKeyRequestSchema, request);
  asked.allowedModels = allowedModels;
  asked.enabled = held.enabledInSource && allowedModels.length > 0;
  return asked;
}

/** Whether a held route the gateway holds still leads to a provider this run did not draft (then it stays as it is). */
export function heldRouteStays(current: Route, drafted: DraftedNames): boolean {
  const providers = [...current.targets.map((target) => target.providerId), ...(current.expert?.experts.map((expert) => expert.providerId) ?? [])];
  return providers.some((providerId) => providerId !== '' && !drafted.providerIds.has(providerId));
}
