// Numbers, money, tokens, durations and dates in the user's locale (Intl). Pure: the locale is passed.
import type { Duration, Timestamp } from '@bufbuild/protobuf/wkt';

/** US dollars: cents for sums of a cent or more, up to 6 significant digits below (token prices are tiny). */
export function formatUsd(amount: number, locale: string): string {
  const small = amount !== 0 && Math.abs(amount) < 0.01;
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: 'USD',
    ...(small ? { maximumSignificantDigits: 3 } : { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
  }).format(amount);
}

/** Token counts: exact below 10 000, compact above (12.3K / 1.2万). */
export function formatTokens(count: number | bigint, locale: string): string {
  const value = Number(count);
  if (Math.abs(value) < 10_000) return new Intl.NumberFormat(locale).format(value);
  return new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 }).format(value);
}

export function formatNumber(value: number | bigint, locale: string): string {
  return new Intl.NumberFormat(locale).format(value);
}

export function formatPercent(ratio: number, locale: string): string {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(ratio);
}

export function durationMs(duration: Duration | undefined): number {
  if (!duration) return 0;
  return Number(duration.seconds) * 1000 + duration.nanos / 1e6;
}

/** Latencies: ms below a second, seconds with 2 decimals above. */
export function formatDuration(duration: Duration | undefined, locale: string): string {
  if (!duration) return '—';
  const ms = durationMs(duration);
  if (ms < 1000) return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(ms)} ms`;
  return `${new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(ms / 1000)} s`;
}

export function timestampMs(timestamp: Timestamp | undefined): number | undefined {
  if (!timestamp) return undefined;
  return Number(timestamp.seconds) * 1000 + Math.floor(timestamp.nanos / 1e6);
}

export function formatDateTime(timestamp: Timestamp | undefined, locale: string): string {
  const ms = timestampMs(timestamp);
  if (ms === undefined) return '—';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(ms));
}
