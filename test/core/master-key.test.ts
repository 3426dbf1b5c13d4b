import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createMasterKeyRing, masterKeyId, parseMasterKey } from '../../src/core/secrets/master-key-ring.js';
import { resolveMasterKey } from '../../src/core/secrets/resolve-master-key.js';

const temporaryDirectories: string[] = [];
const freshDirectory = () => {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'gw-key-'));
  temporaryDirectories.push(directory);
  return directory;
};
afterEach(() => {
  for (const directory of temporaryDirectories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

describe('master key ring (AES-256-GCM)', () => {
  it('round-trips, randomises every ciphertext and hides the plaintext', () => {
    const ring = createMasterKeyRing(randomBytes(32));
    const first = ring.encrypt('sk-secret-value', 'provider:a');
    const second = ring.encrypt('sk-secret-value', 'provider:a');
    expect(first).not.toBe(second);
    expect(first).not.toContain('sk-secret');
    expect(ring.decrypt(first, 'provider:a')).toBe('sk-secret-value');
  });

  it('detects tampering and a wrong context', () => {
    const ring = createMasterKeyRing(randomBytes(32));
    const sealed = ring.encrypt('sk-secret-value', 'provider:a');
    expect(() => ring.decrypt(sealed, 'provider:b')).toThrow(/failed authentication/);
    const payload = Buffer.from(sealed.split(':')[2]!, 'base64url');
    payload[payload.length - 1]! ^= 1;
    const tampered = `${sealed.split(':').slice(0, 2).join(':')}:${payload.toString('base64url')}`;
    expect(() => ring.decrypt(tampered, 'provider:a')).toThrow(/failed authentication/);
  });

  it('rotates: retired keys still decrypt, only the current key encrypts', () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const sealedBefore = createMasterKeyRing(oldKey).encrypt('sk-old', 'provider:a');
    const rotated = createMasterKeyRing(newKey, [oldKey]);
    expect(rotated.decrypt(sealedBefore, 'provider:a')).toBe('sk-old');
    expect(rotated.keyIdOf(rotated.encrypt('sk-new', 'provider:a'))).toBe(masterKeyId(newKey));
    const withoutOld = createMasterKeyRing(newKey);
    expect(() => withoutOld.decrypt(sealedBefore, 'provider:a')).toThrow(/GATEWAY_RETIRED_MASTER_KEYS/);
  });

  it('accepts hex and base64 keys of 32 bytes only', () => {
    const key = randomBytes(32);
    expect(parseMasterKey(key.toString('hex'), 'X').equals(key)).toBe(true);
    expect(parseMasterKey(key.toString('base64'), 'X').equals(key)).toBe(true);
    expect(parseMasterKey(key.toString('base64url'), 'X').equals(key)).toBe(true);
    expect(() => parseMasterKey(randomBytes(16).toString('base64'), 'GATEWAY_MASTER_KEY')).toThrow(/GATEWAY_MASTER_KEY/);
  });
});

describe('resolving the master key', () => {
  it('generates one into the data folder with mode 0600 on the embedded default, then reuses it', () => {
    const dataDir = freshDirectory();
    const first = resolveMasterKey({ masterKey: undefined, retiredMasterKeys: [], dataDir, embedded: true });
    expect(first.generatedFile).toBe(path.join(dataDir, 'master.key'));
    expect(statSync(first.generatedFile!).mode & 0o777).toBe(0o600);
    const sealed = first.ring.encrypt('sk-x', 'c');
    const second = resolveMasterKey({ masterKey: undefined, retiredMasterKeys: [], dataDir, embedded: true });
    expect(second.generatedFile).toBeUndefined();
    expect(second.ring.decrypt(sealed, 'c')).toBe('sk-x');
    expect(readFileSync(path.join(dataDir, 'master.key'), 'utf8').trim()).toHaveLength(44);
  });

  it('refuses to start on MySQL without GATEWAY_MASTER_KEY', () => {
    expect(() =>
      resolveMasterKey({ masterKey: undefined, retiredMasterKeys: [], dataDir: freshDirectory(), embedded: false }),
    ).toThrow(/GATEWAY_MASTER_KEY is required/);
  });
});
