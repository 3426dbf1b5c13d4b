// What a --workers worker shares with the others, through the primary's IPC
// channel: the rate limits (held by the primary) and admin-write announcements.
import cluster from 'node:cluster';
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
  /**
   * This worker replaces one that died, after the gateway's first start: GATEWAY_CONFIG_FILE is not applied
   * again (the running configuration is in the database; the file is applied at the first start and on SIGHUP).
   */
  replacement: boolean;
}

/** The environment variable the primary sets on each worker: its slot, 0 … workers − 1 (kept across restarts). */
export const WORKER_INDEX_VARIABLE = 'GATEWAY_WORKER_INDEX';
/** Set ('1') by the primary on a worker forked to replace one that died after the first start. */
export const WORKER_REPLACEMENT_VARIABLE = 'GATEWAY_WORKER_REPLACEMENT';

export interface WorkerSlot {
  index: number;
  replacement: boolean;
}

/** This worker's slot, as the primary set it in the environment. */
export function workerSlotFromEnvironment(environment: NodeJS.ProcessEnv = process.env): WorkerSlot {
  return { index: Number(environment[WORKER_INDEX_VARIABLE] ?? 0), replacement: environment[WORKER_REPLACEMENT_VARIABLE] === '1' };
}

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

/**
 * Calls `listener` once the primary is gone (its IPC channel closed: killed, OOM). Node's own cluster
 * worker code (lib/internal/cluster/child.js, checked on Node 24) listens for 'disconnect' first and calls
 * process.exit(0) unless `cluster.worker.exitedAfterDisconnect` is true — in-flight requests would be cut
 * and their rows lost. Listening ahead of it and marking the disconnect as expected lets `listener` (the
 * graceful shutdown) run instead.
 */
export function onPrimaryGone(listener: () => void): void {
  process.prependListener('disconnect', () => {
    if (cluster.worker) cluster.worker.exitedAfterDisconnect = true;
    listener();
  });
}

export function createClusterPeers(channel: PrimaryChannel, slot: WorkerSlot): ClusterPeers & { primaryGone(): void } {
  const limiter = createWorkerRateLimiter(channel);
  return {
    limiter,
    announce: (scope, ids) => void channel.send({ type: 'gateway:admin-changed', scope, ...(ids ? { ids } : {}) }),
    onAnnounced(listener) {
      channel.onMessage((message) => {
        if (message.type === 'gateway:admin-changed') listener(message.scope, changedIdsOf(message.ids));
      });
    },
    runsRetention: slot.index === 0,
    channel,
    replacement: slot.replacement,
    primaryGone: () => limiter.failPending(),
  };
}
