// The old gateway's provider-key sealing has no MAC, so a wrong JWT secret
// usually fails the padding check but, for about one IV in 256, "decrypts" to
// garbage with valid padding. An import report must say the same thing in both
// cases: it used to name them differently, so the same rows read twice (each
// sealed with its own random IV) could give two different reports.
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decryptLegacySecret, legacyCipherKey, LegacySecretError } from '../../src/import/legacy/legacy-crypto.js';

const RIGHT = 'FAKE-right-jwt-secret-000000000000000';
const WRONG = 'FAKE-wrong-jwt-secret-000000000000000';

function seal(plaintext: string, secret: string, iv: Buffer): string {
  const cipher = createCipheriv('aes-256-cbc', legacyCipherKey(secret), iv);
  return `${iv.toString('hex')}:${Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]).toString('hex')}`;
}

/** Whether the wrong secret's decryption of this value passes the padding check (the rare case). */
function paddingPasses(stored: string, secret: string): boolean {
  const [iv, body] = stored.split(':') as [string, string];
  try {
    const decipher = createDecipheriv('aes-256-cbc', legacyCipherKey(secret), Buffer.from(iv, 'hex'));
    Buffer.concat([decipher.update(Buffer.from(body, 'hex')), decipher.final()]);
    return true;
  } catch {
    return false;
  }
}

function reasonOf(stored: string, secret: string): string {
  try {
    decryptLegacySecret(stored, secret);
  } catch (error) {
    expect(error).toBeInstanceOf(LegacySecretError);
    expect((error as LegacySecretError).wrongSecret).toBe(true);
    return (error as Error).message;
  }
  throw new Error('decrypted with the wrong secret');
}

describe('legacy provider-key decryption with a wrong JWT secret', () => {
  // Deterministic IVs: walk them until one gives each outcome (a padding pass comes about once in 256).
  const sealed = Array.from({ length: 4096 }, (_, index) => {
    const iv = Buffer.alloc(16);
    iv.writeUInt32BE(index, 12);
    return seal('sk-FAKE-provider-key', RIGHT, iv);
  });
  const paddingFails = sealed.find((stored) => !paddingPasses(stored, WRONG))!;
  const garbageWithPadding = sealed.find((stored) => paddingPasses(stored, WRONG))!;

  it('says the same thing whether the padding check failed or the result was garbage', () => {
    expect(paddingFails).toBeDefined();
    expect(garbageWithPadding).toBeDefined();
    const reason = reasonOf(paddingFails, WRONG);
    expect(reason).toContain('could not be decrypted with the given JWT secret');
    expect(reasonOf(garbageWithPadding, WRONG)).toBe(reason);
  });

  it('opens both values with the right secret', () => {
    expect(decryptLegacySecret(paddingFails, RIGHT)).toBe('sk-FAKE-provider-key');
    expect(decryptLegacySecret(garbageWithPadding, RIGHT)).toBe('sk-FAKE-provider-key');
  });
});
