// After a master key rotation, re-encrypts every provider key still sealed
// under a retired master key, so the retired key can later be dropped.
import type { ProvidersRepository } from '../../domain/provider.js';
import type { MasterKeyRing } from './master-key-ring.js';
import { providerKeyContext } from './provider-key-context.js';

export async function resealProviderKeys(providers: ProvidersRepository, keyRing: MasterKeyRing): Promise<number> {
  let resealed = 0;
  for (const record of await providers.listAll()) {
    if (record.apiKeyCiphertext === '' || keyRing.keyIdOf(record.apiKeyCiphertext) === keyRing.currentKeyId) continue;
    const context = providerKeyContext(record.id);
    const apiKey = keyRing.decrypt(record.apiKeyCiphertext, context);
    await providers.replace({ ...record, apiKeyCiphertext: keyRing.encrypt(apiKey, context) });
    resealed += 1;
  }
  return resealed;
}
