// How long an upstream asks the gateway to wait before retrying, from the
// response headers: `retry-after-ms` (OpenAI and Anthropic send it, in
// milliseconds, and their SDKs wait exactly that) wins over the standard
// `retry-after` (seconds, or an HTTP date; RFC 9110 §10.2.3). In seconds:
// `retry-after-ms` as it is (300 → 0.3: the gateway's own retry waits 300 ms),
// the standard header rounded up to whole seconds; undefined when absent or
// unreadable. The edges round up when they answer a `retry-after` themselves.

/** Reads one header by its lower-case name (a Headers' `get`, or a record lookup). */
export type HeaderLookup = (name: string) => string | null | undefined;

export function retryAfterSeconds(header: HeaderLookup, now: number = Date.now()): number | undefined {
  const milliseconds = Number.parseFloat(header('retry-after-ms') ?? '');
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds / 1000;
  const value = header('retry-after')?.trim();
  if (!value) return undefined;
  const seconds = Number.parseFloat(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** A lookup over a record whose names are already lower case. */
export const fromRecord =
  (headers: Readonly<Record<string, string>>): HeaderLookup =>
  (name) =>
    headers[name];

/** A lookup over whatever the SDK put in `error.headers`: a Headers (or alike), else nothing. */
export function fromHeadersLike(headers: unknown): HeaderLookup {
  const get = (headers as { get?: unknown } | null | undefined)?.get;
  return typeof get === 'function' ? (name) => (headers as Headers).get(name) : () => undefined;
}
