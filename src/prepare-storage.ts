// The steps every start runs before it serves: the master key (generated on
// the embedded default's first start), the database (opened and migrated),
// provider keys and credential-like extra headers resealed under the current master key (and header values
// stored in clear by an older version sealed), and the admin token
// (generated once). With --workers the first worker runs them alone, before
// the others fork, so workers never race to generate or migrate.
import { usesEmbeddedDatabase, type GatewayConfig } from './config/config.js';
import { resolveAdminToken, type ResolvedAdminToken } from './core/auth/admin-token.js';
import { resealProviderKeys } from './core/secrets/reseal-provider-keys.js';
import { resolveMasterKey, type ResolvedMasterKey } from './core/secrets/resolve-master-key.js';
import { openStorage, type GatewayStorage } from './storage/index.js';

export interface PreparedStorage {
  masterKey: ResolvedMasterKey;
  storage: GatewayStorage;
  adminToken: ResolvedAdminToken;
  /** Providers whose key or credential-like headers were (re-)encrypted under the current master key during this start. */
  resealed: number;
}

export async function prepareStorage(config: GatewayConfig): Promise<PreparedStorage> {
  const embedded = usesEmbeddedDatabase(config);
  // Resolve the master key before touching the database: a bad key must stop the start.
  const masterKey = resolveMasterKey({ ...config, embedded });
  const storage = await openStorage({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const resealed = await resealProviderKeys(storage.providers, masterKey.ring);
    const adminToken = await resolveAdminToken({ configuredToken: config.adminToken, embedded, settings: storage.settings });
    return { masterKey, storage, adminToken, resealed };
  } catch (error) {
    await storage.close();
    throw error;
  }
}

/** Printed once, on the start that generated the token. */
export function printAdminToken(token: string): void {
  process.stdout.write(
    `\nGenerated an admin token (shown once, only its hash is kept):\n\n  ${token}\n\n` +
      'Use it as `Authorization: Bearer <token>` for the admin services (keys, providers, routes, prompt rules, usage).\n' +
      'Set GATEWAY_ADMIN_TOKEN to use a token of your own instead.\n\n',
  );
}
