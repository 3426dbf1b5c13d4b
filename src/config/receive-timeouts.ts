// How long a client may take to send a request: its headers, then all of it. The whole request cannot
// take less than its headers, so a request timeout set below the headers timeout is refused; unset, it is
// 60 s or the headers timeout when that is longer (as before the variable existed).

/** What of config.ts's reader this needs (an interface, so that the two modules do not import each other). */
interface TimeoutReader {
  integer(name: string, minimum: number, maximum: number, fallback: number): number;
  check<T>(name: string, value: T, valid: (value: T) => boolean, message: string): T;
}

export function readReceiveTimeouts(read: TimeoutReader): { headersTimeoutMs: number; requestTimeoutMs: number } {
  const headersTimeoutMs = read.integer('GATEWAY_HEADERS_TIMEOUT_MS', 100, 600_000, 10_000);
  const fallback = Math.max(60_000, headersTimeoutMs);
  const requestTimeoutMs = read.check(
    'GATEWAY_REQUEST_TIMEOUT_MS',
    read.integer('GATEWAY_REQUEST_TIMEOUT_MS', 100, 3_600_000, fallback),
    (value) => value >= headersTimeoutMs,
    `must be at least GATEWAY_HEADERS_TIMEOUT_MS (${headersTimeoutMs})`,
  );
  return { headersTimeoutMs, requestTimeoutMs };
}
