// The one authenticate step shared by every completion surface (RPC and the
// REST shims). Keys are cached in memory so the hot path reads no database;
// admin writes invalidate the cache, and a short TTL bounds staleness when
// several replicas share one database.
import { LRUCache } from 'lru-cache';
import type { KeysRepository, VirtualKeyRecord } from '../../domain/virtual-key.js';
import { GatewayError } from '../../domain/gateway-error.js';
import { hashesEqual, hashSecret, VIRTUAL_KEY_PREFIX } from './virtual-key-secret.js';

export interface KeyAuthenticator {
  /** Resolves the key record for a presented secret, or throws a GatewayError. */
  authenticate(secret: string | undefined | null): Promise<VirtualKeyRecord>;
  /** Drops cached entries (after any admin write to keys). */
  invalidateAll(): void;
}

export interface KeyAuthenticatorOptions {
  keys: KeysRepository;
  now?: () => number;
  cacheTtlMs?: number;
  cacheSize?: number;
}

/** Cached lookups; `null` remembers an unknown hash for a while so floods of bad keys stay off the database. */
type CachedLookup = { record: VirtualKeyRecord | null };

export function createKeyAuthenticator(options: KeyAuthenticatorOptions): KeyAuthenticator {
  const now = options.now ?? Date.now;
  const cache = new LRUCache<string, CachedLookup>({
    max: options.cacheSize ?? 10_000,
    ttl: options.cacheTtlMs ?? 30_000,
  });
  // Concurrent first requests with one key share one database read.
  const pending = new Map<string, Promise<CachedLookup>>();

  const lookup = async (secretHash: string): Promise<CachedLookup> => {
    const cached = cache.get(secretHash);
    if (cached) return cached;
    let inFlight = pending.get(secretHash);
    if (!inFlight) {
      inFlight = options.keys
        .findBySecretHash(secretHash)
        .then((record) => {
          const entry = { record };
          cache.set(secretHash, entry);
          return entry;
        })
        .finally(() => pending.delete(secretHash));
      pending.set(secretHash, inFlight);
    }
    return inFlight;
  };

  return {
    async authenticate(secret) {
      if (!secret) {
        throw new GatewayError('unauthenticated', 'missing virtual key: send it as `Authorization: Bearer sk-gw-…`');
      }
      if (!secret.startsWith(VIRTUAL_KEY_PREFIX) || secret.length > 200) {
        throw new GatewayError('unauthenticated', 'invalid virtual key');
      }
      const presentedHash = hashSecret(secret);
      const { record } = await lookup(presentedHash);
      if (!record) throw new GatewayError('unauthenticated', 'invalid virtual key');
      const instant = now();
      const isCurrent = hashesEqual(presentedHash, record.secretHash);
      const isPrevious = !isCurrent && record.previousSecretHash !== null && hashesEqual(presentedHash, record.previousSecretHash);
      if (!isCurrent && !isPrevious) throw new GatewayError('unauthenticated', 'invalid virtual key');
      if (isPrevious && (record.previousSecretExpiresAt === null || record.previousSecretExpiresAt <= instant)) {
        throw new GatewayError('unauthenticated', 'virtual key secret was rotated and its grace period has ended');
      }
      if (record.revokedAt !== null) throw new GatewayError('permission_denied', 'virtual key has been revoked');
      if (!record.enabled) throw new GatewayError('permission_denied', 'virtual key is disabled');
      if (record.expiresAt !== null && record.expiresAt <= instant) {
        throw new GatewayError('permission_denied', 'virtual key has expired');
      }
      return record;
    },
    invalidateAll() {
      cache.clear();
    },
  };
}

/** Reads a bearer credential from `Authorization: Bearer …`, `api-key` or `x-api-key` header values. */
export function credentialFromHeaders(get: (name: string) => string | null | undefined): string | undefined {
  const authorization = get('authorization');
  if (authorization) {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    return match?.[1]?.trim();
  }
  return get('x-api-key')?.trim() || get('api-key')?.trim() || undefined;
}
