// A --workers worker's side of a scrape: it answers the primary's collect
// requests with its own registry (prom-client's JSON), and when it takes a
// scrape itself it asks the primary for every worker's part and sums them
// with prom-client's AggregatorRegistry.aggregate() — counters and histograms
// summed, gauges as each metric's aggregator says (event-loop lag averaged,
// memory summed). One scrape, the whole gateway; see metrics-relay.ts.
import { AggregatorRegistry, type Registry } from 'prom-client';
import type { MetricsSource } from '../core/metrics/metrics-source.js';
import type { SerializedMetric } from './messages.js';
import { GATHER_TIMEOUT_MS } from './metrics-relay.js';
import type { PrimaryChannel } from './worker-rate-limiter.js';

interface PendingGather {
  resolve(parts: SerializedMetric[][]): void;
  reject(error: Error): void;
}

/** Past the primary's own wait: a primary that is gone (or wedged) fails the scrape instead of holding it. */
const ANSWER_TIMEOUT_MS = GATHER_TIMEOUT_MS + 1_000;

export function createClusterMetricsSource(channel: PrimaryChannel, registry: Registry): MetricsSource {
  let nextCall = 1;
  const pending = new Map<number, PendingGather>();

  channel.onMessage((message) => {
    switch (message.type) {
      case 'gateway:metrics-collect':
        void registry.getMetricsAsJSON().then((metrics) => {
          channel.send({ type: 'gateway:metrics-part', gather: message.gather, metrics: metrics as unknown as SerializedMetric[] });
        });
        return;
      case 'gateway:metrics-parts':
      case 'gateway:metrics-failed': {
        const call = pending.get(message.call);
        if (!call) return;
        if (message.type === 'gateway:metrics-parts') call.resolve(message.parts);
        else call.reject(new Error(`gathering the workers' metrics failed: ${message.reason}`));
        return;
      }
      default:
        return;
    }
  });

  const gather = () =>
    new Promise<SerializedMetric[][]>((resolve, reject) => {
      const call = nextCall++;
      const timer = setTimeout(() => {
        pending.delete(call);
        reject(new Error('the primary did not answer: metrics cannot be gathered'));
      }, ANSWER_TIMEOUT_MS);
      const settle = () => {
        clearTimeout(timer);
        pending.delete(call);
      };
      pending.set(call, {
        resolve: (parts) => (settle(), resolve(parts)),
        reject: (error) => (settle(), reject(error)),
      });
      if (!channel.send({ type: 'gateway:metrics-gather', call })) {
        settle();
        reject(new Error('the primary is gone: metrics cannot be gathered'));
      }
    });

  return {
    contentType: registry.contentType,
    async collect() {
      const parts = await gather();
      return AggregatorRegistry.aggregate(parts as never).metrics();
    },
  };
}
