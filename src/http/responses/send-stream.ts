// `stream: true` on POST /v1/responses: canonical chunks → named SSE events
// (`event: response.output_text.delta` + `data: {…}`) through the shared pump
// (../sse-stream.ts): the response opens with the first model output, so a
// failure before it keeps its real HTTP status and error body; after it, a
// failure ends the stream with response.failed and an error event. No [DONE]:
// the Responses stream ends after response.completed.
import type { FastifyReply } from 'fastify';
import type { StreamChunk } from '../../../gen/llmgateway/v1/chat_pb.js';
import { pumpSse, sseTypedEvent, type SseRequestContext, type SseStream } from '../sse-stream.js';
import { routeHeaders } from '../openai/gateway-headers.js';
import { warningsHeader } from './param-names.js';
import type { OpenAIErrorBody } from '../openai/openai-wire.js';
import { mapResponsesError } from './map-error.js';
import type { ResponsesStreamRenderer } from './render-stream.js';
import type { StreamEvent } from './responses-wire.js';

export async function sendResponsesStream(
  reply: FastifyReply,
  chunks: AsyncIterable<StreamChunk>,
  renderer: ResponsesStreamRenderer,
  context: SseRequestContext,
  /** How this request's canonical fields are named (param-names.ts withOrigins). */
  paramName?: (field: string) => string,
): Promise<void> {
  const stream: SseStream<StreamEvent, OpenAIErrorBody> = {
    renderer,
    encode: (payload) =>
      'type' in payload ? sseTypedEvent(payload) : renderer.failed(payload.error).map((event) => sseTypedEvent(event)).join(''),
    headers: () => ({ ...routeHeaders(renderer.route), ...warningsHeader(renderer.warnings, renderer.identity.summarizeReasoning), ...context.extraHeaders?.() }),
    terminator: '',
    mapError: (error) => mapResponsesError(error, paramName ? { paramName } : {}),
    logFields: (mapped) => ({ status: mapped.status, code: mapped.body.error.code }),
  };
  await pumpSse(reply, chunks, stream, context);
}
