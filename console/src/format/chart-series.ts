// AggregateUsage rows grouped by hour or day → the columns a time chart draws (x in Unix seconds),
// with the empty hours/days in between filled with zeros so a gap reads as "no traffic".
import type { UsageAggregate } from '../../../gen/llmgateway/v1/usage_service_pb.js';
import { durationMs } from './format.js';

export type Bucket = 'hour' | 'day';

export interface TimeSeries {
  /** Start of each bucket, Unix seconds. */
  times: number[];
  requests: number[];
  errors: number[];
  tokens: number[];
  costUsd: number[];
  /** Latency percentiles in ms; null where the bucket had no requests (a gap, not a zero). */
  p50Ms: Array<number | null>;
  p95Ms: Array<number | null>;
}

const BUCKET_MS: Record<Bucket, number> = { hour: 3_600_000, day: 86_400_000 };

/** `2026-12-04` or `2026-12-04T09:00Z` → epoch ms; NaN for anything else. */
export function bucketStartMs(group: string): number {
  if (/^\d{4}-\d{2}-\d{2}$/.test(group)) return Date.parse(`${group}T00:00:00Z`);
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:00Z$/.test(group)) return Date.parse(group.replace('Z', ':00Z'));
  return Number.NaN;
}

/** Buckets from `fromMs` to `toMs` (exclusive), each row in its bucket. */
export function toTimeSeries(rows: readonly UsageAggregate[], bucket: Bucket, fromMs: number, toMs: number): TimeSeries {
  const size = BUCKET_MS[bucket];
  const first = Math.floor(fromMs / size) * size;
  const series: TimeSeries = { times: [], requests: [], errors: [], tokens: [], costUsd: [], p50Ms: [], p95Ms: [] };
  const index = new Map<number, number>();
  for (let start = first; start < toMs; start += size) {
    index.set(start, series.times.length);
    series.times.push(start / 1000);
    series.requests.push(0);
    series.errors.push(0);
    series.tokens.push(0);
    series.costUsd.push(0);
    series.p50Ms.push(null);
    series.p95Ms.push(null);
  }
  for (const row of rows) {
    const at = index.get(bucketStartMs(row.group));
    if (at === undefined) continue;
    series.requests[at] = row.requests;
    series.errors[at] = row.errors;
    series.tokens[at] = Number(row.inputTokens) + Number(row.outputTokens);
    series.costUsd[at] = row.costUsd;
    series.p50Ms[at] = row.requests > 0 ? durationMs(row.p50Latency) : null;
    series.p95Ms[at] = row.requests > 0 ? durationMs(row.p95Latency) : null;
  }
  return series;
}

export interface Totals {
  requests: number;
  errors: number;
  tokens: number;
  costUsd: number;
}

export function totalsOf(rows: readonly UsageAggregate[]): Totals {
  return rows.reduce(
    (sum, row) => ({
      requests: sum.requests + row.requests,
      errors: sum.errors + row.errors,
      tokens: sum.tokens + Number(row.inputTokens) + Number(row.outputTokens),
      costUsd: sum.costUsd + row.costUsd,
    }),
    { requests: 0, errors: 0, tokens: 0, costUsd: 0 },
  );
}

/** The `limit` rows with the highest cost (then most requests). */
export function topByCost(rows: readonly UsageAggregate[], limit: number): UsageAggregate[] {
  return [...rows].sort((a, b) => b.costUsd - a.costUsd || b.requests - a.requests).slice(0, limit);
}
