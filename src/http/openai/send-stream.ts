// `stream: true`: canonical chunks → `data: {chat.completion.chunk}\n\n`
// events, then `data: [DONE]\n\n`, through the shared pump (../sse-stream.ts:
// headers with the first output, so a failure before it — unknown model, the
// upstream's 429 / 401 / 5xx, `n` refused — keeps its real HTTP status and
// error body, as OpenAI does; after it, a failure is a final
// `data: {"error": …}` event without [DONE]). The opening
// `{role: "assistant"}` chunk goes out with the first output; the core's route
// event (sent as output begins) gives x-gateway-provider / -upstream-model /
// -route / -attempts, and warnings known by then go into `x-gateway-warnings`.
import type { RouteInfo, StreamChunk, Warning } from '../../../gen/llmgateway/v1/chat_pb.js';
import { pumpSse, sseData, type SseRequestContext, type SseStream } from '../sse-stream.js';
import { assertCandidatesHonoured } from './candidate-count.js';
import { StreamRenderer } from './render-stream.js';
import { routeHeaders, warningsHeader } from './gateway-headers.js';
import { mapError } from './map-error.js';
import type { OpenAIChatCompletionChunk, OpenAIErrorBody } from './openai-wire.js';
import type { ShimReply } from '../shim-reply.js';

export interface ChatStreamOptions extends SseRequestContext {
  includeUsage: boolean;
  /** Requested number of choices. */
  n: number;
}

export async function sendChatStream(reply: ShimReply, chunks: AsyncIterable<StreamChunk>, options: ChatStreamOptions): Promise<void> {
  const renderer = new StreamRenderer({ includeUsage: options.includeUsage });
  await pumpSse(reply, chunks, openAISseStream<OpenAIChatCompletionChunk>(renderer, options), options);
}

/** A renderer of OpenAI-shaped events that also collects the route and the warnings for the headers. */
export type OpenAIEventRenderer<Event> = SseStream<Event, OpenAIErrorBody>['renderer'] & {
  readonly route: RouteInfo | undefined;
  readonly warnings: Warning[];
};

/** OpenAI's SSE framing, shared by chat and text completions: `data:` events, `[DONE]`, OpenAI error bodies. */
export function openAISseStream<Event>(renderer: OpenAIEventRenderer<Event>, options: SseRequestContext & { n: number }): SseStream<Event, OpenAIErrorBody> {
  return {
    renderer,
    encode: sseData,
    beforeOpen: () => assertCandidatesHonoured(options.n, renderer.warnings),
    headers: () => ({ ...routeHeaders(renderer.route), ...warningsHeader(renderer.warnings), ...options.extraHeaders?.() }),
    terminator: 'data: [DONE]\n\n',
    mapError: (error) => mapError(error),
    logFields: (mapped) => ({ status: mapped.status, code: mapped.body.error.code }),
  };
}
