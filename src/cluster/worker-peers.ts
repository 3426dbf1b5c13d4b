// What a --workers worker shares with the others, through the primary's IPC
// channel: the rate limits (held by the primary) and admin-write announcements.
import type { RateLimiter } from '../core/limits/rate-limiter.js';
import { changedIdsOf, type AdminChangedIds } from '../core/admin/changed-ids.js';
import { isPrimaryMessage, type AdminScope, type PrimaryMessage, type WorkerMessage } from './messages.js';
import { createWorkerRateLimiter, type PrimaryChannel } from './worker-rate-limiter.js';

export interface ClusterPeers {
  limiter: RateLimiter;
  /** Tells every other worker that an admin write changed `scope` (the records `ids`, when it names them). */
  announce(scope: AdminScope, ids?: AdminChangedIds): void;
  /** Called when another worker's admin write changed `scope` (`ids` undefined: any record of it). */
  onAnnounced(listener: (scope: AdminScope, ids: AdminChangedIds) => void): void;
  /** Only the first worker runs the background jobs: request-log retention and the health-check runner. */
  runsRetention: boolean;
  /** The IPC channel to the primary (a scrape gathers every worker's metrics over it: metrics-gather.ts). */
  channel: PrimaryChannel;
}

/** The environment variable the primary sets on each worker: its slot, 0 … workers − 1 (kept across restarts). */
export const WORKER_INDEX_VARIABLE = 'GATEWAY_WORKER_INDEX';

/** This process's IPC channel to the primary (process.send / 'message'), as the cluster module sets it up. */
export function processChannel(): PrimaryChannel {
  return {
    send(message: WorkerMessage) {
      if (!process.connected || !process.send) return false;
      // false from send() only means a backlog (the message is still queued); a channel closing
      // under the send reports through the callback, and 'disconnect' fails what is pending.
      process.send(message, undefined, {}, () => undefined);
      return true;
    },
    onMessage(listener: (message: PrimaryMessage) => void) {
      process.on('message', (message: unknown) => {
        if (isPrimaryMessage(message)) listener(message);
      });
    },
  };
}

export function createClusterPeers(channel: PrimaryChannel, workerIndex: number): ClusterPeers & { primaryGone(): void } {
  const limiter = createWorkerRateLimiter(channel);
  return {
    limiter,
    announce: (scope, ids) => void channel.send({ type: 'gateway:admin-changed', scope, ...(ids ? { ids } : {}) }),
    onAnnounced(listener) {
      channel.onMessage((message) => {
        if (message.type === 'gateway:admin-changed') listener(message.scope, changedIdsOf(message.ids));
      });
    },
    runsRetention: workerIndex === 0,
    channel,
    primaryGone: () => limiter.failPending(),
  };
}
