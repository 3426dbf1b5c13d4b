// `stream: true`: canonical chunks → `event: <type>\ndata: <json>\n\n`
// Anthropic stream events (render-stream.ts), through the shared pump
// (../sse-stream.ts: headers with the first output, errors after it as a final
// `event: error`). message_start and the first block go out with the first
// output; the core's route event (sent as output begins) gives
// x-gateway-provider / -upstream-model / -route / -attempts, and warnings known
// by then go into `x-gateway-warnings`.
import type { StreamChunk, Warning } from '../../../gen/llmgateway/v1/chat_pb.js';
import { pumpSse, sseTypedEvent, type SseRequestContext, type SseStream } from '../sse-stream.js';
import type { AnthropicErrorBody, AnthropicStreamEvent } from './anthropic-wire.js';
import { routeHeaders, warningsHeader } from './gateway-headers.js';
import { mapError } from './map-error.js';
import { StreamRenderer } from './render-stream.js';
import type { ShimReply } from '../shim-reply.js';

export interface MessagesStreamOptions extends SseRequestContext {
  stopSequences: readonly string[];
  systemOffset: number;
  /** Warnings the shim found while parsing the request (Anthropic names). */
  shimWarnings: readonly Warning[];
  requestId: string;
}

export async function sendMessagesStream(reply: ShimReply, chunks: AsyncIterable<StreamChunk>, options: MessagesStreamOptions): Promise<void> {
  const renderer = new StreamRenderer({ stopSequences: options.stopSequences });
  const stream: SseStream<AnthropicStreamEvent, AnthropicErrorBody> = {
    renderer,
    encode: sseTypedEvent,
    headers: () => ({
      ...routeHeaders(renderer.route),
      ...warningsHeader(renderer.warnings, options.shimWarnings, options.systemOffset),
      ...options.extraHeaders?.(),
    }),
    terminator: '',
    mapError: (error) => mapError(error, { requestId: options.requestId, systemOffset: options.systemOffset }),
    logFields: (mapped) => ({ status: mapped.status, type: mapped.body.error.type }),
  };
  await pumpSse(reply, chunks, stream, options);
}
