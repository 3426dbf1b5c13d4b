// Thrown by storage when the database cannot be reached or is too busy to
// answer (connection refused or lost, server gone or shutting down, SQLite
// busy or locked): a passing condition, not a bug. It is a GatewayError of
// kind `unavailable`, so every edge answers it as 503 / Connect `unavailable`
// (and the request log records it so) instead of an internal error.
import { GatewayError } from './gateway-error.js';

export class DatabaseUnavailableError extends GatewayError {
  /** The driver's error code (e.g. ECONNREFUSED, SQLITE_BUSY), for logs; the driver's message may name hosts. */
  readonly code: string;

  constructor(code: string, cause: unknown) {
    super('unavailable', `the gateway's database is unavailable right now (${code}); retry shortly`, { retryable: true, cause });
    this.name = 'DatabaseUnavailableError';
    this.code = code;
  }
}
