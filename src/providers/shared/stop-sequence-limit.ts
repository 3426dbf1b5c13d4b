// The most stop sequences a family takes. More would reach the upstream only to be refused with a 400 in
// its own words and field (OpenAI: "Invalid 'stop': array too long"; Gemini: "the number of stop_sequences
// must not exceed 5"), which names no field the client sent and ends a route there. So it is refused
// before any call (ProviderAdapter.refusal): a route passes over the target, a lone one is a 400 naming
// the client's field. OpenAI: "Up to 4 sequences"
// (https://platform.openai.com/docs/api-reference/chat/create#chat-create-stop), Azure OpenAI the same;
// Gemini: "up to 5" (https://ai.google.dev/api/generate-content#generationconfig).
import type { ChatRequest } from '../../../gen/llmgateway/v1/chat_pb.js';
import { invalidArgument, type GatewayError } from '../../domain/gateway-error.js';

export function stopSequencesRefusal(request: ChatRequest, limit: number | undefined, label: string): GatewayError | undefined {
  if (limit === undefined || request.stop.length <= limit) return undefined;
  return invalidArgument(
    'stop',
    `${label} takes at most ${limit} stop sequences, and ${request.stop.length} were sent; send fewer, or use a model that takes them`,
  );
}
