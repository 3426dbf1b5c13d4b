// The errors governed calls failed with. The request-log step wrote each one's row, so an edge that
// answers such an error must not write another; an error an edge raises before or outside the
// pipeline (a body that does not parse, a stored response that does not exist) is not here, and the
// edge records that request itself (refused-request.ts). A WeakSet: an error is kept no longer than
// its answer needs it.
const logged = new WeakSet<object>();

export function markLoggedFailure(error: unknown): void {
  if (typeof error === 'object' && error !== null) logged.add(error);
}

/** Whether a governed call failed with this error (its row is written or being written). */
export function isLoggedFailure(error: unknown): boolean {
  return typeof error === 'object' && error !== null && logged.has(error);
}
