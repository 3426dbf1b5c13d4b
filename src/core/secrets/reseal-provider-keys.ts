// After a master key rotation, re-encrypts every provider key still sealed
// under a retired master key, so the retired key can later be dropped.
import type { ProvidersRepository } from '../../domain/provider.js';
import type { MasterKeyRing } from './master-key-ring.js';
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
    if (record.apiKeyCiphertext === '' || keyRing.keyIdOf(record.apiKeyCiphertext) === keyRing.currentKeyId) return false;
    const context = providerKeyContext(record.id);
    const apiKey = keyRing.decrypt(record.apiKeyCiphertext, context);
    const outcome = await providers.replaceIfVersion({ ...record, apiKeyCiphertext: keyRing.encrypt(apiKey, context) }, version);
    if (outcome !== 'changed') return outcome === 'written';
  }
  return false;
}
