// The exact-match response cache: an LRU bounded in bytes with a TTL, holding
// complete unary answers and complete streams, with single-flight for
// identical concurrent misses.
//
// Wiring (governance/cache-step.ts, after planning and prompt rules, when the
// key enables caching and no cache bypass was asked for):
//   const key = cacheKeyFor(request, { keyId: key.id, resolvedModel: resolvedModelOf(plan), mode: 'unary' });
//   const { response, hit } = await cache.getOrCompute(key, (shared) => callUpstream(shared), { signal });
//   const { chunks, hit } = cache.stream(key, (shared) => upstreamChunks(shared), { signal });
// - The callback must run the upstream call under the `shared` signal it is
//   given, never the caller's own: one caller leaving must not cancel the call
//   others wait for. The caller's `signal` goes in the options.
// - Wrap the stream that already carries cost-priced usage and both route
//   chunks; do accounting outside the wrapper.
// - What is stored is the first caller's answer as produced: a hit keeps its
//   `created` and `model` (stream: in the start chunk); restamp them per
//   request if wanted. Hits are marked here (cache-marks.ts): an `id` of their
//   own, `route.cache_hit = true` with no attempts, usage cost 0 (token counts kept).
import { LRUCache } from 'lru-cache';
import type { ChatResponse, StreamChunk } from '../../../gen/llmgateway/v1/chat_pb.js';
import { markChunkAsHit, markResponseAsHit } from './cache-marks.js';
import { decodeResponse, decodeStream, encodeResponse, encodeStream, entrySize, type StoredEntry } from './stored-entry.js';
import { canceled, StreamFlight, type StreamOpener } from './stream-flight.js';
import { UnaryFlight, type CachedResponse, type UnaryCompute } from './unary-flight.js';

export type { CachedResponse, UnaryCompute } from './unary-flight.js';
export type { StreamOpener } from './stream-flight.js';

export interface ResponseCacheOptions {
  /** Upper bound of the stored bytes (serialized answers + keys + a per-entry overhead). */
  maxBytes: number;
  /** Time to live of an entry, from when it was stored, in ms. */
  ttlMs: number;
  /** Largest single entry accepted; bigger answers are served but not stored. Defaults to maxBytes. */
  maxEntryBytes?: number;
  /** Clock in ms (only differences matter); defaults to performance.now(). */
  now?: () => number;
}

export interface CallOptions {
  /** The caller's signal: when it aborts, this caller leaves (and gets a `canceled` GatewayError). */
  signal?: AbortSignal;
  /**
   * A stored answer only: without one the compute (or opener) runs for this caller alone, unshared and not
   * stored — it refuses the request (a budget too low for a call upstream, which a hit does not need).
   */
  storedOnly?: boolean;
  /**
   * HTTP's no-cache: no stored answer served and no identical call joined; the compute (or opener) runs for
   * this caller alone and its complete answer is stored, replacing the entry.
   */
  refresh?: boolean;
}

export interface CachedStream {
  /** Iterate once. Each chunk is the caller's own copy. */
  chunks: AsyncIterable<StreamChunk>;
  /**
   * Decided up front (for `x-gateway-cache`): false only for the request that opened the upstream
   * stream. For a live shared stream the chunks themselves say who pays (see StreamFlight).
   */
  hit: boolean;
}

export interface ResponseCacheStats {
  /** Served from a stored entry. */
  hits: number;
  /** Joined an identical request's upstream call that was still running. */
  coalesced: number;
  /** Started an upstream call. */
  misses: number;
  /** Bytes currently held (as counted against maxBytes). */
  bytes: number;
  /** Entries currently held. */
  entries: number;
  /** Upstream calls currently shared through single-flight (unary + stream). */
  inFlight: number;
}

export interface ResponseCache {
  getOrCompute(key: string, compute: UnaryCompute, options?: CallOptions): Promise<CachedResponse>;
  stream(key: string, open: StreamOpener, options?: CallOptions): CachedStream;
  stats(): ResponseCacheStats;
  /** Drops an entry (not an in-flight call). */
  delete(key: string): void;
  /** Drops every entry (not in-flight calls). */
  clear(): void;
}

const NEVER = new AbortController().signal;

