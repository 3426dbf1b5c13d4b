// What a dispatch that failed had tried: its finished attempts, kept beside
// the error it ended in, so that the request's row, log line and trace can
// say how many upstream calls were made and to which targets, though none
// answered. A WeakMap rather than a field: the error is often the provider's
// own (thrown through unchanged), and nothing else about it changes.
import type { Attempt } from '../../../gen/llmgateway/v1/chat_pb.js';

const attemptsByError = new WeakMap<object, readonly Attempt[]>();

/** Returns `error` itself, remembering `attempts` with it (the first record wins: an error rethrown keeps its own). */
export function withAttempts<E>(error: E, attempts: readonly Attempt[]): E {
  if (typeof error === 'object' && error !== null && attempts.length > 0 && !attemptsByError.has(error)) {
    attemptsByError.set(error, [...attempts]);
  }
  return error;
}

/** The attempts made before `error` ended the dispatch: none when it failed before any upstream call. */
export function attemptsBehind(error: unknown): readonly Attempt[] {
  return (typeof error === 'object' && error !== null && attemptsByError.get(error)) || [];
}
