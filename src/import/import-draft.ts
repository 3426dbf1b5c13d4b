// What an importer produces: the objects the gateway should hold afterwards,
// as the admin API's own create requests, and every part of the source it could
// not map, with the reason (nothing is dropped silently).
import type { CreateKeyRequest } from '../../gen/llmgateway/v1/keys_service_pb.js';
import type { CreateProviderRequest } from '../../gen/llmgateway/v1/providers_service_pb.js';
import type { CreateRouteRequest } from '../../gen/llmgateway/v1/routes_service_pb.js';
import type { HeldKey } from './held-objects.js';

/** A part of the source that was not imported, or imported only in part. */
export interface Unmapped {
  /** Where in the source, e.g. `providers[openai].api_key` or `virtual_keys[vk1].dynamic_compression_enabled`. */
  source: string;
  reason: string;
}

export interface ImportDraft {
  providers: CreateProviderRequest[];
  /** In an order that creates every route before the routes that target it. */
  routes: CreateRouteRequest[];
  /** Each carries metadata IMPORT_ID_METADATA, the source's own id, so a re-run finds it again. */
  keys: CreateKeyRequest[];
  /** Names of `routes` this run could not fully resolve (held-objects.ts). */
  heldRoutes?: string[];
  /** Keys of `keys` this run could not fully resolve (held-objects.ts). */
  heldKeys?: HeldKey[];
  unmapped: Unmapped[];
}

/** Key metadata naming where an imported key came from: `<source>:<id>`, e.g. `legacy:Xk3…`. */
export const IMPORT_ID_METADATA = 'imported_from';

export function emptyDraft(): ImportDraft {
  return { providers: [], routes: [], keys: [], unmapped: [] };
}
