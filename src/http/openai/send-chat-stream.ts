// `stream: true`: canonical chunks → `data: {chat.completion.chunk}\n\n`
// events, then `data: [DONE]\n\n`.
//
// The 200 and its headers go out with the first chunk that carries model
// output (text, reasoning, a tool call, a finish or usage); the opening
// `{role: "assistant"}` chunk goes with it. Until then nothing the client
// could use exists, and holding the headers means a failure before any output
// (unknown model, the upstream's 429 / 401 / 5xx, `n` refused) is answered
// with its real HTTP status and error body, as OpenAI does, instead of a 200
// followed by an error event. Warnings known by then go into
// `x-gateway-warnings`; the core's route event, which comes as output begins,
// gives x-gateway-provider / -upstream-model / -route / -attempts.
//
// After the first write, every chunk is written as soon as the core yields it;
// a failure becomes a final `data: {"error": {…}}` event (no [DONE]).
import type { FastifyBaseLogger, FastifyReply } from 'fastify';
import type { StreamChunk } from '../../../gen/llmgateway/v1/chat_pb.js';
import { SseWriter } from '../sse-writer.js';
import { assertCandidatesHonoured } from './candidate-count.js';
import { ChunkConverter } from './chunk-converter.js';
import { routeHeaders, warningsHeader } from './gateway-headers.js';
import { mapError } from './map-error.js';
import type { OpenAIChatCompletionChunk } from './openai-wire.js';

export interface ChatStreamOptions {
  includeUsage: boolean;
  /** More headers, read when the response opens (rate limits, cache). */
  extraHeaders?: () => Record<string, string>;
  /** Requested number of choices. */
  n: number;
  /** Aborted when the client leaves (see client-abort.ts). */
  signal: AbortSignal;
  log: FastifyBaseLogger;
}

/** Chunk kinds that carry model output: the first of them opens the HTTP response. */
const OUTPUT_EVENTS = new Set<StreamChunk['event']['case']>(['textDelta', 'reasoningDelta', 'toolCallStart', 'toolCallDelta', 'finish', 'usage']);

export async function sendChatStream(reply: FastifyReply, chunks: AsyncIterable<StreamChunk>, options: ChatStreamOptions): Promise<void> {
  const converter = new ChunkConverter({ includeUsage: options.includeUsage });
  const iterator = chunks[Symbol.asyncIterator]();
  const held: OpenAIChatCompletionChunk[] = [];
  let writer: SseWriter | undefined;
  let finished = false;

  const open = async (): Promise<SseWriter> => {
    assertCandidatesHonoured(options.n, converter.warnings);
    const opened = SseWriter.open(reply, { ...routeHeaders(converter.route), ...warningsHeader(converter.warnings), ...options.extraHeaders?.() });
    writer = opened;
    for (const chunk of held.splice(0)) await opened.data(chunk);
    return opened;
  };

  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      const out = converter.push(next.value);
      if (writer) {
        for (const chunk of out) await writer.data(chunk);
      } else {
        held.push(...out);
        if (OUTPUT_EVENTS.has(next.value.event.case)) await open();
      }
    }
    finished = true;
    const opened = writer ?? (await open());
    for (const chunk of converter.end()) await opened.data(chunk);
    opened.end('data: [DONE]\n\n');
  } catch (error) {
    if (!finished) await closeQuietly(iterator);
    if (!writer) {
      // The client left before anything was sent (nobody to answer), or opening the
      // response itself failed after the hijack (Fastify can no longer answer).
      if (options.signal.aborted || reply.sent) {
        if (!options.signal.aborted) options.log.error({ err: error }, 'could not open the event stream');
        if (!reply.sent) reply.hijack();
        reply.raw.destroy();
        return;
      }
      throw error; // → the shim's error handler: a real status and error body
    }
    if (options.signal.aborted || writer.closed) {
      writer.destroy();
      return;
    }
    const mapped = mapError(error);
    if (mapped.unexpected) options.log.error({ err: error }, 'stream failed after it began');
    else options.log.info({ status: mapped.status, code: mapped.body.error.code }, 'stream ended with an error event');
    await writer.data(mapped.body);
    writer.end();
  }
}

/** Lets the core's generator run its cleanup (it closes the upstream stream). */
async function closeQuietly(iterator: AsyncIterator<StreamChunk>): Promise<void> {
  try {
    await iterator.return?.();
  } catch {
    // Already failed: the error being handled is the one that matters.
  }
}
