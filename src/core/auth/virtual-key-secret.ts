// Virtual key secrets: a recognisable prefix plus 192 random bits. Only the
// SHA-256 of a secret is stored; the secret is high-entropy, so a fast hash
// is enough (no password-style stretching needed).
import crypto, { randomBytes } from 'node:crypto';

export const VIRTUAL_KEY_PREFIX = 'sk-gw-';
const RANDOM_BYTES = 24;
const DISPLAY_PREFIX_LENGTH = VIRTUAL_KEY_PREFIX.length + 4;

export interface IssuedSecret {
  secret: string;
  hash: string;
  displayPrefix: string;
  last4: string;
}

// Every request hashes its key: the one-shot crypto.hash builds no Hash object (~0.2 against
// ~0.65 µs for createHash().update().digest()).
const sha256Hex = (text: string): string => crypto.hash('sha256', text, 'hex');

export function hashSecret(secret: string): string {
  return sha256Hex(secret);
}

export function issueVirtualKeySecret(): IssuedSecret {
  const secret = VIRTUAL_KEY_PREFIX + randomBytes(RANDOM_BYTES).toString('base64url');
  return {
    secret,
    hash: hashSecret(secret),
    displayPrefix: secret.slice(0, DISPLAY_PREFIX_LENGTH),
    last4: secret.slice(-4),
  };
}

/** Imported secrets (keys moved in from another gateway): visible ASCII, as HTTP headers carry it. */
const IMPORTED_SECRET_PATTERN = /^[\x21-\x7E]{8,200}$/;

export function isAcceptableImportedSecret(secret: string): boolean {
  return IMPORTED_SECRET_PATTERN.test(secret);
}

/** Keeps a secret that already exists elsewhere; shows less of it when it is short. */
export function adoptExistingSecret(secret: string): IssuedSecret {
  const shownPrefixLength = secret.startsWith(VIRTUAL_KEY_PREFIX)
    ? DISPLAY_PREFIX_LENGTH
    : Math.max(0, Math.min(4, secret.length - 12));
  return {
    secret,
    hash: hashSecret(secret),
    displayPrefix: secret.slice(0, shownPrefixLength),
    last4: secret.slice(-4),
  };
}

export function displaySecret(displayPrefix: string, last4: string): string {
  return `${displayPrefix}…${last4}`;
}

/**
 * Constant-time comparison of two hex digests (as hashSecret writes them): every character pair is
 * looked at whatever differs. In JavaScript rather than Buffer.from + timingSafeEqual: three native
 * calls on every request's key check for 64 characters.
 */
export function hashesEqual(left: string, right: string): boolean {
  if (left.length !== right.length) return false;
  let difference = 0;
  for (let index = 0; index < left.length; index += 1) difference |= left.charCodeAt(index) ^ right.charCodeAt(index);
  return difference === 0;
}
