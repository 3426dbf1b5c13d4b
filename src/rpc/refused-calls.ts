// A CompletionService call without its `chat` (an authenticated key, no request to make): refused
// as invalid_argument, and logged as the REST shims log a request they refuse before the pipeline
// (http/refused-requests.ts), so that every refused call of a known key is in the request log.
import type { GovernedCompletion } from '../core/governance/governed-completion.js';
import { invalidArgument, type GatewayError } from '../domain/gateway-error.js';
import type { RequestContext } from '../domain/request-context.js';
import type { VirtualKeyRecord } from '../domain/virtual-key.js';

/** The error to throw; its row is written. */
export function refusedWithoutChat(completion: Pick<GovernedCompletion, 'refused'>, key: VirtualKeyRecord, context: RequestContext, stream: boolean): GatewayError {
  const error = invalidArgument('chat', 'is required');
  completion.refused({ key, context, operation: 'chat', requestedModel: '', stream, error });
  return error;
}
