// `stream: true`: canonical chunks → `event: <type>\ndata: <json>\n\n`
// Anthropic stream events (stream-converter.ts).
//
// The 200 and its headers go out with the first chunk that carries model
// output (text, reasoning, a tool call, a finish or usage); message_start and
// the first block go with it. Until then nothing the client could use exists,
// and holding the headers means a failure before any output (unknown model,
// the upstream's 429 / 401 / 5xx) is answered with its real HTTP status and
// Anthropic error body, which the official SDK turns into its error classes.
// Warnings known by then go into `x-gateway-warnings`; the core's route event
// (sent as output begins) gives x-gateway-provider / -upstream-model / -route / -attempts.
//
// After the first write every event is written as soon as the core yields it;
// a failure becomes a final `event: error` and the response ends.
import type { FastifyBaseLogger, FastifyReply } from 'fastify';
import type { StreamChunk, Warning } from '../../../gen/llmgateway/v1/chat_pb.js';
import { SseWriter } from '../sse-writer.js';
import type { AnthropicErrorBody, AnthropicStreamEvent } from './anthropic-wire.js';
import { routeHeaders, warningsHeader } from './gateway-headers.js';
import { mapError } from './map-error.js';
import { StreamConverter } from './stream-converter.js';

export interface MessagesStreamOptions {
  stopSequences: readonly string[];
  /** More headers, read when the response opens (rate limits, cache). */
  extraHeaders?: () => Record<string, string>;
  systemOffset: number;
  /** Warnings the shim found while parsing the request (Anthropic names). */
  shimWarnings: readonly Warning[];
  /** Aborted when the client leaves (see client-abort.ts). */
  signal: AbortSignal;
  requestId: string;
  log: FastifyBaseLogger;
}

/** Chunk kinds that carry model output: the first of them opens the HTTP response. */
const OUTPUT_EVENTS = new Set<StreamChunk['event']['case']>(['textDelta', 'reasoningDelta', 'toolCallStart', 'toolCallDelta', 'finish', 'usage']);

export const sseEvent = (event: AnthropicStreamEvent | AnthropicErrorBody): string => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;

export async function sendMessagesStream(reply: FastifyReply, chunks: AsyncIterable<StreamChunk>, options: MessagesStreamOptions): Promise<void> {
  const converter = new StreamConverter({ stopSequences: options.stopSequences });
  const iterator = chunks[Symbol.asyncIterator]();
  const held: AnthropicStreamEvent[] = [];
  let writer: SseWriter | undefined;
  let finished = false;

  const open = async (): Promise<SseWriter> => {
    const opened = SseWriter.open(reply, {
      ...routeHeaders(converter.route),
      ...warningsHeader(converter.warnings, options.shimWarnings, options.systemOffset),
      ...options.extraHeaders?.(),
    });
    writer = opened;
    await writeAll(opened, held.splice(0));
    return opened;
  };

  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      const out = converter.push(next.value);
      if (writer) {
        await writeAll(writer, out);
      } else {
        held.push(...out);
        if (OUTPUT_EVENTS.has(next.value.event.case)) await open();
      }
    }
    finished = true;
    const opened = writer ?? (await open());
    await writeAll(opened, converter.end());
    opened.end();
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
    const mapped = mapError(error, { requestId: options.requestId, systemOffset: options.systemOffset });
    if (mapped.unexpected) options.log.error({ err: error }, 'stream failed after it began');
    else options.log.info({ status: mapped.status, type: mapped.body.error.type }, 'stream ended with an error event');
    await writer.write(sseEvent(mapped.body));
    writer.end();
  }
}

/** The events of one canonical chunk go out in one write, at once. */
async function writeAll(writer: SseWriter, events: AnthropicStreamEvent[]): Promise<void> {
  if (events.length > 0) await writer.write(events.map(sseEvent).join(''));
}

/** Lets the core's generator run its cleanup (it closes the upstream stream). */
async function closeQuietly(iterator: AsyncIterator<StreamChunk>): Promise<void> {
  try {
    await iterator.return?.();
  } catch {
    // Already failed: the error being handled is the one that matters.
  }
}
