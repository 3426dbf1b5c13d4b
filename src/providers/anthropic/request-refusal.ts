// What Anthropic cannot give at all, known before any call (ProviderAdapter.refusal): the core then passes
// over an Anthropic target, or refuses the request when the route has no other (core/routing/servable-targets.ts).
// - Several choices: the Messages API returns one message per request and has no `n`
//   (https://platform.claude.com/docs/en/api/messages). Answering one of n would change the answer's shape
//   (and, refused only after the call, cost a completion the client never sees).
// - Log probabilities: the Messages API has no such parameter nor answer field
//   (https://platform.claude.com/docs/en/api/messages), and its OpenAI-compatible endpoint ignores
//   `logprobs` (https://platform.claude.com/docs/en/api/openai-sdk): answering without them would pass for
//   a model that has none to give.
// - Another vendor's field whose answer Anthropic cannot produce (convert-options.ts).
// - Gemini's enum mode (../shared/enum-format.ts).
// - A document it cannot read: another file type than PDF or text, a URL that is not a PDF's (convert-document.ts).
import type { ChatRequest } from '../../../gen/llmgateway/v1/chat_pb.js';
import { invalidArgument, type GatewayError } from '../../domain/gateway-error.js';
import { optionsRefusal } from './convert-options.js';
import { enumFormatRefusal } from '../shared/enum-format.js';
import { documentRefusal } from '../shared/documents.js';
import { documentCheck } from './convert-document.js';

export function requestRefusal(request: ChatRequest, providerId: string): GatewayError | undefined {
  if (request.candidateCount !== undefined && request.candidateCount > 1) {
    return invalidArgument(
      'chat.candidate_count',
      `provider ${providerId} (anthropic) returns one choice per request; ask for one, or use a model on an OpenAI-family or Gemini provider`,
    );
  }
  if (request.logprobs) {
    return invalidArgument(
      'chat.logprobs',
      `provider ${providerId} (anthropic) cannot return log probabilities; leave them out, or use a model on an OpenAI-family or Gemini provider`,
    );
  }
  return (
    enumFormatRefusal(request, `provider ${providerId} (anthropic)`) ?? optionsRefusal(request) ?? documentRefusal(request, documentCheck)
  );
}
