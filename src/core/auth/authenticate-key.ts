// The one authenticate step shared by every completion surface (RPC and the
// REST shims): the presented secret checked against the key's record, which
// comes from memory (key-lookup.ts: read again after a short TTL, dropped by
// admin writes to it, and served as last known while the key store is unreachable).
import type { VirtualKeyRecord } from '../../domain/virtual-key.js';
import { KeyRefusedError } from './key-refusal.js';
import { createKeyLookup, type KeyLookupOptions } from './key-lookup.js';
import { hashesEqual, hashSecret } from './virtual-key-secret.js';

export interface KeyAuthenticator {
  /** Resolves the key record for a presented secret, or throws a GatewayError. */
  authenticate(secret: string | undefined | null): Promise<VirtualKeyRecord>;
  /** Drops every cached entry (after an admin write that may have changed any key). */
  invalidateAll(): void;
  /** Drops the cached entries of these keys (after an admin write to them); the others keep theirs. */
  invalidateKeys(keyIds: readonly string[]): void;
}

/** Where keys are read, and how long they are trusted from memory (key-lookup.ts). */
export type KeyAuthenticatorOptions = KeyLookupOptions;

export function createKeyAuthenticator(options: KeyAuthenticatorOptions): KeyAuthenticator {
  const now = options.now ?? Date.now;
  const lookup = createKeyLookup(options);

  return {
    async authenticate(secret) {
      if (!secret) {
        throw new KeyRefusedError('missing', 'missing virtual key: send it as `Authorization: Bearer sk-gw-…`');
      }
      // Any prefix: keys imported from another gateway keep their old strings (existing_secret).
      if (secret.length > 200) {
        throw new KeyRefusedError('invalid', 'invalid virtual key');
      }
      const presentedHash = hashSecret(secret);
      const record = await lookup.find(presentedHash);
      if (!record) throw new KeyRefusedError('invalid', 'invalid virtual key');
      const instant = now();
      const isCurrent = hashesEqual(presentedHash, record.secretHash);
      const isPrevious = !isCurrent && record.previousSecretHash !== null && hashesEqual(presentedHash, record.previousSecretHash);
      if (!isCurrent && !isPrevious) throw new KeyRefusedError('invalid', 'invalid virtual key');
      if (isPrevious && (record.previousSecretExpiresAt === null || record.previousSecretExpiresAt <= instant)) {
        throw new KeyRefusedError('rotated', 'virtual key secret was rotated and its grace period has ended');
      }
      if (record.revokedAt !== null) throw new KeyRefusedError('revoked', 'virtual key has been revoked');
      if (!record.enabled) throw new KeyRefusedError('disabled', 'virtual key is disabled');
      if (record.expiresAt !== null && record.expiresAt <= instant) {
        throw new KeyRefusedError('expired', 'virtual key has expired');
      }
      return record;
    },
    invalidateAll: () => lookup.invalidateAll(),
    invalidateKeys: (keyIds) => lookup.invalidateKeys(keyIds),
  };
}

/**
 * The headers a virtual key may arrive in, after `Authorization: Bearer`, in order: Anthropic's and
 * Azure's SDKs send the first two, Google's (`@google/genai`, the Gemini REST API) `x-goog-api-key`;
 * `x-google-api-key` is what the replaced gateway also accepted.
 */
export const KEY_HEADERS = ['x-api-key', 'api-key', 'x-goog-api-key', 'x-google-api-key'] as const;

/**
 * Reads a bearer credential from `Authorization: Bearer …` or else the first of KEY_HEADERS present,
 * `get` reading one header of `headers` (a module-level function, not a closure made per request:
 * docs/performance.md, "Closures made per request").
 */
export function credentialFromHeaders<Headers>(headers: Headers, get: (headers: Headers, name: string) => string | null | undefined): string | undefined {
  const authorization = get(headers, 'authorization');
  if (authorization) {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    return match?.[1]?.trim();
  }
  for (const name of KEY_HEADERS) {
    const value = get(headers, name)?.trim();
    if (value) return value;
  }
  return undefined;
}

/** A header of a Node request (the first value of a repeated one). */
export function nodeHeader(headers: Readonly<Record<string, string | string[] | undefined>>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
