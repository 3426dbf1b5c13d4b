// A request's AbortSignal that fires when the client leaves before the
// response was finished, so the core aborts the upstream call. Detected on
// the response's 'close' with `!writableEnded` (not the request's 'close', and
// not `writableFinished`, which Node 20 reported wrongly on HTTP/2 responses).
import type { ShimReply } from './shim-reply.js';

export function abortOnClientLeave(reply: Pick<ShimReply, 'raw'>): AbortController {
  const controller = new AbortController();
  const raw = reply.raw;
  const onClose = () => {
    if (!raw.writableEnded) controller.abort();
  };
  raw.once('close', onClose);
  return controller;
}
