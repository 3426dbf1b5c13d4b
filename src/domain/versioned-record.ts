// Optimistic concurrency for the records admins edit: every stored record has a
// version that each write increments, and a write computed from a read is applied
// only while the record is still at the version read. A writer that loses re-reads
// and applies its change again, so two concurrent partial updates both hold.

/** The version of a record just inserted (migration 0010's column default). */
export const INITIAL_VERSION = 0;

export interface Versioned<Item> {
  record: Item;
  version: number;
}

/** What a write conditional on a read version did. */
export type ConditionalWriteOutcome =
  /** Written; the stored version is now one more. */
  | 'written'
  /** Not written: another write changed the record since it was read. */
  | 'changed'
  /** Not written: the record is gone. */
  | 'missing';

export interface VersionedRepository<Item> {
  /** The record and its version; null when there is none. */
  getVersioned(key: string): Promise<Versioned<Item> | null>;
  /** Writes every field of `record` over the stored one, only if that is still at `version`. */
  replaceIfVersion(record: Item, version: number): Promise<ConditionalWriteOutcome>;
}