export function createResponseCache(options: ResponseCacheOptions): ResponseCache {
  // lru-cache takes positive integers only.
  const maxBytes = Math.floor(options.maxBytes);
  const maxEntryBytes = Math.min(maxBytes, Math.floor(options.maxEntryBytes ?? maxBytes));
  const ttlMs = Math.ceil(options.ttlMs);
  if (!(maxBytes >= 1) || !(maxEntryBytes >= 1)) throw new Error('createResponseCache: maxBytes and maxEntryBytes must be ≥ 1');
  if (!(ttlMs >= 1)) throw new Error('createResponseCache: ttlMs must be > 0');
  const now = options.now ?? (() => performance.now());
  const store = new LRUCache<string, StoredEntry>({
    maxSize: maxBytes,
    maxEntrySize: maxEntryBytes,
    sizeCalculation: (entry, key) => entrySize(key, entry),
    ttl: ttlMs,
    // Check the clock on every access instead of caching it for 1 ms behind a timer.
    ttlResolution: 0,
    perf: { now },
  });
  const unaryFlights = new Map<string, UnaryFlight>();
  const streamFlights = new Map<string, StreamFlight>();
  const counters = { hits: 0, coalesced: 0, misses: 0 };

  const put = (key: string, encode: () => StoredEntry) => {
    try {
      store.set(key, encode());
    } catch {
      // An answer that cannot be serialized is served but not stored.
    }
  };

  return {
    getOrCompute(key, compute, callOptions = {}) {
      const { signal } = callOptions;
      if (signal?.aborted) return Promise.reject(canceled(signal));
      if (callOptions.refresh) {
        counters.misses += 1;
        return new UnaryFlight(compute, { completed: (response) => put(key, () => encodeResponse(response)), closed: () => {} }).join(signal);
      }
      const stored = store.get(key);
      if (stored?.kind === 'unary') {
        counters.hits += 1;
        return Promise.resolve({ response: markResponseAsHit(decodeResponse(stored.bytes)), hit: true });
      }
      if (callOptions.storedOnly) return compute(signal ?? NEVER).then((response) => ({ response, hit: false }));
      let flight = unaryFlights.get(key);
      if (flight?.joinable) {
        counters.coalesced += 1;
      } else {
        counters.misses += 1;
        const created: UnaryFlight = new UnaryFlight(compute, {
          completed: (response: ChatResponse) => put(key, () => encodeResponse(response)),
          closed: () => {
            if (unaryFlights.get(key) === created) unaryFlights.delete(key);
          },
        });
        unaryFlights.set(key, created);
        flight = created;
      }
      return flight.join(signal);
    },

    stream(key, open, callOptions = {}) {
      const { signal } = callOptions;
      if (callOptions.refresh) {
        counters.misses += 1;
        const own = new StreamFlight(open, { completed: (chunks) => put(key, () => encodeStream(chunks)), closed: () => {} });
        return { chunks: own.join(signal), hit: false };
      }
      const stored = store.get(key);
      if (stored?.kind === 'stream') {
        counters.hits += 1;
        return { chunks: replay(stored.bytes, signal), hit: true };
      }
      if (callOptions.storedOnly) return { chunks: open(signal ?? NEVER), hit: false };
      let flight = streamFlights.get(key);
      let hit = true;
      if (flight?.joinable) {
        counters.coalesced += 1;
      } else {
        counters.misses += 1;
        hit = false;
        const created: StreamFlight = new StreamFlight(open, {
          completed: (chunks) => put(key, () => encodeStream(chunks)),
          closed: () => {
            if (streamFlights.get(key) === created) streamFlights.delete(key);
          },
        });
        streamFlights.set(key, created);
        flight = created;
      }
      return { chunks: flight.join(signal), hit };
    },

    stats() {
      store.purgeStale();
      return {
        ...counters,
        bytes: store.calculatedSize,
        entries: store.size,
        inFlight: unaryFlights.size + streamFlights.size,
      };
    },

    delete(key) {
      store.delete(key);
    },

    clear() {
      store.clear();
    },
  };
}

/** The stored chunks again, each a fresh copy, route chunks marked `cache_hit` and usage at cost 0. */
async function* replay(bytes: Uint8Array, signal: AbortSignal | undefined): AsyncGenerator<StreamChunk, void, undefined> {
  for (const chunk of decodeStream(bytes)) {
    if (signal?.aborted) throw canceled(signal);
    yield markChunkAsHit(chunk);
  }
}
