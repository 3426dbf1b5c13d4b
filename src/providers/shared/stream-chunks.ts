// Canonical stream chunks every family's adapter and stream mapper emit.
import { create } from '@bufbuild/protobuf';
import { StreamChunkSchema, type StreamChunk, type Warning } from '../../../gen/llmgateway/v1/chat_pb.js';

/** A request-level warning (choice 0); adapters send the converter's warnings before the first delta. */
export function warningChunk(warning: Warning, choiceIndex = 0): StreamChunk {
  return create(StreamChunkSchema, { choiceIndex, event: { case: 'warning', value: warning } });
}
