// The request-log row of a Completion call refused before its request message was decoded — a body
// over the size limit, one that does not decode (bad JSON, a wrong type, malformed protobuf), a
// missing or extra message, an encoding or a deadline header it cannot take — once its key is known,
// as the REST shims log the bodies they refuse (http/refused-requests.ts). connect-es, and the fast
// path in its order, decode the message before the interceptors check the key, so the key is checked
// here, after such a refusal only. A call whose key is missing or wrong has no row, nor one the
// in-flight cap refused (it was never served). Everything after the decode is logged by the pipeline,
// or by refused-calls.ts.
import { Code, ConnectError, createContextKey, type HandlerContext } from '@connectrpc/connect';
import { credentialFromHeaders, type KeyAuthenticator } from '../core/auth/authenticate-key.js';
import type { GovernedCompletion } from '../core/governance/governed-completion.js';
import { GatewayError, type GatewayErrorKind } from '../domain/gateway-error.js';
import type { RequestContext } from '../domain/request-context.js';
import type { RequestOperation } from '../domain/request-log.js';
import { contextOf, overCapacityKey } from './request-context-key.js';

export interface RefusedBody {
  operation: RequestOperation;
  /** The key as the call presented it. */
  credential: string | undefined;
  context: RequestContext;
  stream: boolean;
  /** What the client is answered. */
  error: ConnectError;
}

export type RefusalLogParts = { completion: Pick<GovernedCompletion, 'refused'>; authenticator: KeyAuthenticator };

/** What connect-es says of an undecodable binary message; the client is told invalid_argument (parse-failure-code.ts). */
const PARSE_FAILURE = 'parse binary: ';

/** The row's kind for a refusal of the body; undefined for what is not one (a client gone, a deadline, the key). */
function kindOf(error: ConnectError): GatewayErrorKind | undefined {
  switch (error.code) {
    case Code.InvalidArgument:
      return 'invalid_argument';
    case Code.ResourceExhausted:
      // Only the body's size (readMaxBytes) is refused so before the decode: what the shims log as payload_too_large.
      return 'payload_too_large';
    case Code.Unimplemented:
      return 'unimplemented';
    case Code.Internal:
      return error.rawMessage.startsWith(PARSE_FAILURE) ? 'invalid_argument' : undefined;
    default:
      return undefined;
  }
}

/** Writes the row once the key authenticates; never fails (a row never fails a request). */
export async function recordRefusedBody(parts: RefusalLogParts, refused: RefusedBody): Promise<void> {
  const kind = kindOf(refused.error);
  if (kind === undefined) return;
  let key;
  try {
    key = await parts.authenticator.authenticate(refused.credential);
  } catch {
    return;
  }
  const error = new GatewayError(kind, refused.error.rawMessage);
  parts.completion.refused({ key, context: refused.context, operation: refused.operation, requestedModel: '', stream: refused.stream, error });
}

/** Set by the handlers when connect-es hands them the decoded message: from then on the pipeline logs the call. */
export const messageDecodedKey = createContextKey<boolean>(false, { description: 'the request message was decoded' });

const headerOf = (headers: Headers, name: string) => headers.get(name);

/** The methods that make a row (a token count or a model list makes none, as on the shims). */
const OPERATIONS: Readonly<Record<string, RequestOperation>> = { Complete: 'chat', StreamComplete: 'chat', Embed: 'embeddings' };

/**
 * connect-es's request gate (it runs before the body is read) for CompletionService: when the call
 * ends with a ConnectError before its handler got the message, the row is written. connect-es ends
 * every call by aborting its context with the error it answered.
 */
export function refusedBodyGate(parts: RefusalLogParts): (context: HandlerContext) => void {
  return (context) => {
    const operation = OPERATIONS[context.method.name];
    if (operation === undefined || context.values.get(overCapacityKey)) return;
    const signal = context.signal;
    signal.addEventListener(
      'abort',
      () => {
        if (context.values.get(messageDecodedKey) || !(signal.reason instanceof ConnectError)) return;
        void recordRefusedBody(parts, {
          operation,
          credential: credentialFromHeaders(context.requestHeader, headerOf),
          context: contextOf(context.values),
          stream: context.method.methodKind === 'server_streaming',
          error: signal.reason,
        });
      },
      { once: true },
    );
  };
}
