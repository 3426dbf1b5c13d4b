// The governed calls running in this process, for shutdown: it waits for the
// calls it cut to end (their steps write the row and charge what was
// consumed) before the request log and the budget spend are flushed, and it
// says how many it cut. Cutting aborts each call's own signal, so the edge
// that serves it is still open and tells its client in the client's protocol
// (an error event in a stream, a 503, a gRPC status) that the gateway shut
// down — retryable elsewhere. The call's row says `canceled` by shutdown, not
// a client that left.
import { GatewayError } from '../../domain/gateway-error.js';

export interface InFlightCall {
  /** The caller's signal, also aborted when shutdown cuts the call: what the steps and the upstream see. */
  readonly signal: AbortSignal;
  /** The call's steps have ended (once; later calls do nothing). */
  end(): void;
}

export interface InFlightCalls {
  /** Calls entered and not yet ended. */
  readonly size: number;
  /** Calls that ended canceled by shutdown. */
  readonly cutCount: number;
  /** A call starts with its caller's signal. */
  begin(callerSignal: AbortSignal): InFlightCall;
  /** Shutdown cuts the calls still running: their signals abort, and from now on they end as canceled by shutdown. */
  cut(): void;
  /** The error a failed call's row records: once cut, a canceled one is marked as canceled by shutdown (and counted). Once per call. */
  failureOf(error: unknown): unknown;
  /** The error its client is told: once cut, a canceled call is `unavailable` (another replica can serve it). */
  answerOf(error: unknown): unknown;
  /** Resolves true when no call is in flight, false after `timeoutMs` with calls still running. */
  settled(timeoutMs: number): Promise<boolean>;
}

export const SHUTDOWN_MESSAGE = 'the gateway shut down before the request finished';

const isCanceled = (error: unknown) => !(error instanceof GatewayError) || error.kind === 'canceled';

export function createInFlightCalls(): InFlightCalls {
  let cutting = false;
  let cutCount = 0;
  /** Each running call's own abort, by its controller. */
  const running = new Set<AbortController>();
  const waiters = new Set<() => void>();

  return {
    get size() {
      return running.size;
    },
    get cutCount() {
      return cutCount;
    },
    begin(callerSignal) {
      const controller = new AbortController();
      const forward = () => controller.abort(callerSignal.reason);
      if (callerSignal.aborted) forward();
      else callerSignal.addEventListener('abort', forward, { once: true });
      running.add(controller);
      if (cutting) controller.abort(new GatewayError('canceled', SHUTDOWN_MESSAGE));
      return {
        signal: controller.signal,
        end() {
          if (!running.delete(controller)) return;
          callerSignal.removeEventListener('abort', forward);
          if (running.size === 0) for (const wake of waiters) wake();
        },
      };
    },
    cut() {
      cutting = true;
      for (const controller of running) controller.abort(new GatewayError('canceled', SHUTDOWN_MESSAGE));
    },
    failureOf(error) {
      if (!cutting || !isCanceled(error)) return error;
      cutCount += 1;
      return new GatewayError('canceled', SHUTDOWN_MESSAGE, { cause: error });
    },
    answerOf(error) {
      if (!cutting || !isCanceled(error)) return error;
      return new GatewayError('unavailable', `${SHUTDOWN_MESSAGE}; retry it`, { cause: error });
    },
    settled(timeoutMs) {
      if (running.size === 0) return Promise.resolve(true);
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
