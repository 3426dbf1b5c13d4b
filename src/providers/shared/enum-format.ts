// Gemini's enum mode (ResponseFormatType.ENUM, `text/x.enum`) answers a bare
// enum value as plain text. No other family has it: OpenAI's json_schema wants
// an object at the root, and an answer rewrapped as JSON (or unconstrained
// text) is not what the client asked for. So it is refused before any call
// (ProviderAdapter.refusal): a route passes over the target, a lone one is a 400.
import { ResponseFormatType, type ChatRequest } from '../../../gen/llmgateway/v1/chat_pb.js';
import { invalidArgument, type GatewayError } from '../../domain/gateway-error.js';

export function enumFormatRefusal(request: ChatRequest, label: string): GatewayError | undefined {
  if (request.responseFormat?.type !== ResponseFormatType.ENUM) return undefined;
  return invalidArgument(
    'response_format.type',
    `${label} has no enum mode (text/x.enum); ask for JSON (application/json with a schema), or use a model on a Gemini provider`,
  );
}
