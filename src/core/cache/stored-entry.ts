// What the cache keeps: the protobuf binary form of the answer. It is the
// size the byte bound counts (honestly, not an estimate of object graphs), it
// cannot be mutated by anyone holding a returned answer, and every decode is a
// fresh copy.
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { BinaryReader, BinaryWriter } from '@bufbuild/protobuf/wire';
import {
  ChatResponseSchema,
  StreamChunkSchema,
  type ChatResponse,
  type StreamChunk,
} from '../../../gen/llmgateway/v1/chat_pb.js';

export type StoredEntry =
  | { kind: 'unary'; bytes: Uint8Array }
  /** The chunks of one complete stream, each length-delimited, in order. */
  | { kind: 'stream'; bytes: Uint8Array; chunkCount: number };

/** Bookkeeping counted per entry on top of its bytes and key (the LRU's node, the entry object). */
export const ENTRY_OVERHEAD_BYTES = 96;

export function encodeResponse(response: ChatResponse): StoredEntry {
  return { kind: 'unary', bytes: toBinary(ChatResponseSchema, response) };
}

export function encodeStream(chunks: readonly StreamChunk[]): StoredEntry {
  const writer = new BinaryWriter();
  for (const chunk of chunks) writer.bytes(toBinary(StreamChunkSchema, chunk));
  return { kind: 'stream', bytes: writer.finish(), chunkCount: chunks.length };
}

/** A fresh ChatResponse (its bytes fields do not alias the stored buffer). */
export function decodeResponse(bytes: Uint8Array): ChatResponse {
  return fromBinary(ChatResponseSchema, bytes.slice());
}

/** Fresh chunks, in the stored order. */
export function* decodeStream(bytes: Uint8Array): Generator<StreamChunk> {
  const reader = new BinaryReader(bytes.slice());
  while (reader.pos < reader.len) yield fromBinary(StreamChunkSchema, reader.bytes());
}

export function entrySize(key: string, entry: StoredEntry): number {
  return entry.bytes.byteLength + key.length + ENTRY_OVERHEAD_BYTES;
}
