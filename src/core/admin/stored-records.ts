// Reading and writing one stored record on behalf of an admin RPC: the key is
// required, a record that is not there is NotFound, an update is a read-modify-
// write that re-reads and re-applies itself when another writer (in this process
// or another on the same database) changed the record since it was read, and a
// write that collides with a stored record can be reported in the admin's own words.
// An admin who sends the version they read gets no re-read: their change was made
// against that version, so any other is refused (ABORTED) rather than merged.
import { GatewayError, invalidArgument, notFound } from '../../domain/gateway-error.js';
import { StorageConflictError } from '../../domain/storage-conflict-error.js';
import type { Versioned, VersionedRepository } from '../../domain/versioned-record.js';
import { changedSinceRead } from './record-version.js';

export interface RecordRepository<Item> extends VersionedRepository<Item> {
  get(key: string): Promise<Item | null>;
  /** false when there is no record with the key. */
  delete(key: string): Promise<boolean>;
}

export interface StoredRecordsOptions<Item> {
  repository: RecordRepository<Item>;
  /** How NotFound names a record: "key", "provider", "route", "prompt rule". */
  kind: string;
  /** The request field that carries the key, named when it is empty: "id" or "name". */
  keyField: string;
  /** Whether surrounding whitespace is cut off a key first (routes and prompt rules; keys and providers take it as sent). */
  trimKey: boolean;
}

export interface StoredRecords<Item> {
  /** The key as looked up; InvalidArgument when it is empty. */
  requireKey(key: string): string;
  /** The stored record; NotFound when there is none. */
  load(key: string): Promise<Item>;
  /** The stored record and its version; NotFound when there is none. */
  loadVersioned(key: string): Promise<Versioned<Item>>;
  /**
   * Writes `change(stored)` over the stored record and returns it with its new version, provided no
   * other write came in between; otherwise reads the record again and applies `change` to that, so a
   * concurrent update of other fields is kept and a check in `change` (e.g. "not revoked") sees what is
   * stored. With `expectedVersion`, a stored record at any other version (now or on a re-read) is
   * Aborted, nothing written. NotFound when the record is (or becomes) missing; Unavailable, retryable,
   * when it keeps changing.
   */
  update(key: string, change: (stored: Item) => Item | Promise<Item>, expectedVersion?: number): Promise<Versioned<Item>>;
  /** NotFound when there is nothing to delete. */
  delete(key: string): Promise<void>;
}

/**
 * Attempts of one update. Each failed attempt means another write succeeded, so k writers racing on
 * one record all get through within k attempts; more than this many at once is not an admin's pace.
 */
const MAX_UPDATE_ATTEMPTS = 10;

export function storedRecords<Item>(options: StoredRecordsOptions<Item>): StoredRecords<Item> {
  const { repository, kind } = options;
  const requireKey = (key: string) => {
    const value = options.trimKey ? key.trim() : key;
    if (value === '') throw invalidArgument(options.keyField, 'is required');
    return value;
  };
  return {
    requireKey,
    async load(key) {
      const value = requireKey(key);
      const record = await repository.get(value);
      if (!record) throw notFound(kind, value);
      return record;
    },
    async loadVersioned(key) {
      const value = requireKey(key);
      const stored = await repository.getVersioned(value);
      if (!stored) throw notFound(kind, value);
      return stored;
    },
    async update(key, change, expectedVersion) {
      const value = requireKey(key);
      for (let attempt = 1; attempt <= MAX_UPDATE_ATTEMPTS; attempt += 1) {
        const stored = await repository.getVersioned(value);
        if (!stored) throw notFound(kind, value);
        if (expectedVersion !== undefined && stored.version !== expectedVersion) throw changedSinceRead(kind, value, expectedVersion, stored.version);
        const next = await change(stored.record);
        const outcome = await repository.replaceIfVersion(next, stored.version);
        if (outcome === 'written') return { record: next, version: stored.version + 1 };
        if (outcome === 'missing') throw notFound(kind, value);
      }
      throw new GatewayError('unavailable', `${kind} "${value}" kept changing while this update was applied; try again`, { retryable: true });
    },
    async delete(key) {
      const value = requireKey(key);
      if (!(await repository.delete(value))) throw notFound(kind, value);
    },
  };
}

/** Runs `write`; a StorageConflictError from it becomes `conflict()`, any other error passes unchanged. */
export async function reportingConflict<T>(write: () => Promise<T>, conflict: () => GatewayError): Promise<T> {
  try {
    return await write();
  } catch (error) {
    throw error instanceof StorageConflictError ? conflict() : error;
  }
}
