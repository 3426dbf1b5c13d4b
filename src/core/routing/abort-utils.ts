// Small signal and timer helpers for the dispatcher. All waiting goes through
// an injected `sleep(ms, signal)` so tests drive time with a fake clock.

/** Resolves after `ms`, rejects with `signal.reason` as soon as the signal aborts. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    // A pending backoff or deadline never keeps the process alive on its own.
    timer.unref();
    signal.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Settles like `promise`, or rejects with `signal.reason` as soon as the signal aborts — so an
 * upstream that ignores its signal cannot hold the dispatcher. The losing promise stays handled.
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** A controller that aborts (with the parent's reason) when the parent does; `dispose()` unlinks it. */
export function linkedController(parent: AbortSignal): { controller: AbortController; dispose(): void } {
  const controller = new AbortController();
  if (parent.aborted) {
    controller.abort(parent.reason);
    return { controller, dispose: () => {} };
  }
  const onAbort = () => controller.abort(parent.reason);
  parent.addEventListener('abort', onAbort, { once: true });
  return { controller, dispose: () => parent.removeEventListener('abort', onAbort) };
}

/** Calls `onFire` after `ms` unless the returned cancel function ran first. */
export function startTimer(sleep: Sleep, ms: number, onFire: () => void): () => void {
  if (sleep === realSleep) {
    // The real clock: a bare timer. Every request starts two of these (total deadline, attempt
    // timeout); an AbortController and listener each, then an abort to stop them, cost far more.
    const timer = setTimeout(onFire, Math.max(0, ms));
    timer.unref();
    return () => clearTimeout(timer);
  }
  const cancel = new AbortController();
  sleep(ms, cancel.signal).then(
    () => {
      if (!cancel.signal.aborted) onFire();
    },
    () => {},
  );
  // A plain reason: the default one is a DOMException, costly to build.
  return () => cancel.abort(TIMER_STOPPED);
}

const TIMER_STOPPED = Symbol('timer stopped');
