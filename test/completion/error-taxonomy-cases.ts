// The error taxonomy as the matrix expects it (docs/errors.md): each upstream
// condition's canonical kind and retryability, and how each surface renders a
// kind. Written out here on purpose, apart from src/, so that the matrix checks
// the documented table rather than whatever the code says.
import { Code } from '@connectrpc/connect';
import type { WireFault } from '../fixtures/wire-faults.js';
import type { Mode } from './error-taxonomy-setup.js';

export type Kind = 'invalid_argument' | 'failed_precondition' | 'not_found' | 'resource_exhausted' | 'unavailable' | 'deadline_exceeded';

export type Outcome =
  /** `failsOver`: not retryable, yet a route moves on to its next target (the upstream refused the gateway's credentials). */
  | { kind: Kind; retryable: boolean; retryAfterSeconds?: number; afterOutput?: boolean; failsOver?: boolean }
  /** Not a failure: the answer, finished by the vendor's content filter. */
  | { finish: 'content_filter' };

export interface Condition {
  name: string;
  /** How the upstream produces it: a fixture fault, a closed port, or a fixture that never answers behind a short attempt timeout. */
  via: { fault: WireFault } | { refused: true } | { timeout: true };
  modes: Mode[];
  outcome: Outcome;
}

const both: Mode[] = ['unary', 'stream'];
const streamOnly: Mode[] = ['stream'];
const fault = (name: WireFault) => ({ fault: name });
const transient = { kind: 'unavailable', retryable: true } as const;

export const CONDITIONS: Condition[] = [
  { name: 'HTTP 400', via: fault('http-400'), modes: both, outcome: { kind: 'invalid_argument', retryable: false } },
  { name: 'HTTP 401', via: fault('http-401'), modes: both, outcome: { kind: 'failed_precondition', retryable: false, failsOver: true } },
  { name: 'HTTP 403', via: fault('http-403'), modes: both, outcome: { kind: 'failed_precondition', retryable: false, failsOver: true } },
  { name: 'HTTP 404', via: fault('http-404'), modes: both, outcome: { kind: 'not_found', retryable: false } },
  { name: 'HTTP 429 + retry hint', via: fault('http-429'), modes: both, outcome: { kind: 'resource_exhausted', retryable: true, retryAfterSeconds: 7 } },
  { name: 'HTTP 500', via: fault('http-500'), modes: both, outcome: transient },
  { name: 'overloaded (503 / 529)', via: fault('overloaded'), modes: both, outcome: transient },
  { name: 'HTTP 3xx redirect (not followed)', via: fault('redirect'), modes: both, outcome: { kind: 'failed_precondition', retryable: false, failsOver: true } },
  { name: 'connection refused', via: { refused: true }, modes: both, outcome: transient },
  { name: 'timeout', via: { timeout: true }, modes: both, outcome: { kind: 'deadline_exceeded', retryable: true } },
  { name: 'empty 200 body', via: fault('empty-body'), modes: both, outcome: transient },
  { name: 'malformed 200 body', via: fault('malformed-body'), modes: both, outcome: transient },
  { name: 'truncated body / stream', via: fault('truncated'), modes: both, outcome: transient },
  { name: 'stream with only a stop event', via: fault('stop-only'), modes: streamOnly, outcome: transient },
  { name: 'malformed stream chunk', via: fault('malformed-chunk'), modes: streamOnly, outcome: transient },
  { name: 'overloaded error event mid-stream', via: fault('error-event'), modes: streamOnly, outcome: { ...transient, afterOutput: true } },
  { name: 'content filter', via: fault('content-filter'), modes: both, outcome: { finish: 'content_filter' } },
];

/** A truncated stream is cut after its first text delta: the client has seen output. */
export function afterOutput(condition: Condition, mode: Mode): boolean {
  if ('finish' in condition.outcome) return false;
  return condition.outcome.afterOutput === true || (mode === 'stream' && 'fault' in condition.via && condition.via.fault === 'truncated');
}

export const CONNECT_CODE: Record<Kind, Code> = {
  invalid_argument: Code.InvalidArgument,
  failed_precondition: Code.FailedPrecondition,
  not_found: Code.NotFound,
  resource_exhausted: Code.ResourceExhausted,
  unavailable: Code.Unavailable,
  deadline_exceeded: Code.DeadlineExceeded,
};

/** Upstream-caused failures on the OpenAI surface (the upstream refusing the gateway's key is a 502, never the client's 401). */
export const OPENAI_ROW: Record<Kind, { status: number; type: string; code: string }> = {
  invalid_argument: { status: 400, type: 'invalid_request_error', code: 'invalid_value' },
  failed_precondition: { status: 502, type: 'server_error', code: 'upstream_credentials_rejected' },
  not_found: { status: 404, type: 'invalid_request_error', code: 'upstream_not_found' },
  resource_exhausted: { status: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded' },
  unavailable: { status: 503, type: 'server_error', code: 'service_unavailable' },
  deadline_exceeded: { status: 504, type: 'timeout_error', code: 'timeout' },
};

export const ANTHROPIC_ROW: Record<Kind, { status: number; type: string }> = {
  invalid_argument: { status: 400, type: 'invalid_request_error' },
  failed_precondition: { status: 502, type: 'api_error' },
  not_found: { status: 404, type: 'not_found_error' },
  resource_exhausted: { status: 429, type: 'rate_limit_error' },
  unavailable: { status: 529, type: 'overloaded_error' },
  deadline_exceeded: { status: 504, type: 'timeout_error' },
};

/** Implementation text that must never reach a client. */
export const LEAKS = /TypeError|SyntaxError|Cannot read propert|Unexpected end of JSON|is not valid JSON|JSON at position|Unexpected token|Unterminated string|Incomplete JSON|exception parsing|is not a function|undefined \(reading|at .*\.(?:js|ts):\d+/;
