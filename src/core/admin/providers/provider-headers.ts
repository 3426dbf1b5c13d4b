// Credential-like extra headers (domain/credential-headers.ts) in the admin API: answers show a marker
// ("[redacted …1234]") instead of the value, and a request that sends a header back with exactly its
// marker keeps the value stored — so an editor or a CLI that sends what it read never overwrites a
// secret with its marker. Values are stored sealed (core/secrets/provider-header-secrets.ts).
import { hiddenHeaderValue, isCredentialHeader, isHiddenHeaderValue } from '../../../domain/credential-headers.js';
import { invalidArgument } from '../../../domain/gateway-error.js';
import type { ProviderRecord } from '../../../domain/provider.js';
import type { MasterKeyRing } from '../../secrets/master-key-ring.js';
import { isSealedHeaderValue } from '../../secrets/provider-header-secrets.js';
import { providerHeaderContext } from '../../secrets/provider-key-context.js';
import { validateExtraHeaders } from './provider-validation.js';

type Headers = Record<string, string>;

/** The headers as the admin API shows them. */
export function shownExtraHeaders(keyRing: MasterKeyRing, record: Pick<ProviderRecord, 'id' | 'extraHeaders'>): Headers {
  return Object.fromEntries(
    Object.entries(record.extraHeaders).map(([name, value]) => [name, isCredentialHeader(name) ? shownValue(keyRing, record.id, name, value) : value]),
  );
}

function shownValue(keyRing: MasterKeyRing, providerId: string, name: string, stored: string): string {
  if (!isSealedHeaderValue(stored)) return hiddenHeaderValue(stored);
  try {
    return hiddenHeaderValue(keyRing.decrypt(stored, providerHeaderContext(providerId, name)));
  } catch {
    // Sealed under a master key this process lacks: still hidden, and still kept when sent back.
    return hiddenHeaderValue(undefined);
  }
}

/**
 * The headers to store for a request's headers: validated, credential-like values sealed, a marker
 * replaced by the value `stored` holds for that header (none on create: a marker is refused).
 */
export function extraHeadersToStore(keyRing: MasterKeyRing, providerId: string, requested: Headers, stored?: Pick<ProviderRecord, 'extraHeaders'>): Headers {
  const kept = new Map<string, string>();
  for (const [name, value] of Object.entries(requested)) {
    if (!isHiddenHeaderValue(value)) continue;
    const storedValue = stored?.extraHeaders[name];
    if (storedValue === undefined || !isCredentialHeader(name) || shownValue(keyRing, providerId, name, storedValue) !== value) {
      throw invalidArgument(
        `extra_headers[${JSON.stringify(name)}]`,
        `is a hidden value the gateway shows, not one it holds for this header: send the header's value`,
      );
    }
    kept.set(name, storedValue);
  }
  // Kept values were checked when they were written (and a sealed one is longer than the limit on values).
  const valid = validateExtraHeaders(Object.fromEntries(Object.entries(requested).map(([name, value]) => [name, kept.has(name) ? '' : value])));
  return Object.fromEntries(
    Object.entries(valid).map(([name, value]) => {
      const keptValue = kept.get(name);
      if (keptValue !== undefined) return [name, keptValue];
      return [name, isCredentialHeader(name) ? keyRing.encrypt(value, providerHeaderContext(providerId, name)) : value];
    }),
  );
}
