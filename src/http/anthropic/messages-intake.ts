// POST /v1/messages as the intake before Fastify serves it (../shim-intake.ts): the `request-id`
// header set before the key is checked (Anthropic's SDKs read it), answered by the same
// messages-answer.ts as the Fastify route in anthropic-surface.ts, failures worded by the same
// map-error.ts with the request id and the parsed request's system offset.
import type { GovernedCompletion } from '../../core/governance/governed-completion.js';
import { bodyShape, shimRefusals } from '../refused-requests.js';
import type { ShimIntakeRoute } from '../shim-intake.js';
import { answerMessages, type MessagesState } from './messages-answer.js';
import { mapError } from './map-error.js';

export function anthropicMessagesRoute(completion: GovernedCompletion, bodyLimit: number): ShimIntakeRoute<MessagesState> {
  const refusals = shimRefusals(completion, 'anthropic');
  return {
    route: '/v1/messages',
    paths: ['/v1/messages'],
    surface: 'Anthropic',
    headersFor: (id) => ({ 'request-id': id }),
    newState: () => ({ systemOffset: 0 }),
    answer: (key, body, exchange, state) => answerMessages(completion, key, body, exchange, state),
    refused: (source, key, body, error) => refusals.record(source, key, bodyShape('chat', body), error),
    mapError: (error, id, state) => mapError(error, { requestId: id, systemOffset: state.systemOffset, bodyLimit }),
  };
}
