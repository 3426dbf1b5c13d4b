// What the network or a parser threw under an SDK call → the taxonomy
// condition, the same for every family: fetch and socket failures, timeouts,
// JSON that would not parse, streams that stop mid-event, and the
// UpstreamFault of our own mappers. The phase decides what a broken
// connection or bad JSON means: before the answer (or in a unary body) it is
// the call that failed; once a stream is open, it is the stream. Each
// family's map-error reads its SDK's own error classes first and hands
// anything else here; what this cannot name is unexpected (`internal`).
import type { ObservedFailure } from './upstream-error.js';
import { UpstreamFault } from './upstream-fault.js';
import { UpstreamRedirect } from './upstream-redirect.js';

/** `request`: up to and including a unary body; `stream`: after a stream's 200. */
export type CallPhase = 'request' | 'stream';

const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ESOCKETTIMEDOUT']);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'ERR_STREAM_PREMATURE_CLOSE',
]);
/** fetch's words for a failure before the answer ("fetch failed") and for a body cut mid-way ("terminated"). */
const NETWORK_MESSAGES = /fetch failed|^terminated$|other side closed|socket hang up|premature close|closed before its end/i;
/** @google/genai: a stream that ended inside an event, or with no body at all. */
const CUT_STREAM_MESSAGES = /Incomplete JSON segment|Response body is empty/i;
/** JSON.parse and the SDKs' wrappers of it. */
const JSON_MESSAGES = /Unexpected end of JSON|is not valid JSON|Unexpected token|JSON at position|exception parsing stream chunk/i;

export function observeThrown(error: unknown, phase: CallPhase): ObservedFailure | undefined {
  if (error instanceof UpstreamFault) return { condition: { type: error.condition }, ...(error.detail ? { detail: error.detail } : {}), cause: error };
  // The upstream fetch's refusal to follow, under whatever the SDK wrapped it in (APIConnectionError).
  const redirect = redirectIn(error);
  if (redirect) return { condition: { type: 'redirect', status: redirect.redirectStatus }, ...(redirect.origin ? { detail: redirect.origin } : {}), cause: error };
  const chain = causeChain(error);
  if (chain.some((link) => link.name === 'AbortError' || link.name === 'APIUserAbortError')) return { condition: { type: 'canceled' }, cause: error };
  const code = chain.map((link) => link.code).find((value) => value !== undefined);
  if (chain.some((link) => link.name === 'TimeoutError' || link.name === 'APIConnectionTimeoutError') || (code && TIMEOUT_CODES.has(code))) {
    return { condition: { type: 'timeout' }, cause: error };
  }
  if (chain.some((link) => CUT_STREAM_MESSAGES.test(link.message))) return { condition: { type: 'truncated_stream' }, cause: error };
  // Before the network: "Unterminated string in JSON" is a parser's complaint, not a cut connection.
  if (chain.some((link) => link.name === 'SyntaxError' || JSON_MESSAGES.test(link.message))) {
    return { condition: { type: phase === 'stream' ? 'malformed_event' : 'malformed_body' }, detail: 'not valid JSON', cause: error };
  }
  if ((code && NETWORK_CODES.has(code)) || chain.some((link) => NETWORK_MESSAGES.test(link.message))) {
    if (phase === 'stream') return { condition: { type: 'truncated_stream' }, detail: 'the connection broke', cause: error };
    return { condition: { type: 'connection' }, ...(code ? { detail: code } : {}), cause: error };
  }
  return undefined;
}

function redirectIn(error: unknown): UpstreamRedirect | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    if (current instanceof UpstreamRedirect) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

interface Link {
  name: string;
  message: string;
  /** A Node system error code, when it looks like one (ECONNREFUSED, UND_ERR_SOCKET). */
  code: string | undefined;
}

/** The error and its causes (fetch wraps the socket error; the SDKs wrap fetch's), at most a few deep. */
function causeChain(error: unknown): Link[] {
  const links: Link[] = [];
  let current: unknown = error;
  while (typeof current === 'object' && current !== null && links.length < 5) {
    const { name, message, code, cause } = current as { name?: unknown; message?: unknown; code?: unknown; cause?: unknown };
    links.push({
      name: typeof name === 'string' ? name : '',
      message: typeof message === 'string' ? message : '',
      code: typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code) ? code : undefined,
    });
    if (cause === current) break;
    current = cause;
  }
  return links;
}
