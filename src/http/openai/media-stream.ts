// A streamed media answer on the OpenAI surface, each part written as it
// arrives: server-sent events (a transcription asked with `stream: true`,
// speech with `stream_format: "sse"`) as `data: <event>\n\n`, OpenAI's
// framing, or speech audio bytes with the upstream's content type. The
// response opens with the first part, so an upstream that fails before
// sending anything keeps its real status (the shim's error handler answers).
// After that there is no status to give: an event stream ends with a final
// `data: {"error": …}` event in OpenAI's error shape (what OpenAI sends when a
// stream fails, and what the openai SDK raises as an APIError); an audio
// stream is cut, so its client sees an incomplete body rather than a clean
// end. A client that left is not written to, and the parts are always closed,
// which ends the upstream call.
import type { StreamedMediaBody, MediaStreamPart } from '../../domain/media.js';
import { closedUnopenedStream } from '../client-abort.js';
import { sseData } from '../sse-stream.js';
import { SseWriter } from '../sse-writer.js';
import type { ShimLog, ShimReply } from '../shim-reply.js';
import { mapError } from './map-error.js';

export interface MediaStreamContext {
  /** Aborted when the client leaves (client-abort.ts). */
  signal: AbortSignal;
  log: ShimLog;
}

export async function sendMediaStream(reply: ShimReply, body: StreamedMediaBody, context: MediaStreamContext): Promise<void> {
  const parts = body.parts[Symbol.asyncIterator]();
  const open = () => (body.kind === 'events' ? SseWriter.open(reply) : SseWriter.open(reply, {}, body.contentType));
  let writer: SseWriter | undefined;
  try {
    for (;;) {
      const next = await parts.next();
      if (next.done) break;
      const encoded = encode(next.value);
      if (encoded === undefined) continue;
      writer ??= open();
      await writer.write(encoded);
      if (writer.closed) return void (await closeQuietly(parts));
    }
    (writer ?? open()).end();
  } catch (error) {
    await closeQuietly(parts);
    if (!writer) {
      if (closedUnopenedStream(reply, context, error, 'media stream')) return;
      throw error; // → the shim's error handler: a real status and error body
    }
    const mapped = mapError(error);
    if (mapped.unexpected) context.log.error({ err: error }, 'media stream failed after it began');
    else if (!context.signal.aborted) context.log.info({ status: mapped.status, code: mapped.body.error.code }, 'media stream ended with an error');
    if (context.signal.aborted || writer.closed || body.kind === 'audio') return writer.destroy();
    await writer.write(sseData(mapped.body));
    writer.end();
  }
}

function encode(part: MediaStreamPart): string | Uint8Array | undefined {
  if (part.kind === 'event') return sseData(part.event);
  return part.kind === 'bytes' ? part.bytes : undefined;
}

/** Ends the parts (and with them the upstream call); a failure while doing so changes nothing. */
async function closeQuietly(parts: AsyncIterator<MediaStreamPart>): Promise<void> {
  try {
    await parts.return?.();
  } catch {
    // Already ending: the error being handled, if any, is the one that matters.
  }
}
