// The old gateway's provider key encryption: AES-256-CBC (PKCS#7 padding), the
// key being the UTF-8 bytes of the first 32 characters of its JWT_SECRET
// (padded with '0'), a random 16-byte IV per value, stored as
// `hex(iv):hex(ciphertext)`. There is no MAC, so a wrong secret shows up as a
// padding error — or, about one value in 256, as garbage with valid padding,
// which the printable-text check catches. Both get the same message: to an
// operator they are the same mistake, and the report must not depend on the IV.
import { createDecipheriv } from 'node:crypto';

export class LegacySecretError extends Error {
  /** False when the stored value is not in the sealed form at all, so no secret would open it. */
  readonly wrongSecret: boolean;

  constructor(message: string, wrongSecret: boolean) {
    super(message);
    this.name = 'LegacySecretError';
    this.wrongSecret = wrongSecret;
  }
}

export function legacyCipherKey(jwtSecret: string): Buffer {
  return Buffer.from(jwtSecret.slice(0, 32).padEnd(32, '0'), 'utf8').subarray(0, 32);
}

/** The plaintext of a stored provider key; throws LegacySecretError (never with key material) when it cannot be read. */
export function decryptLegacySecret(stored: string, jwtSecret: string): string {
  const match = /^([0-9a-f]{32}):((?:[0-9a-f]{32})+)$/i.exec(stored.trim());
  if (!match) throw new LegacySecretError('the stored value is not in the `hex(iv):hex(ciphertext)` form', false);
  const wrongSecret = () => new LegacySecretError('it could not be decrypted with the given JWT secret (wrong or rotated JWT_SECRET?)', true);
  let plaintext: string;
  try {
    const decipher = createDecipheriv('aes-256-cbc', legacyCipherKey(jwtSecret), Buffer.from(match[1]!, 'hex'));
    plaintext = Buffer.concat([decipher.update(Buffer.from(match[2]!, 'hex')), decipher.final()]).toString('utf8');
  } catch {
    throw wrongSecret();
  }
  if (!/^[\x21-\x7E]+$/.test(plaintext)) throw wrongSecret();
  return plaintext;
}
