// Virtual keys by secret hash, kept in memory so the hot path reads no
// database, and kept as their LAST KNOWN STATE so an outage of the key store
// does not fail the keys that were working (issue 16 item 2):
//
// - A key read within `ttlMs` is answered from memory. An older one is read
//   again (the request waits for it, so a key revoked by another replica is
//   refused at most `ttlMs` after, while the store answers within `readWaitMs`).
// - When that read fails, or gives no answer within `readWaitMs` (a store that
//   hangs rather than refuses), the key's last known state — active, revoked,
//   disabled or expired alike — is answered instead, for at most `staleMaxMs`
//   after it was last read (0: never). So a key revoked before the outage stays
//   revoked, and a working key keeps working. A late read still updates it.
// - Once a read has been waited for `readWaitMs` in vain, the store is late: until
//   that read settles, a due key with a state to fall back to is answered from it
//   at once, its re-read going on behind the answer (one per key: a key whose
//   read is already going starts none), so a hang holds one request, not every
//   request of every key for as long as it lasts. A key with no such state still
//   waits `readWaitMs` for its own read (a late read may be one connection's
//   trouble, not the store's), then is `unavailable`.
// - A key this process has not read (or only knows as unknown), or one an
//   admin write may have changed since it was read — the keys it names
//   (invalidateKeys(), from this process, another worker or another replica),
//   every key when it names none (invalidateAll()) — has no state to fall back
//   to: the lookup fails as GatewayError `unavailable` (503), never 401 and
//   never an internal error. A revoked or rotated key never falls back to its
//   state from before the write; the keys the write did not touch keep theirs.
// - After a read failed because the store is unavailable, it is not asked
//   again for `retryPauseMs` (real time): keys answer from memory meanwhile,
//   instead of every request opening a connection to a database that has
//   just refused one.
//
// Found keys and unknown hashes are cached apart, so a flood of made-up keys
// cannot push the keys that work out of memory (and out of an outage's reach).
import { LRUCache } from 'lru-cache';
import { GatewayError } from '../../domain/gateway-error.js';
import type { KeysRepository, VirtualKeyRecord } from '../../domain/virtual-key.js';

export interface KeyLookupOptions {
  keys: Pick<KeysRepository, 'findBySecretHash'>;
  /** The keys' clock (tests move it); ttlMs and staleMaxMs are measured on it. */
  now?: () => number;
  /** How long a read key is answered from memory before it is read again (default 30 s). */
  ttlMs?: number;
  /** How old a key's last known state may be and still be answered while the store cannot be read (default 1 h; 0: never). */
  staleMaxMs?: number;
  /** Found keys kept (default 10 000); unknown hashes are kept as many again, apart. */
  cacheSize?: number;
  /** After a failed read, the store is left alone this long (real time, default 1 s). */
  retryPauseMs?: number;
  /** A due re-read of a key with a state to fall back to is waited for this long (real time, default 1 s). */
  readWaitMs?: number;
  /** Reading a key failed (the request is then answered from its last known state, or as unavailable). Must not throw. */
  onReadError?: (error: unknown) => void;
  /** A request was answered from a key's last known state because the store could not be read. Must not throw. */
  onStaleServed?: () => void;
}

export interface KeyLookup {
  /** The record for a secret hash, null for an unknown hash; rejects with GatewayError `unavailable` when neither can be told. */
  find(secretHash: string): Promise<VirtualKeyRecord | null>;
  /** After an admin write that may have changed any key: every key is read again before use, and none is answered from memory in an outage. */
  invalidateAll(): void;
  /** After an admin write to these keys (by id): they are read again before use, and not answered from memory in an outage. */
  invalidateKeys(keyIds: readonly string[]): void;
}

interface Known {
  record: VirtualKeyRecord;
  /** When the store last returned this state (the keys' clock). */
  readAt: number;
}

interface Unknown {
  readAt: number;
}

/** One database read of a hash, shared by the lookups made while it runs. */
interface Reading {
  promise: Promise<VirtualKeyRecord | null>;
  /** A lookup waited readWaitMs for it in vain (counted in lateReads until it settles). */
  late: boolean;
  settled: boolean;
}

const DEFAULT_TTL_MS = 30_000;
/** How long a due re-read is waited for before the last known state answers (readiness waits on its ping as long). */
export const DEFAULT_READ_WAIT_MS = 1_000;
const DEFAULT_STALE_MAX_MS = 3_600_000;
const LATE = Symbol('late');

export const KEY_STORE_UNAVAILABLE_MESSAGE = 'the virtual key cannot be checked right now (the key store is unreachable); retry shortly';

