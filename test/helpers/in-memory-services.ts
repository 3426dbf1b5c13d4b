// The RPC services wired over an in-memory SQLite database, reachable through
// Connect's in-memory router transport (no network).
import { createRouterTransport, type Transport } from '@connectrpc/connect';
import { createAdminTokenVerifier } from '../../src/core/auth/admin-token.js';
import { createKeyAuthenticator, type KeyAuthenticator } from '../../src/core/auth/authenticate-key.js';
import { hashSecret } from '../../src/core/auth/virtual-key-secret.js';
import { createCompletionCore } from '../../src/core/completion/completion-core.js';
import { createProviderCatalog } from '../../src/core/completion/provider-catalog.js';
import { createKeyAdmin } from '../../src/core/keys/key-admin.js';
import { createProviderAdapter } from '../../src/providers/registry.js';
import { createProviderAdmin } from '../../src/core/providers/provider-admin.js';
import { createMasterKeyRing, type MasterKeyRing } from '../../src/core/secrets/master-key-ring.js';
import { registerRpcRoutes } from '../../src/rpc/routes.js';
import { openStorage, type GatewayStorage as Storage } from '../../src/storage/index.js';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { createProviderProbe } from '../../src/core/providers/provider-probe.js';

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export interface InMemoryServices {
  transport: Transport;
  storage: Storage;
  keyRing: MasterKeyRing;
  authenticator: KeyAuthenticator;
  /** Moves the services' clock (expiry, grace periods). */
  setNow(ms: number): void;
  reportedErrors: unknown[];
  close(): Promise<void>;
}

export async function createInMemoryServices(): Promise<InMemoryServices> {
  const storage = await openStorage({ databaseUrl: 'sqlite::memory:', dataDir: os.tmpdir() });
  const keyRing = createMasterKeyRing(randomBytes(32));
  let now = Date.now();
  const clock = () => now;
  const authenticator = createKeyAuthenticator({ keys: storage.keys, now: clock });
  const reportedErrors: unknown[] = [];
  const catalog = createProviderCatalog({ providers: storage.providers, keyRing, createAdapter: createProviderAdapter, now: clock });
  const transport = createRouterTransport((router) =>
    registerRpcRoutes(router, {
      adminToken: createAdminTokenVerifier(hashSecret(TEST_ADMIN_TOKEN)),
      authenticator,
      keyAdmin: createKeyAdmin({ keys: storage.keys, onChange: () => authenticator.invalidateAll(), now: clock }),
      providerAdmin: createProviderAdmin({ providers: storage.providers, keyRing, onChange: () => catalog.invalidate(), now: clock }),
      providerProbe: createProviderProbe(catalog, clock),
      completion: createCompletionCore({ catalog, now: clock }),
      reporter: { error: (details) => reportedErrors.push(details) },
    }),
  );
  return {
    transport,
    storage,
    keyRing,
    authenticator,
    setNow: (ms) => (now = ms),
    reportedErrors,
    close: () => storage.close(),
  };
}

export const adminHeaders = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
