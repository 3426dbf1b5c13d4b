// The deadline an RPC client sends (gRPC's grpc-timeout, Connect's connect-timeout-ms), as the
// gateway keeps it on the fast path (fast-path/call-signal.ts) and on connect-es's handlers:
// - When it passes, the call's signal aborts with the gateway's own deadline_exceeded error, which
//   the core keeps (completion-core.ts asCanceled): the client gets DEADLINE_EXCEEDED (Connect unary:
//   504) and the request-log row says so. connect-es aborts with a ConnectError the core cannot tell
//   from any other abort, so its reason is translated here.
// - One longer than a Node timer holds (2^31 − 1 ms, ≈ 24.8 days) would fire at once
//   (TimeoutOverflowWarning): it is no deadline at all, as nothing waits that long.
import { Code, ConnectError, type Interceptor } from '@connectrpc/connect';
import type { UniversalHandler, UniversalHandlerFn } from '@connectrpc/connect/protocol';
import { parseTimeout as parseConnectTimeout } from '@connectrpc/connect/protocol-connect';
import { parseTimeout as parseGrpcTimeout } from '@connectrpc/connect/protocol-grpc';
import { GatewayError } from '../domain/gateway-error.js';

/** The longest delay a Node timer holds; a longer one fires after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** The deadline a timer can hold, else none. */
export const timerSized = (timeoutMs: number | undefined): number | undefined =>
  timeoutMs !== undefined && timeoutMs <= MAX_TIMER_MS ? timeoutMs : undefined;

export const callerDeadlineExceeded = (): GatewayError => new GatewayError('deadline_exceeded', "the caller's deadline passed");

const GRPC_TIMEOUT = 'grpc-timeout';
const CONNECT_TIMEOUT = 'connect-timeout-ms';
const beyondTimer = (timeout: { timeoutMs?: number }) => timeout.timeoutMs !== undefined && timerSized(timeout.timeoutMs) === undefined;

/** connect-es's handlers: a deadline beyond a timer is taken off the request before connect-es reads it. */
export function withTimerSizedDeadline(handler: UniversalHandler): UniversalHandler {
  const wrapped: UniversalHandlerFn = (request) => {
    const grpc = request.header.get(GRPC_TIMEOUT);
    const connect = request.header.get(CONNECT_TIMEOUT);
    const dropGrpc = grpc !== null && beyondTimer(parseGrpcTimeout(grpc, Number.MAX_SAFE_INTEGER));
    const dropConnect = connect !== null && beyondTimer(parseConnectTimeout(connect, Number.MAX_SAFE_INTEGER));
    if (!dropGrpc && !dropConnect) return handler(request);
    const header = new Headers(request.header);
    if (dropGrpc) header.delete(GRPC_TIMEOUT);
    if (dropConnect) header.delete(CONNECT_TIMEOUT);
    return handler({ ...request, header });
  };
  return Object.assign(wrapped, handler);
}

/** connect-es's handlers: the handler's signal aborts with the gateway's deadline error when the client's deadline passes. */
export function callerDeadlineInterceptor(): Interceptor {
  return (next) => (request) => {
    // Only a call with a deadline can meet one: the others keep connect-es's signal as it is.
    if (!request.header.has(GRPC_TIMEOUT) && !request.header.has(CONNECT_TIMEOUT)) return next(request);
    const controller = new AbortController();
    const forward = () => {
      const reason: unknown = request.signal.reason;
      controller.abort(reason instanceof ConnectError && reason.code === Code.DeadlineExceeded ? callerDeadlineExceeded() : reason);
    };
    if (request.signal.aborted) forward();
    else request.signal.addEventListener('abort', forward, { once: true });
    return next({ ...request, signal: controller.signal });
  };
}
