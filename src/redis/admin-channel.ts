// Admin-write invalidation across replicas: the replica that wrote publishes
// the scope (and the ids of the records written, when the write names them) on
// one channel; every replica marks that cached table stale at once (what
// --workers does over IPC, here across machines). A message lost while Redis
// was away is covered three times: every scope is invalidated, naming no ids (any
// record may have changed), when the subscription comes back; after an
// announcement that could not be sent, the next one of its scope names no ids;
// and the tables' periodic re-read stays the safety net.
import { randomUUID } from 'node:crypto';
import { changedIdsOf, type AdminChangedIds } from '../core/admin/changed-ids.js';
import type { RedisConnection } from './redis-client.js';

export interface AdminChannel<Scope extends string> {
  /** Tells the other replicas (never throws; a lost message waits for the re-read). */
  announce(scope: Scope, ids?: AdminChangedIds): void;
  /** `ids` undefined: any record of the scope may have changed. */
  onAnnounced(listener: (scope: Scope, ids: AdminChangedIds) => void): void;
}

export function createAdminChannel<Scope extends string>(
  connection: RedisConnection,
  keyPrefix: string,
  scopes: readonly Scope[],
  onError: (error: unknown) => void,
): AdminChannel<Scope> {
  const channel = `${keyPrefix}admin-changed`;
  const origin = randomUUID(); // our own messages: the tables were already invalidated locally
  const listeners: Array<(scope: Scope, ids: AdminChangedIds) => void> = [];
  const tell = (scope: Scope, ids?: AdminChangedIds) => listeners.forEach((listener) => listener(scope, ids));
  connection.subscribe(
    channel,
    (message) => {
      try {
        const parsed = JSON.parse(message) as { scope?: unknown; origin?: unknown; ids?: unknown };
        if (parsed.origin !== origin && scopes.includes(parsed.scope as Scope)) tell(parsed.scope as Scope, changedIdsOf(parsed.ids));
      } catch {
        // not one of ours
      }
    },
    () => scopes.forEach((scope) => tell(scope)),
  );
  // Scopes whose announcement could not be sent: the next one names no ids, so the records that lost one are re-read too.
  const unsent = new Set<Scope>();
  return {
    announce(scope, ids) {
      const whole = unsent.has(scope) || ids === undefined;
      connection.publish(channel, JSON.stringify({ scope, origin, ...(whole ? {} : { ids }) })).then(
        () => whole && unsent.delete(scope),
        (error: unknown) => {
          unsent.add(scope);
          onError(error);
        },
      );
    },
    onAnnounced: (listener) => void listeners.push(listener),
  };
}
