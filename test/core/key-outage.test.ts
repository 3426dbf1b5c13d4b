// The authenticate step while the key store cannot be read (issue 16 item 2):
// keys answer from their last known state for at most the configured staleness,
// a key revoked before stays revoked, and what cannot be told is `unavailable`
// (503), never 401 and never an internal error. With the store up, nothing of
// this changes what a revocation does: refused on the next request.
import { describe, expect, it, vi } from 'vitest';
import { createKeyAuthenticator, type KeyAuthenticatorOptions } from '../../src/core/auth/authenticate-key.js';
import { hashSecret } from '../../src/core/auth/virtual-key-secret.js';
import { DatabaseUnavailableError } from '../../src/domain/database-unavailable-error.js';
import { GatewayError } from '../../src/domain/gateway-error.js';
import type { VirtualKeyRecord } from '../../src/domain/virtual-key.js';
import { makeKey } from '../storage/fixtures.js';

const SECRET = `sk-gw-${'a'.repeat(32)}`;
const OTHER = `sk-gw-${'b'.repeat(32)}`;
const THIRD = `sk-gw-${'c'.repeat(32)}`;

/** A key store by secret hash that refuses like an unreachable database while `down`. */
function fakeKeyStore() {
  const byHash = new Map<string, VirtualKeyRecord>();
  const store = {
    down: false,
    reads: 0,
    /** When set, reads wait for it (a database that hangs instead of refusing). */
    gate: null as Promise<void> | null,
    put(secret: string, overrides: Partial<VirtualKeyRecord> = {}) {
      const record = makeKey({ id: `key-${byHash.size}`, secretHash: hashSecret(secret), ...overrides });
      byHash.set(record.secretHash, record);
      return record;
    },
    forget(secret: string) {
      byHash.delete(hashSecret(secret));
    },
    async findBySecretHash(hash: string) {
      store.reads += 1;
      if (store.gate) await store.gate;
      if (store.down) throw new DatabaseUnavailableError('ECONNREFUSED', new Error('connect ECONNREFUSED 127.0.0.1:3306'));
      return byHash.get(hash) ?? null;
    },
  };
  return store;
}

function setup(options: Partial<KeyAuthenticatorOptions> = {}) {
  const store = fakeKeyStore();
  let clock = 1_000_000;
  let staleServed = 0;
  const readErrors: unknown[] = [];
  const authenticator = createKeyAuthenticator({
    keys: store,
    now: () => clock,
    ttlMs: 1_000,
    staleMaxMs: 60_000,
    retryPauseMs: 0,
    onStaleServed: () => (staleServed += 1),
    onReadError: (error) => readErrors.push(error),
    ...options,
  });
  return {
    store,
    authenticator,
    advance: (ms: number) => (clock += ms),
    staleServed: () => staleServed,
    readErrors,
  };
}

async function refusal(promise: Promise<unknown>): Promise<GatewayError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!(error instanceof GatewayError)) throw new Error(`expected a GatewayError, got ${String(error)}`);
  return error;
}

