// The control flow both REST shims share for a streamed answer: canonical
// chunks in, wire events out. The response (status + headers) opens with the
// first chunk that carries model output, so a failure before it is answered
// with its real status by the shim's error handler; after it, every chunk is
// written as soon as the core yields it, and a failure becomes a final error
// event. A client that left is not written to; the core's generator is
// always closed so the upstream call ends.
import type { FastifyBaseLogger, FastifyReply } from 'fastify';
import type { StreamChunk } from '../../gen/llmgateway/v1/chat_pb.js';
import { SseWriter } from './sse-writer.js';

/** Chunk kinds that carry model output: the first of them opens the HTTP response. */
const OUTPUT_EVENTS = new Set<StreamChunk['event']['case']>(['textDelta', 'reasoningDelta', 'toolCallStart', 'toolCallDelta', 'finish', 'usage']);

export interface SsePump<Event> {
  /** One canonical chunk → zero or more wire events. */
  push(chunk: StreamChunk): Event[];
  /** Events after the last chunk (and before the terminator). */
  end(): Event[];
  /** Encodes events as one SSE text (written in one write). */
  encode(events: Event[]): string;
  /** Called just before the response opens; may throw to refuse (then the shim answers with a status). */
  beforeOpen?(): void;
  /** The response headers, read when it opens. */
  headers(): Record<string, string>;
  /** Written last on success (e.g. `data: [DONE]\n\n`), or nothing. */
  terminator: string;
  /** The final error event for a failure after the response opened. */
  errorEvent(error: unknown): { text: string; unexpected: boolean; logFields: object };
}

export async function pumpSse<Event>(
  reply: FastifyReply,
  chunks: AsyncIterable<StreamChunk>,
  pump: SsePump<Event>,
  context: { signal: AbortSignal; log: FastifyBaseLogger },
): Promise<void> {
  const iterator = chunks[Symbol.asyncIterator]();
  const held: Event[] = [];
  let writer: SseWriter | undefined;
  let finished = false;

  const writeAll = async (target: SseWriter, events: Event[]) => {
    if (events.length > 0) await target.write(pump.encode(events));
  };
  const open = async (): Promise<SseWriter> => {
    pump.beforeOpen?.();
    const opened = SseWriter.open(reply, pump.headers());
    writer = opened;
    await writeAll(opened, held.splice(0));
    return opened;
  };

  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      const out = pump.push(next.value);
      if (writer) {
        await writeAll(writer, out);
      } else {
        held.push(...out);
        if (OUTPUT_EVENTS.has(next.value.event.case)) await open();
      }
    }
    finished = true;
    const opened = writer ?? (await open());
    await writeAll(opened, pump.end());
    opened.end(pump.terminator === '' ? undefined : pump.terminator);
  } catch (error) {
    if (!finished) await closeQuietly(iterator);
    if (!writer) {
      // The client left before anything was sent (nobody to answer), or opening the
      // response itself failed after the hijack (Fastify can no longer answer).
      if (context.signal.aborted || reply.sent) {
        if (!context.signal.aborted) context.log.error({ err: error }, 'could not open the event stream');
        if (!reply.sent) reply.hijack();
        reply.raw.destroy();
        return;
      }
      throw error; // → the shim's error handler: a real status and error body
    }
    if (context.signal.aborted || writer.closed) {
      writer.destroy();
      return;
    }
    const event = pump.errorEvent(error);
    if (event.unexpected) context.log.error({ err: error }, 'stream failed after it began');
    else context.log.info(event.logFields, 'stream ended with an error event');
    await writer.write(event.text);
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
