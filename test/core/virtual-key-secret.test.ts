import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashesEqual, hashSecret, issueVirtualKeySecret } from '../../src/core/auth/virtual-key-secret.js';

describe('virtual key secrets', () => {
  it('are stored as the SHA-256 hex of the secret (rows written by any earlier version keep matching)', () => {
    // The published SHA-256 test vector of "abc".
    expect(hashSecret('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const { secret, hash } = issueVirtualKeySecret();
    expect(hash).toBe(createHash('sha256').update(secret, 'utf8').digest('hex'));
    expect(secret).toMatch(/^sk-gw-[A-Za-z0-9_-]{32}$/);
  });

  it('compares digests in constant time, refusing different lengths', () => {
    const hash = hashSecret('sk-gw-one');
    expect(hashesEqual(hash, hashSecret('sk-gw-one'))).toBe(true);
    expect(hashesEqual(hash, hashSecret('sk-gw-two'))).toBe(false);
    expect(hashesEqual(hash, hash.slice(0, 32))).toBe(false);
    // A difference in the last character only, and an empty digest against one.
    const lastFlipped = hash.slice(0, -1) + (hash.endsWith('0') ? '1' : '0');
    expect(hashesEqual(hash, lastFlipped)).toBe(false);
    expect(hashesEqual('', hash)).toBe(false);
  });
});