describe('virtual keys while the key store cannot be read', () => {
  it('a key seen before keeps working from its last known state, within the staleness bound', async () => {
    const { store, authenticator, advance, staleServed, readErrors } = setup();
    const key = store.put(SECRET);
    expect((await authenticator.authenticate(SECRET)).id).toBe(key.id);

    store.down = true;
    advance(5_000); // past the TTL: a read is due, and fails
    expect((await authenticator.authenticate(SECRET)).id).toBe(key.id);
    advance(50_000);
    expect((await authenticator.authenticate(SECRET)).id).toBe(key.id);
    expect(staleServed()).toBe(2);
    expect(readErrors).toHaveLength(2);

    advance(10_000); // 65 s after the last successful read: more than staleMaxMs
    const tooOld = await refusal(authenticator.authenticate(SECRET));
    expect(tooOld.kind).toBe('unavailable');
    expect(tooOld.retryable).toBe(true);

    store.down = false; // back: read again, and fresh from here on
    expect((await authenticator.authenticate(SECRET)).id).toBe(key.id);
  });

  it('a key revoked, disabled or expired before the outage stays refused during it', async () => {
    const { store, authenticator, advance } = setup();
    store.put(SECRET, { revokedAt: 999_000, enabled: false });
    store.put(OTHER, { expiresAt: 1_002_000 });
    expect((await refusal(authenticator.authenticate(SECRET))).kind).toBe('permission_denied');
    expect((await authenticator.authenticate(OTHER)).expiresAt).toBe(1_002_000);

    store.down = true;
    advance(5_000); // the store is unreadable, and OTHER's expiry has passed meanwhile
    const revoked = await refusal(authenticator.authenticate(SECRET));
    expect([revoked.kind, revoked.message]).toEqual(['permission_denied', 'virtual key has been revoked']);
    const expired = await refusal(authenticator.authenticate(OTHER));
    expect([expired.kind, expired.message]).toEqual(['permission_denied', 'virtual key has expired']);
  });

  it('a key never seen, or only seen as unknown, is unavailable (503) — not 401, not internal', async () => {
    const { store, authenticator, advance } = setup();
    expect((await refusal(authenticator.authenticate(OTHER))).kind).toBe('unauthenticated'); // unknown, with the store up
    store.put(SECRET);
    store.down = true;
    const neverSeen = await refusal(authenticator.authenticate(SECRET));
    expect(neverSeen.kind).toBe('unavailable');
    expect(neverSeen.message).toMatch(/cannot be checked right now/);
    expect(neverSeen.cause).toBeInstanceOf(DatabaseUnavailableError);
    // Within the TTL the remembered "unknown" still answers 401; after it, it may have been created since.
    expect((await refusal(authenticator.authenticate(OTHER))).kind).toBe('unauthenticated');
    advance(5_000);
    expect((await refusal(authenticator.authenticate(OTHER))).kind).toBe('unavailable');
  });

  it('after an admin write in this process, no key is answered from memory until it was read again', async () => {
    const { store, authenticator } = setup();
    store.put(SECRET);
    store.put(OTHER);
    await authenticator.authenticate(SECRET);
    await authenticator.authenticate(OTHER);

    // A revocation with the store up: refused on the very next request (no TTL to wait out).
    store.put(SECRET, { id: 'key-0', revokedAt: 1_000_000 });
    authenticator.invalidateAll();
    expect((await refusal(authenticator.authenticate(SECRET))).kind).toBe('permission_denied');

    // OTHER was not read since the write, which may have changed it: in an outage it is not served stale.
    store.down = true;
    expect((await refusal(authenticator.authenticate(OTHER))).kind).toBe('unavailable');
    expect((await refusal(authenticator.authenticate(SECRET))).kind).toBe('permission_denied'); // read after the write
  });

  it('after an admin write to one key, an outage: that key cannot be checked, the keys it did not touch keep their last known state', async () => {
    const { store, authenticator, advance, staleServed } = setup();
    const written = store.put(SECRET);
    const untouched = store.put(OTHER);
    await authenticator.authenticate(SECRET);
    await authenticator.authenticate(OTHER);

    authenticator.invalidateKeys([written.id]); // e.g. UpdateKey of SECRET's key, here or announced by another process
    store.down = true;
    expect((await refusal(authenticator.authenticate(SECRET))).kind).toBe('unavailable');
    expect((await authenticator.authenticate(OTHER)).id).toBe(untouched.id);
    advance(5_000); // past the TTL too: read, failed, answered from its last known state
    expect((await authenticator.authenticate(OTHER)).id).toBe(untouched.id);
    expect(staleServed()).toBe(1);
  });

  it('a key revoked or rotated just before an outage never answers from its state before the write', async () => {
    const { store, authenticator } = setup();
    const revoked = store.put(SECRET);
    const rotated = store.put(OTHER);
    await authenticator.authenticate(SECRET);
    await authenticator.authenticate(OTHER);

    store.put(SECRET, { id: revoked.id, revokedAt: 1_000_000 });
    authenticator.invalidateKeys([revoked.id]);
    // Rotated with no grace period: the old secret is no longer the key's.
    store.forget(OTHER);
    store.put(THIRD, { id: rotated.id });
    authenticator.invalidateKeys([rotated.id]);

    store.down = true;
    expect((await refusal(authenticator.authenticate(SECRET))).kind).toBe('unavailable');
    expect((await refusal(authenticator.authenticate(OTHER))).kind).toBe('unavailable');
    store.down = false;
    expect((await refusal(authenticator.authenticate(SECRET))).kind).toBe('permission_denied');
    expect((await refusal(authenticator.authenticate(OTHER))).kind).toBe('unauthenticated');
    expect((await authenticator.authenticate(THIRD)).id).toBe(rotated.id);
  });

  it('a write to one key: a secret remembered as unknown is read again (the key may have just been created with it)', async () => {
    const { store, authenticator } = setup();
    expect((await refusal(authenticator.authenticate(OTHER))).kind).toBe('unauthenticated');
    const created = store.put(OTHER); // CreateKey with existing_secret
    authenticator.invalidateKeys([created.id]);
    expect((await authenticator.authenticate(OTHER)).id).toBe(created.id);
  });

  it('a read begun before a write to its key answers its callers but is not remembered', async () => {
    const { store, authenticator, advance } = setup();
    const key = store.put(SECRET);
    await authenticator.authenticate(SECRET);
    advance(5_000);
    let answer!: () => void;
    store.gate = new Promise((resolve) => (answer = resolve));
    const before = authenticator.authenticate(SECRET);
    await new Promise((resolve) => setTimeout(resolve, 0));
    store.put(SECRET, { id: key.id, revokedAt: 1_005_000 });
    authenticator.invalidateKeys([key.id]);
    store.gate = null;
    answer();
    await before.catch(() => undefined);
    store.down = true; // nothing remembered for the key since the write: not its active state from before
    expect((await refusal(authenticator.authenticate(SECRET))).kind).toBe('unavailable');
  });

  it('staleMaxMs 0 never answers from a stale state', async () => {
    const { store, authenticator, advance } = setup({ staleMaxMs: 0 });
    store.put(SECRET);
    await authenticator.authenticate(SECRET);
    store.down = true;
    advance(2_000);
    expect((await refusal(authenticator.authenticate(SECRET))).kind).toBe('unavailable');
  });

  it('after a failed read the store is left alone for the retry pause; keys answer from memory meanwhile', async () => {
    const { store, authenticator, advance } = setup({ retryPauseMs: 60_000 });
    store.put(SECRET);
    await authenticator.authenticate(SECRET);
    store.down = true;
    advance(2_000);
    const readsBefore = store.reads;
    for (let index = 0; index < 20; index += 1) await authenticator.authenticate(SECRET);
    expect(store.reads - readsBefore).toBe(1);
    // A key never seen fails at once during the pause, without a read either.
    expect((await refusal(authenticator.authenticate(OTHER))).kind).toBe('unavailable');
    expect(store.reads - readsBefore).toBe(1);
  });

  it('a store that hangs instead of refusing: a known key is answered from memory after readWaitMs; the late answer still counts', async () => {
    const { store, authenticator, advance, staleServed } = setup({ readWaitMs: 20 });
    const key = store.put(SECRET);
    await authenticator.authenticate(SECRET);
    let answer!: () => void;
    store.gate = new Promise((resolve) => (answer = resolve));
    advance(5_000);
    expect((await authenticator.authenticate(SECRET)).id).toBe(key.id); // not held by the hanging read
    expect(staleServed()).toBe(1);

    // The read that hung finally answers: the key was revoked meanwhile, and the next request sees it.
    store.put(SECRET, { id: key.id, revokedAt: 1_004_000 });
    store.gate = null;
    answer();
    await expect.poll(async () => (await refusal(authenticator.authenticate(SECRET))).kind).toBe('permission_denied');
  });

  it('once a read is late, known keys are answered at once from their last state until it settles; their re-reads go on behind', async () => {
    // Only the read wait's timer is faked: a lookup that waits for it cannot be answered until the test moves it.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { store, authenticator, advance, staleServed } = setup({ readWaitMs: 1_000 });
      const first = store.put(SECRET);
      const second = store.put(OTHER);
      await authenticator.authenticate(SECRET);
      await authenticator.authenticate(OTHER);
      let answer!: () => void;
      store.gate = new Promise((resolve) => (answer = resolve));
      advance(5_000);
      const waited = authenticator.authenticate(SECRET);
      await vi.advanceTimersByTimeAsync(1_000);
      expect((await waited).id).toBe(first.id); // the first lookup waited the read out
      const readsBefore = store.reads;

      // From now on no timer moves: each lookup must be answered without waiting.
      const unwaited = async (secret: string) => {
        let settled: { id: string } | undefined;
        void authenticator.authenticate(secret).then((key) => (settled = key));
        await new Promise((resolve) => setImmediate(resolve));
        return settled?.id;
      };
      for (let index = 0; index < 5; index += 1) expect(await unwaited(SECRET)).toBe(first.id);
      expect(await unwaited(OTHER)).toBe(second.id);
      expect(store.reads - readsBefore).toBe(1); // OTHER's re-read, behind its answer; none more for SECRET
      expect(staleServed()).toBe(7);

      // A key this process never read still waits for its own read, then is unavailable.
      const never = refusal(authenticator.authenticate(THIRD));
      await vi.advanceTimersByTimeAsync(1_000);
      expect((await never).kind).toBe('unavailable');

      // The store answers: the key's state is read again, as before the hang.
      store.put(SECRET, { id: first.id, revokedAt: 1_004_000 });
      store.gate = null;
      answer();
      await expect.poll(async () => (await refusal(authenticator.authenticate(SECRET))).kind).toBe('permission_denied');
    } finally {
      vi.useRealTimers();
    }
  });

  it('a flood of made-up keys does not push the known keys out of memory', async () => {
    const { store, authenticator } = setup({ cacheSize: 10 });
    store.put(SECRET);
    await authenticator.authenticate(SECRET);
    for (let index = 0; index < 50; index += 1) {
      await refusal(authenticator.authenticate(`sk-gw-${String(index).padStart(32, 'x')}`));
    }
    store.down = true;
    expect((await authenticator.authenticate(SECRET)).secretHash).toBe(hashSecret(SECRET));
  });

  it('any failed read counts as the store being unreadable: the same fallback, never an internal error', async () => {
    const { store, authenticator, advance } = setup();
    store.put(SECRET);
    await authenticator.authenticate(SECRET);
    store.findBySecretHash = async () => {
      throw new Error('a driver error nobody classified');
    };
    advance(5_000);
    expect((await authenticator.authenticate(SECRET)).secretHash).toBe(hashSecret(SECRET));
    expect((await refusal(authenticator.authenticate(OTHER))).kind).toBe('unavailable');
  });
});
