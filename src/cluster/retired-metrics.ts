// What a dead worker had counted, kept by the primary. A scrape sums the
// workers' counters; when a worker dies (and is replaced, starting from zero)
// the sum would fall, and Prometheus reads a fall as a counter reset — a rate
// spike of the whole total. So the primary keeps each worker's last reported
// counters and histograms (monotonic totals; never gauges, which describe the
// living) and adds them to every later scrape as one more part. Counts between
// a worker's last scrape and its death are lost, not invented.
import type { SerializedMetric } from './messages.js';

const MONOTONIC = new Set(['counter', 'histogram']);

const seriesKey = (value: SerializedMetric['values'][number]) =>
  `${value.metricName ?? ''}|${Object.keys(value.labels)
    .sort()
    .map((name) => `${name}=${String(value.labels[name])}`)
    .join(',')}`;

/** `retired` with `part`'s counters and histograms added (summed series by series); neither input changes. */
export function retire(retired: readonly SerializedMetric[], part: readonly SerializedMetric[]): SerializedMetric[] {
  const byName = new Map<string, { metric: SerializedMetric; series: Map<string, SerializedMetric['values'][number]> }>();
  const add = (metric: SerializedMetric) => {
    if (!MONOTONIC.has(metric.type) || metric.aggregator !== 'sum') return;
    let entry = byName.get(metric.name);
    if (!entry) {
      entry = { metric: { ...metric, values: [] }, series: new Map() };
      byName.set(metric.name, entry);
    }
    for (const value of metric.values) {
      const key = seriesKey(value);
      const known = entry.series.get(key);
      if (known) known.value += value.value;
      else entry.series.set(key, { ...value, labels: { ...value.labels } });
    }
  };
  for (const metric of retired) add(metric);
  for (const metric of part) add(metric);
  return [...byName.values()].map(({ metric, series }) => ({ ...metric, values: [...series.values()] }));
}
