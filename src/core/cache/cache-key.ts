// The response cache's key: a SHA-256 over a canonical serialisation of every
// part of a ChatRequest that can change the answer, plus the scope (virtual key,
// resolved model, unary or stream).
//
// Why not the proto's own serialisations: protobuf binary and protobuf-es JSON
// both write map entries and google.protobuf.Struct fields in the insertion
// order of the JS object, so two equal requests built in different orders
// would hash differently. The canonical form here is the protobuf JSON mapping
// (`toJson`: field names fixed by the schema, bytes as base64, int64 as
// strings, enums as names, Struct as plain JSON, defaults omitted, explicitly
// present optional fields kept even when zero) re-serialised with every object's
// keys sorted (map keys and Struct keys included) and arrays kept in order.
import { createHash } from 'node:crypto';
import { toJson, type JsonValue } from '@bufbuild/protobuf';
import { ChatRequestSchema, type ChatRequest } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { RoutePlan } from '../routing/route-plan.js';

export type CacheMode = 'unary' | 'stream';

export interface CacheScope {
  /**
   * The virtual key's id: the cache is scoped per key. A key configured to share its entries across
   * keys passes one fixed namespace (e.g. `SHARED_CACHE_SCOPE`) instead.
   */
  keyId: string;
  /**
   * What the plan resolved the client's `model` to: the route name, or `provider-id/upstream-model`
   * for a direct model. Replaces `request.model` in the key, so an alias and the full id share entries.
   */
  resolvedModel: string;
  /** A unary answer and a stream are stored apart (different shapes). */
  mode: CacheMode;
}

/**
 * `scope.resolvedModel` for a plan: the route name for a route (any of its targets may serve a hit),
 * otherwise the one direct target's `provider-id/upstream-model`.
 */
export function resolvedModelOf(plan: RoutePlan): string {
  if (plan.routeName) return `route:${plan.routeName}`;
  const target = plan.targets[0];
  if (!target) throw new Error('resolvedModelOf: the plan has no target');
  return `model:${target.key}`;
}

/** Scope for keys whose cache entries are shared by all keys that opt into sharing. */
export const SHARED_CACHE_SCOPE = '*shared*';

/** Bumped whenever the canonical form changes, so old and new keys never collide. */
const KEY_FORMAT_VERSION = 'llmgateway.cache.v1';

/**
 * Top-level ChatRequest fields that are NOT part of the key (everything else is — a deny-list, so a
 * field added to the proto later is keyed by default: at worst a needless miss, never a wrong hit).
 */
const EXCLUDED_REQUEST_FIELDS: ReadonlySet<string> = new Set([
  // Replaced by `scope.resolvedModel`: what was asked for matters only through what serves it.
  'model',
  // Gateway-side options (cache_bypass, session_id) are never sent upstream and cannot change the
  // answer; session_id only steers affinity among targets that the resolved model already names.
  'gateway',
  // The caller's bookkeeping labels (for logs and filtering); not generation input. Only the response's
  // `warnings` can differ (an adapter that cannot forward metadata warns about it): a hit carries the
  // warnings of the request that filled the entry.
  'metadata',
]);

/**
 * The cache key of `request` under `scope`: 64 hex characters.
 *
 * Compute it from the request as it will be sent upstream — after prompt rules rewrote it — so a
 * changed rule yields a different key. Included: resolved model, key id, mode, messages (every part:
 * text and its signature, image URL or bytes, media type and detail, reasoning text, signatures and
 * redacted data, tool calls and results), tools, tool choice, parallel_tool_calls, response format,
 * temperature, top_p, top_k, max_output_tokens, stop, seed, presence/frequency penalties,
 * candidate_count, reasoning config, logprobs and top_logprobs (an answer stored with its tokens' log
 * probabilities carries them on every hit, one stored without them never answers a request that asks), user
 * (sent upstream; also keeps end users of one key apart) and provider_options. Excluded: `model` (see
 * scope), `gateway`, `metadata`.
 */
export function cacheKeyFor(request: ChatRequest, scope: CacheScope): string {
  if (!scope.resolvedModel) throw new Error('cacheKeyFor: scope.resolvedModel must not be empty');
  const json = toJson(ChatRequestSchema, request);
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new Error('cacheKeyFor: unexpected JSON form');
  const content: { [key: string]: JsonValue } = {};
  for (const [field, value] of Object.entries(json)) {
    if (!EXCLUDED_REQUEST_FIELDS.has(field)) content[field] = value;
  }
  const hash = createHash('sha256');
  hash.update(KEY_FORMAT_VERSION);
  hash.update('\n');
  hash.update(canonicalJson({ scope: { keyId: scope.keyId, resolvedModel: scope.resolvedModel, mode: scope.mode }, request: content }));
  return hash.digest('hex');
}

/** JSON text with every object's keys sorted (code-unit order) and no whitespace; arrays keep their order. */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  const members: string[] = [];
  for (const key of keys) {
    const member = value[key];
    if (member === undefined) continue;
    members.push(`${JSON.stringify(key)}:${canonicalJson(member)}`);
  }
  return `{${members.join(',')}}`;
}
