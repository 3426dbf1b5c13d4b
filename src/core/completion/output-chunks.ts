// Which stream chunks carry model output. A streamed answer's response opens with the first of
// them (the shims' SSE, the RPC fast path): the chunks before it (the start, warnings) say nothing
// a client can show yet, and a failure before it can still be answered with its real status.
import type { StreamChunk } from '../../../gen/llmgateway/v1/chat_pb.js';

const OUTPUT_EVENTS: ReadonlySet<StreamChunk['event']['case']> = new Set(['textDelta', 'reasoningDelta', 'toolCallStart', 'toolCallDelta', 'finish', 'usage']);

export function carriesOutput(chunk: StreamChunk): boolean {
  return OUTPUT_EVENTS.has(chunk.event.case);
}
