// The contract of the response cache's shared tier (implemented over Redis in
// src/redis/redis-cache-store.ts): entries by cache key (already scoped per
// virtual key), and a fill lock per key for single-flight across replicas.
export interface SharedCacheStore {
  /** The stored bytes, or null. Rejects when the store cannot answer. */
  get(key: string): Promise<Uint8Array | null>;
  /** Stores with a time to live. */
  set(key: string, bytes: Uint8Array, ttlMs: number): Promise<void>;
  /** Takes the key's fill lock (null: another replica holds it). The lock expires unless renewed. */
  claim(key: string): Promise<FillLock | null>;
  /** Whether some replica holds the key's fill lock now. */
  isLocked(key: string): Promise<boolean>;
}

export interface FillLock {
  /** Releases the lock if still ours (never throws; an unreleased lock expires). */
  release(): void;
}
