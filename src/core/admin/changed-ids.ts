// What an admin-write announcement names besides its scope: the ids of the
// records written. Key writes name them, so the keys a write did not touch
// keep their last known state for a database outage (core/auth/key-lookup.ts);
// undefined means any record of the scope may have changed.
export type AdminChangedIds = readonly string[] | undefined;

/** The ids an announcement carries, or undefined when it carries none (or not as a list of strings: a message from an older version). */
export function changedIdsOf(value: unknown): AdminChangedIds {
  return Array.isArray(value) && value.every((id) => typeof id === 'string') ? (value as string[]) : undefined;
}
