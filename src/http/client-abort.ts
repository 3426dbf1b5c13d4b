// A request's AbortSignal that fires when the client leaves before the
// response was finished, so the core aborts the upstream call. Detected on
// the response's 'close' with `!writableEnded` (DESIGN.md: not request 'close',
// not `writableFinished`, which lies on HTTP/2 in Node 20).
import type { FastifyReply } from 'fastify';

export function abortOnClientLeave(reply: FastifyReply): AbortController {
  const controller = new AbortController();
  const raw = reply.raw;
  const onClose = () => {
    if (!raw.writableEnded) controller.abort();
  };
  raw.once('close', onClose);
  return controller;
}
