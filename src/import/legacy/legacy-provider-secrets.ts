// The old providers' keys, decrypted with the old JWT_SECRET. One key that
// does not decrypt (sealed before the secret was rotated) is reported and its
// provider skipped; when NONE of the stored keys decrypts, the secret itself
// is wrong and the import stops before planning anything: going on would find
// every virtual key bound to nothing and plan to disable or narrow the keys a
// previous import made, an outage from one mistyped secret.
import type { Unmapped } from '../import-draft.js';
import { decryptLegacySecret, LegacySecretError } from './legacy-crypto.js';
import type { LegacyTables } from './legacy-database.js';
import { text } from './legacy-rows.js';
import { LegacySourceError } from './legacy-source-error.js';

export interface LegacyProviderSecrets {
  /** Old provider id → its key in plaintext ('' when none was stored). Providers skipped are absent. */
  apiKeys: Map<string, string>;
  /** Old provider ids skipped because their stored key did not decrypt with the given secret. */
  undecryptable: Set<string>;
}

export function decryptProviderKeys(tables: LegacyTables, jwtSecret: string, unmapped: Unmapped[]): LegacyProviderSecrets {
  const apiKeys = new Map<string, string>();
  const undecryptable = new Set<string>();
  let decrypted = 0;
  for (const row of tables.providers) {
    const id = text(row, 'id');
    const stored = text(row, 'api_key');
    if (stored === '') {
      apiKeys.set(id, '');
      continue;
    }
    try {
      apiKeys.set(id, decryptLegacySecret(stored, jwtSecret));
      decrypted += 1;
    } catch (error) {
      if (error instanceof LegacySecretError && !error.wrongSecret) {
        unmapped.push({ source: `providers[${id}].api_key`, reason: `${error.message}, so it is no key the old gateway sealed; the provider (and route targets on it) were not imported — add it here with its key by hand` });
        continue;
      }
      const why = error instanceof LegacySecretError ? error.message : 'it could not be read';
      unmapped.push({ source: `providers[${id}].api_key`, reason: `${why}; the provider (and route targets on it) were not imported — re-run with the right --jwt-secret` });
      undecryptable.add(id);
    }
  }
  if (undecryptable.size > 0 && decrypted === 0) {
    throw new LegacySourceError(
      `none of the ${undecryptable.size} stored provider keys decrypts with the given JWT secret: it is not the old gateway's JWT_SECRET ` +
        '(or that was rotated after the keys were stored); nothing was planned or changed — pass the right --jwt-secret / LEGACY_JWT_SECRET',
    );
  }
  return { apiKeys, undecryptable };
}
