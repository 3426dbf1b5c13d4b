// Canonical stream chunks every family's adapter and stream mapper emit.
import { create } from '@bufbuild/protobuf';
import { StreamChunkSchema, type StreamChunk, type Warning } from '../../../gen/llmgateway/v1/chat_pb.js';

/** A request-level warning (choice 0); adapters send the converter's warnings before the first delta. */
export function warningChunk(warning: Warning, choiceIndex = 0): StreamChunk {
  return create(StreamChunkSchema, { choiceIndex, event: { case: 'warning', value: warning } });
}

/** What a family's StreamMapper says once the upstream stream is over. */
export interface StreamEnd {
  /** The stream ended properly (every choice finished; Anthropic: message_stop came); otherwise it was cut. */
  complete: boolean;
  /** Chunks held back until the end (the usage chunk, where the family reports usage last). */
  chunks: StreamChunk[];
  /** The finish reason with which the upstream said it stopped the answer early (OpenAI family: map-finish-reason.ts). */
  cutShort?: string;
}
