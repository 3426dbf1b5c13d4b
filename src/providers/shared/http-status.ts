// The one table from an upstream's HTTP error status to the gateway's error
// kind and whether the router may retry (or fail over). Every family uses it;
// families only add what their error bodies say beyond the status (e.g.
// OpenAI's insufficient_quota, Gemini's API_KEY_INVALID on a 400).
import type { GatewayErrorKind } from '../../domain/gateway-error.js';

export interface StatusClass {
  kind: GatewayErrorKind;
  retryable: boolean;
}

export function classifyHttpStatus(status: number): StatusClass {
  switch (status) {
    case 401:
    case 403:
      // The gateway's own credentials were refused: not the client's fault, and a retry cannot help.
      return { kind: 'failed_precondition', retryable: false };
    case 402:
      // Payment or quota state of the provider account, not the request.
      return { kind: 'failed_precondition', retryable: false };
    case 404:
      return { kind: 'not_found', retryable: false };
    case 413:
      return { kind: 'payload_too_large', retryable: false };
    case 429:
      return { kind: 'resource_exhausted', retryable: true };
    case 408:
    case 409:
      // Request timeout and conflicts (e.g. a concurrent update upstream) pass; the vendors' SDKs retry them.
      return { kind: 'unavailable', retryable: true };
    default:
      // 529 is Anthropic's "overloaded".
      if (status >= 500) return { kind: 'unavailable', retryable: true };
      return { kind: 'invalid_argument', retryable: false };
  }
}

/** A credential problem: the message then keeps the upstream's text only when it quotes no credential. */
export const isCredentialStatus = (status: number): boolean => status === 401 || status === 403;
