// A request's AbortSignal that fires when the client leaves before the
// response was finished, so the core aborts the upstream call. Detected on
// the response's 'close' with `!writableEnded` (not the request's 'close', and
// not `writableFinished`, which Node 20 reported wrongly on HTTP/2 responses).
import type { ShimLog, ShimReply } from './shim-reply.js';

export function abortOnClientLeave(reply: Pick<ShimReply, 'raw'>): AbortController {
  const controller = new AbortController();
  const raw = reply.raw;
  const onClose = () => {
    if (!raw.writableEnded) controller.abort();
  };
  raw.once('close', onClose);
  return controller;
}

/**
 * A stream that failed before its response opened. When the client left (nobody to answer) or the response
 * was already taken over by the hijack (Fastify can no longer answer), the socket is closed here and true is
 * returned; otherwise false: the caller rethrows to the shim's error handler, for a real status and body.
 */
export function closedUnopenedStream(reply: ShimReply, context: { signal: AbortSignal; log: ShimLog }, error: unknown, what: string): boolean {
  if (!context.signal.aborted && !reply.sent) return false;
  if (!context.signal.aborted) context.log.error({ err: error }, `could not open the ${what}`);
  if (!reply.sent) reply.hijack();
  reply.raw.destroy();
  return true;
}
