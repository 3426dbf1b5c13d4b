// The abort signal of a fast-path RPC: fired when the client leaves before the answer is complete
// (its HTTP/2 stream reset, its connection closed), when the deadline it sent passes — what
// connect-es gives a handler as `context.signal` — or when its request body fails after the call
// began (request-envelope.ts). Settled calls never abort, so a normal end costs
// no abort event and no error object. The deadline aborts with the gateway's own error, so that the
// core, the request log and the client all call it deadline_exceeded; one beyond what a timer
// holds is none (client-deadline.ts).
import type { EventEmitter } from 'node:events';
import { Code, ConnectError } from '@connectrpc/connect';
import { callerDeadlineExceeded, timerSized } from '../client-deadline.js';

export interface CallSignal {
  signal: AbortSignal;
  /** The answer is complete (or the call is over): stop watching. */
  settle(): void;
  /** Ends the call for another reason (its request body failed after the call began). */
  abort(reason: ConnectError): void;
}

export function callSignal(response: EventEmitter, timeoutMs: number | undefined): CallSignal {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const onClose = () => {
    if (timer) clearTimeout(timer);
    if (!controller.signal.aborted) controller.abort(new ConnectError('the client left', Code.Canceled));
  };
  response.once('close', onClose);
  const deadlineMs = timerSized(timeoutMs);
  if (deadlineMs !== undefined) timer = setTimeout(() => controller.abort(callerDeadlineExceeded()), deadlineMs);
  return {
    signal: controller.signal,
    settle() {
      if (timer) clearTimeout(timer);
      response.off('close', onClose);
    },
    abort(reason) {
      if (!controller.signal.aborted) controller.abort(reason);
    },
  };
}
