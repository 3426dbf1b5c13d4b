// What a dispatch that failed had tried: its finished attempts, kept beside
// the error it ended in, so that the request's row, log line and trace can
// say how many upstream calls were made and to which targets, though none
// answered. A WeakMap rather than a field: the error is often the provider's
// own (thrown through unchanged), and nothing else about it changes.
import type { Attempt } from '../../../gen/llmgateway/v1/chat_pb.js';

const attemptsByError = new WeakMap<object, readonly Attempt[]>();

/**
 * `error` with `attempts` remembered — or, when a dispatch already threw this very object (a
 * provider that fails every call with one error instance, such as a misconfigured one), a copy of it
 * (same prototype, message and fields), so that each request's attempts stay its own.
 */
export function withAttempts<E>(error: E, attempts: readonly Attempt[]): E {
  if (typeof error !== 'object' || error === null || attempts.length === 0) return error;
  const own = attemptsByError.has(error) ? copyOf(error) : error;
  attemptsByError.set(own, [...attempts]);
  return own;
}

/** The attempts made before `error` ended the dispatch: none when it failed before any upstream call. */
export function attemptsBehind(error: unknown): readonly Attempt[] {
  return (typeof error === 'object' && error !== null && attemptsByError.get(error)) || [];
}

function copyOf<E extends object>(error: E): E {
  return Object.create(Object.getPrototypeOf(error) as object | null, Object.getOwnPropertyDescriptors(error)) as E;
}
