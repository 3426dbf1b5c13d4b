// --workers scrapes, without processes: the primary's relay asks every
// listening worker for its metrics and hands all parts to the worker that
// took the scrape, which sums them (prom-client's aggregate); a worker that
// does not answer fails the scrape; a dead worker's counters stay in the sum
// (retired), so the total never falls back as if counters had reset.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PrimaryMessage, SerializedMetric, WorkerMessage } from '../../src/cluster/messages.js';
import { createClusterMetricsSource } from '../../src/cluster/metrics-gather.js';
import { createMetricsRelay, GATHER_TIMEOUT_MS, type RelayPeer } from '../../src/cluster/metrics-relay.js';
import { retire } from '../../src/cluster/retired-metrics.js';
import type { PrimaryChannel } from '../../src/cluster/worker-rate-limiter.js';
import { parseExposition } from '../metrics/exposition.js';

/** A worker with its own registry, wired to a relay as node:cluster IPC would (asynchronously). */
function fakeWorker(id: number, relay: () => ReturnType<typeof createMetricsRelay>, options: { answers?: boolean } = {}) {
  const registry = new Registry();
  const requests = new Counter({ name: 'llm_gateway_requests_total', help: 'h', labelNames: ['outcome'], registers: [registry] });
  const duration = new Histogram({ name: 'llm_gateway_request_duration_seconds', help: 'h', buckets: [0.1, 1], registers: [registry] });
  const inFlight = new Gauge({ name: 'llm_gateway_requests_in_flight', help: 'h', registers: [registry] });
  const listeners: Array<(message: PrimaryMessage) => void> = [];
  const peer: RelayPeer = {
    id,
    send: (message) => {
      if (message.type === 'gateway:metrics-collect' && options.answers === false) return;
      setImmediate(() => listeners.forEach((listener) => listener(message)));
    },
  };
  const channel: PrimaryChannel = {
    send: (message: WorkerMessage) => (setImmediate(() => relay().handle(peer, message)), true),
    onMessage: (listener) => void listeners.push(listener),
  };
  const source = createClusterMetricsSource(channel, registry);
  return { peer, source, requests, duration, inFlight };
}

function cluster(count: number, options: { silent?: number } = {}) {
  const alive = new Map<number, ReturnType<typeof fakeWorker>>();
  const relay = createMetricsRelay({ peers: () => [...alive.values()].map((worker) => worker.peer) });
  for (let id = 1; id <= count; id += 1) alive.set(id, fakeWorker(id, () => relay, { answers: id !== options.silent }));
  return {
    relay,
    workers: alive,
    kill(id: number) {
      alive.delete(id);
      relay.workerGone(id);
    },
  };
}

afterEach(() => vi.useRealTimers());

describe('a --workers scrape', () => {
  it('sums every worker’s counters and histograms, whichever worker takes it', async () => {
    const { workers } = cluster(3);
    [...workers.values()].forEach((worker, index) => {
      worker.requests.inc({ outcome: 'ok' }, index + 1);
      worker.duration.observe(0.05);
      worker.inFlight.set(2);
    });
    for (const taker of workers.values()) {
      const exposition = parseExposition(await taker.source.collect());
      expect(exposition.sum('llm_gateway_requests_total', { outcome: 'ok' })).toBe(6);
      expect(exposition.count('llm_gateway_request_duration_seconds')).toBe(3);
      expect(exposition.sum('llm_gateway_requests_in_flight')).toBe(6);
    }
  });

  it('fails (rather than answer a partial sum) when a worker does not answer', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { workers } = cluster(2, { silent: 2 });
    const scrape = workers.get(1)!.source.collect();
    const failed = expect(scrape).rejects.toThrow(/did not answer/);
    await vi.advanceTimersByTimeAsync(GATHER_TIMEOUT_MS + 1);
    await failed;
  });

  it('keeps a dead worker’s counters (not its gauges) in later scrapes, counted once', async () => {
    const { workers, kill, relay } = cluster(2);
    workers.get(1)!.requests.inc({ outcome: 'ok' }, 5);
    workers.get(2)!.requests.inc({ outcome: 'ok' }, 7);
    workers.get(2)!.inFlight.set(4);
    expect(parseExposition(await workers.get(1)!.source.collect()).sum('llm_gateway_requests_total')).toBe(12);
    kill(2);
    // Its replacement starts from zero.
    const replacement = fakeWorker(3, () => relay);
    workers.set(3, replacement);
    replacement.requests.inc({ outcome: 'ok' }, 1);
    const after = parseExposition(await workers.get(1)!.source.collect());
    expect(after.sum('llm_gateway_requests_total')).toBe(13);
    expect(after.sum('llm_gateway_requests_in_flight')).toBe(0);
  });

  it('answers a worker alone with its own metrics', async () => {
    const { workers } = cluster(1);
    workers.get(1)!.requests.inc({ outcome: 'ok' }, 2);
    expect(parseExposition(await workers.get(1)!.source.collect()).sum('llm_gateway_requests_total')).toBe(2);
  });
});

describe('retire', () => {
  it('sums counters and histogram series by name and labels, and drops gauges', () => {
    const counter = (value: number, outcome: string): SerializedMetric => ({
      name: 'c_total', help: 'h', type: 'counter', aggregator: 'sum', values: [{ value, labels: { outcome } }],
    });
    const gauge: SerializedMetric = { name: 'g', help: 'h', type: 'gauge', aggregator: 'sum', values: [{ value: 3, labels: {} }] };
    const histogram: SerializedMetric = {
      name: 'h_seconds', help: 'h', type: 'histogram', aggregator: 'sum',
      values: [{ value: 1, labels: { le: 0.1 }, metricName: 'h_seconds_bucket' }, { value: 1, labels: {}, metricName: 'h_seconds_count' }],
    };
    const once = retire([], [counter(2, 'ok'), gauge, histogram]);
    const twice = retire(once, [counter(3, 'ok'), counter(1, 'error'), histogram]);
    expect(twice.map((metric) => metric.name).sort()).toEqual(['c_total', 'h_seconds']);
    expect(twice.find((metric) => metric.name === 'c_total')!.values).toEqual([
      { value: 5, labels: { outcome: 'ok' } },
      { value: 1, labels: { outcome: 'error' } },
    ]);
    expect(twice.find((metric) => metric.name === 'h_seconds')!.values.map((value) => value.value)).toEqual([2, 2]);
    // The inputs are left as they were.
    expect(once.find((metric) => metric.name === 'c_total')!.values).toEqual([{ value: 2, labels: { outcome: 'ok' } }]);
  });
});
