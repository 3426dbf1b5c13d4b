// The governed calls running in this process, for shutdown: it waits for the
// calls it cut to end (their steps write the row and charge what was
// consumed) before the request log and the budget spend are flushed, and it
// says how many it cut. A call cut by shutdown ends as `canceled` with a
// message saying so, not as a client that left.
import { GatewayError } from '../../domain/gateway-error.js';

export interface InFlightCalls {
  /** Calls entered and not yet ended. */
  readonly size: number;
  /** Calls that ended canceled by shutdown. */
  readonly cutCount: number;
  /** A call starts: returns what to call once its steps have ended. */
  begin(): () => void;
  /** Shutdown cuts the calls still running: from now on they end as canceled by shutdown. */
  cut(): void;
  /** The error a failed call ends with: once cut, a canceled one is marked as canceled by shutdown (and counted). Once per call. */
  failureOf(error: unknown): unknown;
  /** Resolves true when no call is in flight, false after `timeoutMs` with calls still running. */
  settled(timeoutMs: number): Promise<boolean>;
}

export const SHUTDOWN_MESSAGE = 'the gateway shut down before the request finished';

export function createInFlightCalls(): InFlightCalls {
  let size = 0;
  let cutting = false;
  let cutCount = 0;
  const waiters = new Set<() => void>();

  return {
    get size() {
      return size;
    },
    get cutCount() {
      return cutCount;
    },
    begin() {
      size += 1;
      let ended = false;
      return () => {
        if (ended) return;
        ended = true;
        size -= 1;
        if (size === 0) for (const wake of waiters) wake();
      };
    },
    cut() {
      cutting = true;
    },
    failureOf(error) {
      if (!cutting) return error;
      if (error instanceof GatewayError && error.kind !== 'canceled') return error;
      cutCount += 1;
      return new GatewayError('canceled', SHUTDOWN_MESSAGE, { cause: error });
    },
    settled(timeoutMs) {
      if (size === 0) return Promise.resolve(true);
      return new Promise((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          waiters.delete(wake);
          resolve(true);
        };
        const timer = setTimeout(() => {
          waiters.delete(wake);
          resolve(false);
        }, timeoutMs);
        waiters.add(wake);
      });
    },
  };
}
