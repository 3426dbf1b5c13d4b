// A virtual key: what an application holds, its limits and budget, and its repository.
import type { Page } from './page.js';
import type { Versioned, VersionedRepository } from './versioned-record.js';

export interface RateLimitsRecord {
  requestsPerMinute: number;
  tokensPerMinute: number;
  concurrentRequests: number;
}

export interface BudgetRecord {
  amount: number;
  unit: 'tokens' | 'usd';
  period: 'day' | 'week' | 'month' | 'total';
}

/** Output tokens a budget reserves for a request that sets no maximum output (GATEWAY_BUDGET_OUTPUT_RESERVE_TOKENS). */
export const DEFAULT_BUDGET_OUTPUT_RESERVE_TOKENS = 4096;

export interface VirtualKeyRecord {
  id: string;
  name: string;
  /** SHA-256 hex of the secret. */
  secretHash: string;
  /** Shown to humans as `${secretPrefix}…${secretLast4}`. */
  secretPrefix: string;
  secretLast4: string;
  /** The secret replaced by the last rotation, valid until previousSecretExpiresAt. */
  previousSecretHash: string | null;
  previousSecretExpiresAt: number | null;
  enabled: boolean;
  expiresAt: number | null;
  revokedAt: number | null;
  allowedModels: string[];
  rateLimits: RateLimitsRecord;
  budget: BudgetRecord | null;
  cacheEnabled: boolean;
  logRequestBodies: boolean;
  metadata: Record<string, string>;
  createdAt: number;
  updatedAt: number;
}

export interface KeyListOptions {
  limit: number;
  cursor?: string | null;
  nameContains?: string | null;
  enabled?: boolean | null;
}

export interface KeysRepository extends VersionedRepository<VirtualKeyRecord> {
  /** Throws StorageConflictError when the id or secret hash exists. */
  insert(key: VirtualKeyRecord): Promise<void>;
  get(id: string): Promise<VirtualKeyRecord | null>;
  /** Matches the current secret hash or the previous one (the caller checks the grace expiry). */
  findBySecretHash(secretHash: string): Promise<VirtualKeyRecord | null>;
  /** Ordered by createdAt then id (newest last); filters combine with AND. */
  list(options: KeyListOptions): Promise<Page<VirtualKeyRecord>>;
  /** The same page, each key with its version. */
  listVersioned(options: KeyListOptions): Promise<Page<Versioned<VirtualKeyRecord>>>;
  /** Unconditional (see replaceIfVersion for writes computed from a read). */
  replace(key: VirtualKeyRecord): Promise<boolean>;
  /**
   * Revokes the key in one write, whatever else changes it at the same time: disabled, revoked at
   * `at`, its previous secret dropped. False when there is no such key or it was already revoked.
   */
  revoke(id: string, at: number): Promise<boolean>;
  delete(id: string): Promise<boolean>;
}
