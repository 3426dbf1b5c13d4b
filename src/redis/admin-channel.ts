// Admin-write invalidation across replicas: the replica that wrote publishes
// the scope on one channel; every replica drops that cached table at once
// (what --workers does over IPC, here across machines). A message lost while
// Redis was away is covered twice: every scope is invalidated when the
// subscription comes back, and the tables' periodic re-read stays the safety net.
import { randomUUID } from 'node:crypto';
import type { RedisConnection } from './redis-client.js';

export interface AdminChannel<Scope extends string> {
  /** Tells the other replicas (never throws; a lost message waits for the re-read). */
  announce(scope: Scope): void;
  onAnnounced(listener: (scope: Scope) => void): void;
}

export function createAdminChannel<Scope extends string>(
  connection: RedisConnection,
  keyPrefix: string,
  scopes: readonly Scope[],
  onError: (error: unknown) => void,
): AdminChannel<Scope> {
  const channel = `${keyPrefix}admin-changed`;
  const origin = randomUUID(); // our own messages: the tables were already invalidated locally
  const listeners: Array<(scope: Scope) => void> = [];
  const tell = (scope: Scope) => listeners.forEach((listener) => listener(scope));
  connection.subscribe(
    channel,
    (message) => {
      try {
        const parsed = JSON.parse(message) as { scope?: unknown; origin?: unknown };
        if (parsed.origin !== origin && scopes.includes(parsed.scope as Scope)) tell(parsed.scope as Scope);
      } catch {
        // not one of ours
      }
    },
    () => scopes.forEach(tell),
  );
  return {
    announce: (scope) => void connection.publish(channel, JSON.stringify({ scope, origin })).catch(onError),
    onAnnounced: (listener) => void listeners.push(listener),
  };
}
