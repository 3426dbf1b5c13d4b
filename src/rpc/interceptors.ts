import type { Interceptor, StreamResponse } from '@connectrpc/connect';
import type { AdminTokenVerifier } from '../core/auth/admin-token.js';
import { overCapacity } from '../server/in-flight-limit.js';
import { toConnectError, type ErrorReporter } from './connect-errors.js';
import { overCapacityKey } from './request-context-key.js';

/** Converts whatever a handler throws (also mid-stream) into a ConnectError. */
export function errorInterceptor(reporter: ErrorReporter): Interceptor {
  return (next) => async (request) => {
    try {
      const response = await next(request);
      if (!response.stream) return response;
      return { ...response, message: convertStreamErrors(response.message, reporter) } as StreamResponse;
    } catch (error) {
      throw toConnectError(error, reporter);
    }
  };
}

/** The messages as they are; a failure while pulling one becomes a ConnectError. An iterator, not a generator: no extra async step per message. */
function convertStreamErrors<T>(messages: AsyncIterable<T>, reporter: ErrorReporter): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]() {
      const inner = messages[Symbol.asyncIterator]();
      const convert = (error: unknown): never => {
        throw toConnectError(error, reporter);
      };
      return {
        next: () => inner.next().catch(convert),
        return: (value?: unknown) => (inner.return ? inner.return(value).catch(convert) : Promise.resolve({ done: true as const, value: value as T })),
        throw: (error?: unknown) => (inner.throw ? inner.throw(error).catch(convert) : Promise.reject(toConnectError(error, reporter))),
      };
    },
  };
}

/** Admin services: the admin token as `Authorization: Bearer …`. */
export function adminAuthInterceptor(verifier: AdminTokenVerifier): Interceptor {
  return (next) => async (request) => {
    verifier.verify(bearerTokenOf(request.header.get('authorization')));
    return next(request);
  };
}

export const bearerTokenOf = (authorization: string | null): string | undefined => /^Bearer\s+(.+)$/i.exec(authorization?.trim() ?? '')?.[1];

/** Whether an Authorization header carries the admin token (authenticate-before-decode.ts). */
export function carriesAdminToken(verifier: AdminTokenVerifier): (authorization: string | null) => boolean {
  return (authorization) => {
    try {
      verifier.verify(bearerTokenOf(authorization));
      return true;
    } catch {
      return false;
    }
  };
}

/**
 * Data-plane services: a call the in-flight cap refused (marked by the server's hook) fails here,
 * before authentication, as UNAVAILABLE with retry-after — Connect words it for each protocol.
 */
export function capacityInterceptor(): Interceptor {
  return (next) => async (request) => {
    if (request.contextValues.get(overCapacityKey)) throw overCapacity();
    return next(request);
  };
}
