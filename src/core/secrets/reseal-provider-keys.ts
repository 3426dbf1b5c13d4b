// After a master key rotation, re-encrypts every provider key and credential-like extra header
// (provider-header-secrets.ts) still sealed under a retired master key, so the retired key can later be
// dropped; header values stored in clear (rows written before headers were sealed) are sealed on the way.
import type { ProviderRecord, ProvidersRepository } from '../../domain/provider.js';
import type { MasterKeyRing } from './master-key-ring.js';
import { resealExtraHeaders } from './provider-header-secrets.js';
import { providerKeyContext } from './provider-key-context.js';

export async function resealProviderKeys(providers: ProvidersRepository, keyRing: MasterKeyRing): Promise<number> {
  let resealed = 0;
  for (const { id } of await providers.listAll()) {
    if (await resealOne(providers, keyRing, id)) resealed += 1;
  }
  return resealed;
}

/** Each failed attempt means another write landed; a provider that keeps changing is left for the next start. */
const MAX_ATTEMPTS = 10;

/**
 * Conditional on the version read, like an admin update: another replica starting, or an admin
 * changing the provider, at the same moment is not overwritten — the provider is read again instead.
 */
async function resealOne(providers: ProvidersRepository, keyRing: MasterKeyRing, id: string): Promise<boolean> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const stored = await providers.getVersioned(id);
    if (stored === null) return false;
    const { record, version } = stored;
    const resealed = resealRecord(record, keyRing);
    if (resealed === undefined) return false;
    const outcome = await providers.replaceIfVersion(resealed, version);
    if (outcome !== 'changed') return outcome === 'written';
  }
  return false;
}

/** undefined when everything is already sealed under the current key. */
function resealRecord(record: ProviderRecord, keyRing: MasterKeyRing): ProviderRecord | undefined {
  const keyIsCurrent = record.apiKeyCiphertext === '' || keyRing.keyIdOf(record.apiKeyCiphertext) === keyRing.currentKeyId;
  const extraHeaders = resealExtraHeaders(keyRing, record.id, record.extraHeaders);
  const headersAreCurrent = Object.entries(extraHeaders).every(([name, value]) => record.extraHeaders[name] === value);
  if (keyIsCurrent && headersAreCurrent) return undefined;
  const context = providerKeyContext(record.id);
  const apiKeyCiphertext = keyIsCurrent ? record.apiKeyCiphertext : keyRing.encrypt(keyRing.decrypt(record.apiKeyCiphertext, context), context);
  return { ...record, apiKeyCiphertext, extraHeaders };
}
