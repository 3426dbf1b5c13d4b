// The values of a provider's credential-like extra headers (domain/credential-headers.ts) are stored
// sealed like its API key: the admin seals them on every write, the catalog opens them for the adapters,
// and resealProviderKeys seals the ones written in clear before this existed and reseals the ones under
// a retired master key. Other headers stay in clear.
import { isCredentialHeader } from '../../domain/credential-headers.js';
import type { MasterKeyRing } from './master-key-ring.js';
import { providerHeaderContext } from './provider-key-context.js';

/** What MasterKeyRing.encrypt writes; a header value in clear is visible ASCII and never takes this shape in practice. */
const SEALED_VALUE = /^gw1:[0-9a-f]{12}:[A-Za-z0-9_-]+$/;

export const isSealedHeaderValue = (value: string): boolean => SEALED_VALUE.test(value);

type Headers = Record<string, string>;

const mapCredentialHeaders = (headers: Headers, change: (name: string, value: string) => string): Headers =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, isCredentialHeader(name) ? change(name, value) : value]));

/** The headers to store, from values in clear: credential-like ones sealed. */
export function sealExtraHeaders(keyRing: MasterKeyRing, providerId: string, headers: Headers): Headers {
  return mapCredentialHeaders(headers, (name, value) => keyRing.encrypt(value, providerHeaderContext(providerId, name)));
}

/** The headers to send: credential-like values opened (a row not yet resealed still holds them in clear). */
export function openExtraHeaders(keyRing: MasterKeyRing, providerId: string, headers: Headers): Headers {
  return mapCredentialHeaders(headers, (name, value) =>
    isSealedHeaderValue(value) ? keyRing.decrypt(value, providerHeaderContext(providerId, name)) : value,
  );
}

/** The stored headers with every credential-like value in clear or under a retired key sealed under the current key. */
export function resealExtraHeaders(keyRing: MasterKeyRing, providerId: string, headers: Headers): Headers {
  return mapCredentialHeaders(headers, (name, value) => {
    if (isSealedHeaderValue(value) && keyRing.keyIdOf(value) === keyRing.currentKeyId) return value;
    const context = providerHeaderContext(providerId, name);
    return keyRing.encrypt(isSealedHeaderValue(value) ? keyRing.decrypt(value, context) : value, context);
  });
}
