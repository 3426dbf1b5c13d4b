// AES-256-GCM encryption of provider credentials under a dedicated master key.
// Ciphertexts name the key that sealed them, so the master key can rotate:
// the current key encrypts, retired keys only decrypt.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const FORMAT_VERSION = 'gw1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface MasterKeyRing {
  /** Id of the key new ciphertexts are sealed with. */
  readonly currentKeyId: string;
  /** `context` binds the ciphertext to its owner (e.g. "provider:openai-main"). */
  encrypt(plaintext: string, context: string): string;
  decrypt(ciphertext: string, context: string): string;
  /** The id of the key a ciphertext was sealed with. */
  keyIdOf(ciphertext: string): string;
}

export class MasterKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MasterKeyError';
  }
}

/** Accepts 32 bytes as 64 hex characters, or base64 / base64url. */
export function parseMasterKey(text: string, variableName: string): Buffer {
  const trimmed = text.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (bytes.length !== 32) {
    throw new MasterKeyError(
      `${variableName}: must be 32 random bytes, as 64 hex characters or base64 (e.g. \`openssl rand -base64 32\`)`,
    );
  }
  return bytes;
}

/** A short public id of a key: not reversible, stable across restarts. */
export function masterKeyId(key: Buffer): string {
  return createHash('sha256').update('llmgateway master key id').update(key).digest('hex').slice(0, 12);
}

export function generateMasterKey(): string {
  return randomBytes(32).toString('base64');
}

export function createMasterKeyRing(current: Buffer, retired: Buffer[] = []): MasterKeyRing {
  const keysById = new Map<string, Buffer>();
  for (const key of [current, ...retired]) keysById.set(masterKeyId(key), key);
  const currentKeyId = masterKeyId(current);

  const splitCiphertext = (ciphertext: string) => {
    const [version, keyId, payload, extra] = ciphertext.split(':');
    if (version !== FORMAT_VERSION || !keyId || !payload || extra !== undefined) {
      throw new MasterKeyError('stored credential has an unknown format');
    }
    return { keyId, payload: Buffer.from(payload, 'base64url') };
  };

  return {
    currentKeyId,
    encrypt(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', current, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const payload = Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64url');
      return `${FORMAT_VERSION}:${currentKeyId}:${payload}`;
    },
    decrypt(ciphertext, context) {
      const { keyId, payload } = splitCiphertext(ciphertext);
      const key = keysById.get(keyId);
      if (!key) {
        throw new MasterKeyError(
          `stored credential was sealed with master key ${keyId}, which is neither current nor listed in GATEWAY_RETIRED_MASTER_KEYS`,
        );
      }
      if (payload.length < IV_BYTES + TAG_BYTES) throw new MasterKeyError('stored credential is truncated');
      const decipher = createDecipheriv('aes-256-gcm', key, payload.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(payload.subarray(payload.length - TAG_BYTES));
      try {
        return Buffer.concat([
          decipher.update(payload.subarray(IV_BYTES, payload.length - TAG_BYTES)),
          decipher.final(),
        ]).toString('utf8');
      } catch {
        throw new MasterKeyError(`stored credential failed authentication under master key ${keyId}`);
      }
    },
    keyIdOf(ciphertext) {
      return splitCiphertext(ciphertext).keyId;
    },
  };
}