export function createKeyLookup(options: KeyLookupOptions): KeyLookup {
  const now = options.now ?? Date.now;
  const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
  const staleMaxMs = options.staleMaxMs ?? DEFAULT_STALE_MAX_MS;
  const retryPauseMs = options.retryPauseMs ?? 1000;
  const readWaitMs = options.readWaitMs ?? DEFAULT_READ_WAIT_MS;
  const size = options.cacheSize ?? 10_000;
  const known = new LRUCache<string, Known>({ max: size });
  // Made on the first unknown secret: lru-cache allocates its index arrays for `max` entries up front
  // (about 220 KB of heap for 10 000), which a gateway sent only valid keys would hold for nothing.
  let unknown: LRUCache<string, Unknown> | undefined;
  // Concurrent reads of one hash share one database read.
  const pending = new Map<string, Reading>();
  /** Reads waited for readWaitMs in vain and not settled yet: while there is one, the store is late. */
  let lateReads = 0;
  /** Counts invalidations: a read begun before one is answered to its callers but not remembered. */
  let generation = 0;
  /** Real time (performance.now) before which the store is not asked again; a failure sets it. */
  let pausedUntil = Number.NEGATIVE_INFINITY;
  let lastFailure: unknown;

  const read = (secretHash: string): Reading => {
    const going = pending.get(secretHash);
    if (going) return going;
    const startedGeneration = generation;
    const inFlight = options.keys
      .findBySecretHash(secretHash)
      .then(
        (record) => {
          // Read during an invalidation: it may hold the state from before the write.
          if (startedGeneration !== generation) return record;
          const entry = { readAt: now() };
          if (record) {
            known.set(secretHash, { record, ...entry });
            unknown?.delete(secretHash);
          } else {
            (unknown ??= new LRUCache<string, Unknown>({ max: size })).set(secretHash, entry);
            known.delete(secretHash);
          }
          return record;
        },
        (error: unknown) => {
          options.onReadError?.(error);
          if (error instanceof GatewayError && error.kind === 'unavailable') {
            lastFailure = error;
            pausedUntil = performance.now() + retryPauseMs;
          }
          throw error;
        },
      )
      .finally(() => {
        reading.settled = true;
        if (reading.late) lateReads -= 1;
        if (pending.get(secretHash) === reading) pending.delete(secretHash);
      });
    // Its callers may have stopped waiting (readWaitMs): a late failure is then nobody's to handle.
    inFlight.catch(() => undefined);
    const reading: Reading = { promise: inFlight, late: false, settled: false };
    pending.set(secretHash, reading);
    return reading;
  };

  /** A read waited for in vain: the store is late until it settles. */
  const markLate = (reading: Reading): void => {
    if (reading.late || reading.settled) return;
    reading.late = true;
    lateReads += 1;
  };

  /** The entry's state may be answered in place of the store's: not too old (an invalidation removed the keys it concerns). */
  const trusted = (entry: Known | undefined): entry is Known => entry !== undefined && now() - entry.readAt <= staleMaxMs;

  /** The store could not be read: the last known state if there is one to trust, else `unavailable`. */
  const lastKnown = (entry: Known | undefined, error: unknown): VirtualKeyRecord => {
    if (trusted(entry)) {
      options.onStaleServed?.();
      return entry.record;
    }
    throw new GatewayError('unavailable', KEY_STORE_UNAVAILABLE_MESSAGE, { retryable: true, cause: error });
  };

  /** The read's answer, or LATE once readWaitMs passed without one (the read goes on and updates the cache). */
  const within = (reading: Promise<VirtualKeyRecord | null>): Promise<VirtualKeyRecord | null | typeof LATE> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<typeof LATE>((resolve) => (timer = setTimeout(resolve, readWaitMs, LATE)));
    return Promise.race([reading, late]).finally(() => clearTimeout(timer));
  };

  return {
    async find(secretHash) {
      const at = now();
      const entry = known.get(secretHash);
      if (entry && at - entry.readAt < ttlMs) return entry.record;
      if (!entry) {
        const missing = unknown?.get(secretHash);
        if (missing && at - missing.readAt < ttlMs) return null;
      }
      if (performance.now() < pausedUntil) return lastKnown(entry, lastFailure);
      if (lateReads > 0 && trusted(entry)) {
        // The store is late: the re-read goes on behind this answer (and updates the key when it lands).
        read(secretHash);
        options.onStaleServed?.();
        return entry.record;
      }
      try {
        // A store that hangs (a partition, a stopped server) instead of refusing must not hold a request: a
        // known key is answered from its last state, one never read (or just changed) is `unavailable`.
        const reading = read(secretHash);
        const answer = await within(reading.promise);
        if (answer !== LATE) return answer;
        markLate(reading);
        if (!trusted(entry)) throw new GatewayError('unavailable', KEY_STORE_UNAVAILABLE_MESSAGE, { retryable: true });
        options.onStaleServed?.();
        return entry.record;
      } catch (error) {
        return lastKnown(entry, error);
      }
    },
    invalidateAll() {
      generation += 1;
      pending.clear(); // reads begun before the write must not answer lookups made after it
      known.clear();
      unknown?.clear();
    },
    invalidateKeys(keyIds) {
      generation += 1;
      pending.clear();
      const changed = new Set(keyIds);
      // Under every secret it was found by (a rotated key's previous one too).
      const hashes = [...known.entries()].filter(([, entry]) => changed.has(entry.record.id)).map(([hash]) => hash);
      for (const hash of hashes) known.delete(hash);
      unknown?.clear(); // a created key, or a rotated secret, may be found now
    },
  };
}
