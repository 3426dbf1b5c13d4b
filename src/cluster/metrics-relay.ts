// The primary's side of a --workers scrape. The primary serves no requests
// (and cannot verify the admin token: it never opens the database), so the
// worker that takes GET /metrics asks here; the primary asks every listening
// worker for its metrics (prom-client's JSON) and hands all the parts back —
// plus what dead workers had counted (retired-metrics.ts) — and the asking
// worker aggregates them (metrics-gather.ts). The primary itself never loads
// prom-client. A worker that does not answer in time fails the scrape: a
// partial sum would read as counter resets.
import { retire } from './retired-metrics.js';
import type { PrimaryMessage, SerializedMetric, WorkerMessage } from './messages.js';

/** A worker as the relay sees it. */
export interface RelayPeer {
  id: number;
  send(message: PrimaryMessage): void;
}

export interface MetricsRelay {
  /** Handles a metrics message from `from`; other messages are ignored. */
  handle(from: RelayPeer, message: WorkerMessage): void;
  /** The worker exited: its last counters are retired, and no gather waits for it. */
  workerGone(workerId: number): void;
}

interface Gather {
  requester: RelayPeer;
  call: number;
  waiting: Set<number>;
  parts: Map<number, SerializedMetric[]>;
  timer: NodeJS.Timeout;
}

export const GATHER_TIMEOUT_MS = 5_000;

export function createMetricsRelay(options: { peers: () => Iterable<RelayPeer>; timeoutMs?: number }): MetricsRelay {
  const timeoutMs = options.timeoutMs ?? GATHER_TIMEOUT_MS;
  const gathers = new Map<number, Gather>();
  const lastParts = new Map<number, SerializedMetric[]>();
  let retired: SerializedMetric[] = [];
  let nextGather = 1;

  const finish = (id: number, gather: Gather) => {
    clearTimeout(gather.timer);
    gathers.delete(id);
    const parts = [...gather.parts.values()];
    if (retired.length > 0) parts.push(retired);
    gather.requester.send({ type: 'gateway:metrics-parts', call: gather.call, parts });
  };

  return {
    handle(from, message) {
      if (message.type === 'gateway:metrics-gather') {
        const id = nextGather++;
        const peers = [...options.peers()];
        const gather: Gather = {
          requester: from,
          call: message.call,
          waiting: new Set(peers.map((peer) => peer.id)),
          parts: new Map(),
          timer: setTimeout(() => {
            gathers.delete(id);
            from.send({ type: 'gateway:metrics-failed', call: message.call, reason: `${gather.waiting.size} worker(s) did not answer within ${timeoutMs} ms` });
          }, timeoutMs),
        };
        gather.timer.unref();
        gathers.set(id, gather);
        for (const peer of peers) peer.send({ type: 'gateway:metrics-collect', gather: id });
        if (gather.waiting.size === 0) finish(id, gather);
        return;
      }
      if (message.type === 'gateway:metrics-part') {
        lastParts.set(from.id, message.metrics);
        const gather = gathers.get(message.gather);
        if (!gather || !gather.waiting.delete(from.id)) return;
        gather.parts.set(from.id, message.metrics);
        if (gather.waiting.size === 0) finish(message.gather, gather);
      }
    },
    workerGone(workerId) {
      const last = lastParts.get(workerId);
      lastParts.delete(workerId);
      if (last) retired = retire(retired, last);
      for (const [id, gather] of gathers) {
        // Its counters now come from the retired part: not twice.
        if (last) gather.parts.delete(workerId);
        if (gather.waiting.delete(workerId) && gather.waiting.size === 0) finish(id, gather);
      }
    },
  };
}
