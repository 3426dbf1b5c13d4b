// Test doubles for the limits layer: a fake clock, key records and an
// in-memory KeySpendRepository whose writes complete asynchronously (and, when
// asked, out of order or failing).
import type { KeySpendRecord, KeySpendRepository } from '../../src/domain/key-spend.js';
import type { BudgetRecord, RateLimitsRecord, VirtualKeyRecord } from '../../src/domain/virtual-key.js';

export interface FakeClock {
  now: () => number;
  set(ms: number): void;
  advance(ms: number): void;
}

export function fakeClock(start = Date.UTC(2026, 10, 26, 12, 0, 0)): FakeClock {
  let current = start;
  return {
    now: () => current,
    set: (ms) => {
      current = ms;
    },
    advance: (ms) => {
      current += ms;
    },
  };
}

export function keyWith(options: { id?: string; limits?: Partial<RateLimitsRecord>; budget?: BudgetRecord | null } = {}): VirtualKeyRecord {
  return {
    id: options.id ?? 'key-1',
    name: 'test key',
    secretHash: '0'.repeat(64),
    secretPrefix: 'gw-',
    secretLast4: 'abcd',
    previousSecretHash: null,
    previousSecretExpiresAt: null,
    enabled: true,
    expiresAt: null,
    revokedAt: null,
    allowedModels: [],
    rateLimits: { requestsPerMinute: 0, tokensPerMinute: 0, concurrentRequests: 0, ...options.limits },
    budget: options.budget ?? null,
    cacheEnabled: false,
    logRequestBodies: false,
    metadata: {},
    createdAt: 0,
    updatedAt: 0,
  };
}

/** A small deterministic PRNG (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FakeSpendRepository extends Pick<KeySpendRepository, 'get' | 'add'> {
  rows: Map<string, KeySpendRecord>;
  gets: number;
  adds: number;
  /** The next n calls (get or add) reject. */
  failNext(n: number): void;
  /** Makes every call wait this many microtask hops, drawn per call (out-of-order completion). */
  hops: () => number;
}

export function fakeSpendRepository(hops: () => number = () => 1): FakeSpendRepository {
  const rows = new Map<string, KeySpendRecord>();
  let failures = 0;
  const delay = async (count: number) => {
    for (let index = 0; index < count; index += 1) await Promise.resolve();
  };
  const maybeFail = () => {
    if (failures > 0) {
      failures -= 1;
      throw new Error('database unavailable');
    }
  };
  const repository: FakeSpendRepository = {
    rows,
    gets: 0,
    adds: 0,
    hops,
    failNext(n) {
      failures = n;
    },
    async get(keyId, period) {
      repository.gets += 1;
      await delay(repository.hops());
      maybeFail();
      const row = rows.get(`${keyId}|${period}`);
      return row ? { ...row } : null;
    },
    async add(keyId, period, tokens, costUsd) {
      repository.adds += 1;
      if (!Number.isSafeInteger(tokens)) throw new RangeError('tokens must be a whole number');
      await delay(repository.hops());
      maybeFail();
      // The increment itself is atomic (one synchronous step), like the SQL upsert.
      const id = `${keyId}|${period}`;
      const row = rows.get(id) ?? { keyId, period, tokens: 0, costUsd: 0 };
      row.tokens += tokens;
      row.costUsd += costUsd;
      rows.set(id, row);
      const snapshot = { ...row };
      await delay(repository.hops()); // the answer travels back, possibly after later adds
      return snapshot;
    },
  };
  return repository;
}

/** Lets every pending microtask chain run (the fakes never use timers). */
export async function drain(rounds = 200): Promise<void> {
  for (let index = 0; index < rounds; index += 1) await Promise.resolve();
}
