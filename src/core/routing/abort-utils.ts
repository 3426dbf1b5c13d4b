// Small signal and timer helpers for the dispatcher. All waiting goes through
// an injected `sleep(ms, signal)` so tests drive time with a fake clock.
import type { AbortLatch } from './abort-latch.js';

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
 * Settles like `promise`, or rejects with the latch's reason as soon as it aborts — so an
 * upstream that ignores its signal cannot hold the dispatcher. The losing promise stays handled.
 */
export function raceAbort<T>(promise: Promise<T>, latch: AbortLatch): Promise<T> {
  if (latch.aborted) {
    promise.catch(() => {});
    return Promise.reject(latch.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const unsubscribe = latch.subscribe(reject);
    promise.then(
      (value) => {
        unsubscribe();
        resolve(value);
      },
      (error: unknown) => {
        unsubscribe();
        reject(error);
      },
    );
  });
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
