// Reading and writing one stored record on behalf of an admin RPC: the key is
// required, a record that is not there is NotFound, and a write that collides
// with a stored record can be reported in the admin's own words.
import { GatewayError, invalidArgument, notFound } from '../../domain/gateway-error.js';
import { StorageConflictError } from '../../domain/storage-conflict-error.js';

export interface RecordRepository<Item> {
  get(key: string): Promise<Item | null>;
  /** false when there is no record with the key. */
  replace(record: Item): Promise<boolean>;
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
  keyOf(record: Item): string;
}

export interface StoredRecords<Item> {
  /** The key as looked up; InvalidArgument when it is empty. */
  requireKey(key: string): string;
  /** The stored record; NotFound when there is none. */
  load(key: string): Promise<Item>;
  /** Writes the record over the stored one; NotFound when it is gone. */
  replace(record: Item): Promise<void>;
  /** NotFound when there is nothing to delete. */
  delete(key: string): Promise<void>;
}

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
    async replace(record) {
      if (!(await repository.replace(record))) throw notFound(kind, options.keyOf(record));
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
