// The response cache shared by every replica: the process's own cache
// (core/cache/response-cache.ts) stays in front — its LRU and its single-flight
// for identical requests in this process — and its upstream call becomes:
//   1. the shared entry, when another replica stored one (served as a hit);
//   2. else the key's fill lock: its holder calls upstream and stores the
//      answer (unary, or the complete stream) for every replica;
//   3. else another replica is filling: wait for its entry and replay it; a
//      filler that fails or dies leaves no entry and frees (or lets expire) the
//      lock, and the waiters take it over.
// So K identical concurrent misses on different replicas make one upstream
// call. Entries above `maxEntryBytes` are served but not shared. While the
// store is away every request is a miss of the shared tier (counted).
import type { ChatResponse, StreamChunk } from '../../../gen/llmgateway/v1/chat_pb.js';
import { markChunkAsHit, markResponseAsHit } from '../cache/cache-marks.js';
import type { CallOptions, ResponseCache, StreamOpener, UnaryCompute } from '../cache/response-cache.js';
import { decodeResponse, decodeStream, encodeResponse, encodeStream } from '../cache/stored-entry.js';
import { canceled } from '../cache/stream-flight.js';
import type { FillLock, SharedCacheStore } from './shared-cache-store.js';
import type { SharedStoreHealth } from './shared-store-health.js';

export interface SharedResponseCacheOptions {
  local: ResponseCache;
  store: SharedCacheStore;
  health: SharedStoreHealth;
  ttlMs: number;
  maxEntryBytes: number;
  /** How often a waiting replica looks for the filler's entry. */
  pollMs?: number;
}

const UNARY = 1;
const STREAM = 2;

/** The kind byte, then the protobuf bytes (stored-entry.ts). */
const frame = (kind: number, bytes: Uint8Array) => {
  const framed = new Uint8Array(bytes.byteLength + 1);
  framed[0] = kind;
  framed.set(bytes, 1);
  return framed;
};

export function createSharedResponseCache(options: SharedResponseCacheOptions): ResponseCache {
  const { local, store, health, ttlMs, maxEntryBytes } = options;
  const pollMs = options.pollMs ?? 50;

  const sleep = (signal: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(canceled(signal));
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, pollMs);
      const onAbort = () => {
        clearTimeout(timer);
        reject(canceled(signal));
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });

  /** The shared entry of `kind`, or the fill lock (then this replica fills). Rejects on a store failure or `signal`. */
  const entryOrLock = async (key: string, kind: number, signal: AbortSignal): Promise<Uint8Array | FillLock> => {
    for (;;) {
      const found = await store.get(key);
      if (found && found[0] === kind) return found.subarray(1);
      const lock = await store.claim(key);
      if (lock) return lock;
      // Another replica fills: wait while its lock lives, then look again.
      do await sleep(signal);
      while (await store.isLocked(key));
    }
  };

  const share = (key: string, kind: number, bytes: Uint8Array) => {
    if (bytes.byteLength + 1 > maxEntryBytes) return Promise.resolve();
    return store.set(key, frame(kind, bytes), ttlMs).catch((error: unknown) => health.fellBack('cache', error));
  };

  /** The shared entry of `kind`, if any (a caller served only what is stored: no lock, no waiting for a fill). */
  const storedEntry = async (key: string, kind: number): Promise<Uint8Array | undefined> => {
    const found = await store.get(key);
    return found && found[0] === kind ? found.subarray(1) : undefined;
  };

  /** The shared tier's answer, or null: fill it yourself (with `lock`), or the store is away (no lock). */
  const lookUp = async (key: string, kind: number, signal: AbortSignal, storedOnly = false): Promise<{ bytes?: Uint8Array; lock?: FillLock }> => {
    if (!health.worthTrying()) {
      health.skipped('cache');
      return {};
    }
    try {
      const answer = await (storedOnly ? storedEntry(key, kind) : entryOrLock(key, kind, signal));
      health.succeeded();
      if (answer === undefined) return {};
      return answer instanceof Uint8Array ? { bytes: answer } : { lock: answer };
    } catch (error) {
      if (signal.aborted) throw error;
      health.fellBack('cache', error);
      return {};
    }
  };

  /** no-cache: the answer shared for every replica, whatever the store holds (no lookup, no lock). */
  const shareWhenUp = (key: string, kind: number, bytes: () => Uint8Array) => (health.worthTrying() ? share(key, kind, bytes()) : undefined);

  const sharedCompute =
    (key: string, compute: UnaryCompute, options: CallOptions = {}): UnaryCompute =>
    async (signal) => {
      if (options.refresh) {
        const response = await compute(signal);
        await shareWhenUp(key, UNARY, () => encodeResponse(response).bytes);
        return response;
      }
      const { bytes, lock } = await lookUp(key, UNARY, signal, options.storedOnly);
      if (bytes) return markResponseAsHit(decodeResponse(bytes));
      try {
        const response: ChatResponse = await compute(signal);
        if (lock) await share(key, UNARY, encodeResponse(response).bytes);
        return response;
      } finally {
        lock?.release();
      }
    };

  const sharedOpen = (key: string, open: StreamOpener, options: CallOptions = {}): StreamOpener =>
    async function* (signal) {
      if (options.refresh) {
        const chunks: StreamChunk[] = [];
        for await (const chunk of open(signal)) {
          chunks.push(chunk);
          yield chunk;
        }
        await shareWhenUp(key, STREAM, () => encodeStream(chunks).bytes);
        return;
      }
      const { bytes, lock } = await lookUp(key, STREAM, signal, options.storedOnly);
      if (bytes) {
        for (const chunk of decodeStream(bytes)) yield markChunkAsHit(chunk);
        return;
      }
      try {
        const chunks: StreamChunk[] = [];
        for await (const chunk of open(signal)) {
          if (lock) chunks.push(chunk);
          yield chunk;
        }
        if (lock) await share(key, STREAM, encodeStream(chunks).bytes);
      } finally {
        lock?.release();
      }
    };

  return {
    // A response served from the shared tier comes back marked (route.cache_hit): a hit here too.
    getOrCompute: async (key, compute, callOptions) => {
      const cached = await local.getOrCompute(key, sharedCompute(key, compute, callOptions), callOptions);
      return cached.response.route?.cacheHit ? { response: cached.response, hit: true } : cached;
    },
    stream: (key, open, callOptions) => local.stream(key, sharedOpen(key, open, callOptions), callOptions),
    stats: () => local.stats(),
    delete: (key) => local.delete(key),
    clear: () => local.clear(),
  };
}
