// POST /v1/chat/completions (and /chat/completions) as the intake before Fastify serves it
// (../shim-intake.ts): answered by the same chat-answer.ts as the Fastify route in
// openai-surface.ts, failures worded by the same map-error.ts.
import type { GovernedCompletion } from '../../core/governance/governed-completion.js';
import { bodyShape, shimRefusals } from '../refused-requests.js';
import type { ShimIntakeRoute } from '../shim-intake.js';
import { answerChat } from './chat-answer.js';
import { mapError } from './map-error.js';

export function openaiChatRoute(completion: GovernedCompletion, bodyLimit: number): ShimIntakeRoute<undefined> {
  const refusals = shimRefusals(completion, 'openai');
  return {
    route: '/v1/chat/completions',
    // The unprefixed path answers too (server/unprefixed-paths.ts).
    paths: ['/v1/chat/completions', '/chat/completions'],
    surface: 'OpenAI',
    newState: () => undefined,
    answer: (key, body, exchange) => answerChat(completion, key, body, exchange),
    refused: (source, key, body, error) => refusals.record(source, key, bodyShape('chat', body), error),
    mapError: (error) => mapError(error, { bodyLimit }),
  };
}
