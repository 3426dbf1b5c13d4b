// The admin credential guarding KeysService and ProvidersService. Either
// configured (GATEWAY_ADMIN_TOKEN) or, on the embedded default only,
// generated on first start: printed once, only its hash kept.
import { randomBytes } from 'node:crypto';
import type { SettingsRepository } from '../../domain/settings.js';
import { GatewayError } from '../../domain/gateway-error.js';
import { hashesEqual, hashSecret } from './virtual-key-secret.js';

export const ADMIN_TOKEN_SETTING = 'admin_token_sha256';
const ADMIN_TOKEN_PREFIX = 'gw-admin-';

export interface AdminTokenVerifier {
  /** Throws an Unauthenticated GatewayError (without detail) unless `token` is the admin token. */
  verify(token: string | undefined | null): void;
}

export interface ResolvedAdminToken {
  verifier: AdminTokenVerifier;
  /** The plain token, only when it was generated during this start (to print once). */
  generatedToken: string | undefined;
}

export function createAdminTokenVerifier(expectedHash: string): AdminTokenVerifier {
  return {
    verify(token) {
      // One message for missing and wrong: no hint which it was.
      if (!token || !hashesEqual(hashSecret(token), expectedHash)) {
        throw new GatewayError('unauthenticated', 'admin credential required');
      }
    },
  };
}

export async function resolveAdminToken(options: {
  configuredToken: string | undefined;
  embedded: boolean;
  settings: SettingsRepository;
}): Promise<ResolvedAdminToken> {
  if (options.configuredToken !== undefined) {
    return { verifier: createAdminTokenVerifier(hashSecret(options.configuredToken)), generatedToken: undefined };
  }
  if (!options.embedded) {
    throw new Error('GATEWAY_ADMIN_TOKEN is required with DATABASE_URL (at least 24 characters, e.g. `openssl rand -base64 32`)');
  }
  const storedHash = await options.settings.get(ADMIN_TOKEN_SETTING);
  if (storedHash) return { verifier: createAdminTokenVerifier(storedHash), generatedToken: undefined };
  const token = ADMIN_TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const inserted = await options.settings.insertIfAbsent(ADMIN_TOKEN_SETTING, hashSecret(token));
  if (!inserted) {
    // Another process generated one first: theirs stands.
    const winner = await options.settings.get(ADMIN_TOKEN_SETTING);
    if (!winner) throw new Error('admin token setting vanished while starting');
    return { verifier: createAdminTokenVerifier(winner), generatedToken: undefined };
  }
  return { verifier: createAdminTokenVerifier(hashSecret(token)), generatedToken: token };
}
