// The control flow both REST shims share for a streamed answer (each shim's
// send-stream.ts fills in its renderer, framing and error answer): canonical
// chunks in, wire events out. The response (status + headers) opens with the
// first chunk that carries model output, so a failure before it is answered
// with its real status by the shim's error handler; after it, every chunk is
// written as soon as the core yields it, and a failure becomes a final error
// event. A client that left is not written to; the core's generator is
// always closed so the upstream call ends.
import type { StreamChunk } from '../../gen/llmgateway/v1/chat_pb.js';
import { carriesOutput } from '../core/completion/output-chunks.js';
import { closedUnopenedStream } from './client-abort.js';
import { SseWriter } from './sse-writer.js';
import type { MappedError } from './shim-errors.js';
import type { ShimLog, ShimReply } from './shim-reply.js';

/** An unnamed SSE event: `data: <json>\n\n` (OpenAI's stream). */
export const sseData = (payload: unknown): string => `data: ${JSON.stringify(payload)}\n\n`;

/** A named SSE event: `event: <type>\ndata: <json>\n\n` (Anthropic's stream names each event by its type). */
export const sseTypedEvent = (payload: { type: string }): string => `event: ${payload.type}\ndata: ${JSON.stringify(payload)}\n\n`;

export interface SseStream<Event, ErrorBody> {
  /** Canonical chunks → wire events: push() per chunk, end() after the last one. */
  renderer: { push(chunk: StreamChunk): Event[]; end(): Event[] };
  /** Frames one event, or the final error body, as SSE text. */
  encode(event: Event | ErrorBody): string;
  /** Called just before the response opens; may throw to refuse (then the shim answers with a status). */
  beforeOpen?(): void;
  /** The response headers, read when it opens. */
  headers(): Record<string, string>;
  /** Written last on success (e.g. `data: [DONE]\n\n`), or nothing. */
  terminator: string;
  /** Written after the final error event (Gemini's JSON-array stream closes its array); nothing when absent. */
  errorTerminator?: string;
  /** The response's content-type; Server-Sent Events when absent. */
  contentType?: string;
  /** A failure after the response opened → the body of the final error event (the shim's map-error.ts). */
  mapError(error: unknown): MappedError<ErrorBody>;
  /** What the log line of a stream that ended with an error event says about it. */
  logFields(mapped: MappedError<ErrorBody>): object;
}

/** What a shim's route hands its send-stream.ts besides the chunks. */
export interface SseRequestContext {
  /** More headers, read when the response opens (rate limits, cache). */
  extraHeaders?: () => Record<string, string>;
  /** Aborted when the client leaves (see client-abort.ts). */
  signal: AbortSignal;
  log: ShimLog;
}

export async function pumpSse<Event, ErrorBody>(
  reply: ShimReply,
  chunks: AsyncIterable<StreamChunk>,
  pump: SseStream<Event, ErrorBody>,
  context: Pick<SseRequestContext, 'signal' | 'log'>,
): Promise<void> {
  const iterator = chunks[Symbol.asyncIterator]();
  // Events rendered before the first output: they leave with it, headers included, in one write.
  let held: Event[] = [];
  let writer: SseWriter | undefined;
  let finished = false;

  // No closures made per stream here: see docs/performance.md, "Closures made per request".
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      const out = pump.renderer.push(next.value);
      if (writer) {
        if (out.length > 0) await writer.write(encodedAll(pump, out));
      } else {
        held = held.concat(out);
        if (carriesOutput(next.value)) {
          writer = openStream(reply, pump);
          await writer.write(encodedAll(pump, held));
          held = [];
        }
      }
    }
    finished = true;
    const end = held.concat(pump.renderer.end());
    writer ??= openStream(reply, pump);
    if (end.length > 0) await writer.write(encodedAll(pump, end));
    writer.end(pump.terminator === '' ? undefined : pump.terminator);
  } catch (error) {
    if (!finished) await closeQuietly(iterator);
    if (!writer) {
      if (closedUnopenedStream(reply, context, error, 'event stream')) return;
      throw error; // → the shim's error handler: a real status and error body
    }
    if (context.signal.aborted || writer.closed) {
      writer.destroy();
      return;
    }
    const mapped = pump.mapError(error);
    if (mapped.unexpected) context.log.error({ err: error }, 'stream failed after it began');
    else context.log.info(pump.logFields(mapped), 'stream ended with an error event');
    await writer.write(pump.encode(mapped.body));
    writer.end(pump.errorTerminator);
  }
}

/** Opens the response (its headers leave with its first write). */
function openStream<Event, ErrorBody>(reply: ShimReply, pump: SseStream<Event, ErrorBody>): SseWriter {
  pump.beforeOpen?.();
  return SseWriter.open(reply, pump.headers(), pump.contentType);
}

/** The events as the text of one write. */
function encodedAll<Event, ErrorBody>(pump: SseStream<Event, ErrorBody>, events: readonly Event[]): string {
  let text = '';
  for (const event of events) text += pump.encode(event);
  return text;
}

/** Lets the core's generator run its cleanup (it closes the upstream stream). */
async function closeQuietly(iterator: AsyncIterator<StreamChunk>): Promise<void> {
  try {
    await iterator.return?.();
  } catch {
    // Already failed: the error being handled is the one that matters.
  }
}
