// The bytes of a StreamCompleteResponse whose chunk is a text delta — most of a stream's messages —
// written straight from the chunk's strings, in the order and form protobuf-es's toBinary writes them
// (fields in number order, proto3 zero values left out): one buffer per chunk, without the
// reflection over the schema that toBinary does for every message, nor an encoded chunk copied again
// into its wrapper. Any other chunk, a refusal's delta (rare), one with its tokens' log probabilities
// (asked for), or one carrying unknown fields, returns undefined and is encoded by toBinary. test/rpc/text-delta-bytes.test.ts checks the bytes against toBinary's.
//
// Wire format (https://protobuf.dev/programming-guides/encoding/): a tag is (field number << 3) |
// wire type, lengths and int32 values are varints, strings UTF-8 with their length before them.
//   StreamCompleteResponse { StreamChunk chunk = 1; }
//   StreamChunk { int32 choice_index = 1; oneof event { … TextDelta text_delta = 3; … } }
//   TextDelta { string text = 1; string signature = 2; bool refusal = 3; repeated TokenLogprob logprobs = 4; }
import type { StreamChunk } from '../../../gen/llmgateway/v1/chat_pb.js';
import { varintLength, writeVarint } from './varint.js';

/** Field 1, wire type 2 (length-delimited): the wrapper's chunk, and TextDelta's text. */
const FIELD_1_BYTES = 0x0a;
/** Field 1, wire type 0 (varint): StreamChunk's choice_index. */
const FIELD_1_VARINT = 0x08;
/** Field 2, wire type 2: TextDelta's signature. */
const FIELD_2_BYTES = 0x12;
/** Field 3, wire type 2: StreamChunk's text_delta. */
const FIELD_3_BYTES = 0x1a;

export function textDeltaResponseBytes(chunk: StreamChunk): Buffer | undefined {
  const { event, choiceIndex } = chunk;
  if (event.case !== 'textDelta' || event.value.refusal || event.value.logprobs.length > 0 || chunk.$unknown !== undefined || event.value.$unknown !== undefined) {
    return undefined;
  }
  // A negative int32 is ten bytes of sign-extended varint: left to toBinary.
  if (!(choiceIndex >= 0)) return undefined;
  const { text, signature } = event.value;
  const textLength = text === '' ? 0 : Buffer.byteLength(text, 'utf8');
  const signatureLength = signature === '' ? 0 : Buffer.byteLength(signature, 'utf8');
  const deltaLength = fieldLength(textLength) + fieldLength(signatureLength);
  const chunkLength = (choiceIndex === 0 ? 0 : 1 + varintLength(choiceIndex)) + 1 + varintLength(deltaLength) + deltaLength;
  const bytes = Buffer.allocUnsafe(1 + varintLength(chunkLength) + chunkLength);
  let position = 0;
  bytes[position++] = FIELD_1_BYTES;
  position = writeVarint(bytes, position, chunkLength);
  if (choiceIndex !== 0) {
    bytes[position++] = FIELD_1_VARINT;
    position = writeVarint(bytes, position, choiceIndex);
  }
  bytes[position++] = FIELD_3_BYTES;
  position = writeVarint(bytes, position, deltaLength);
  if (textLength > 0) position = writeString(bytes, position, FIELD_1_BYTES, text, textLength);
  if (signatureLength > 0) writeString(bytes, position, FIELD_2_BYTES, signature, signatureLength);
  return bytes;
}

/** A string field's bytes: tag, length, UTF-8 (none when empty). */
function fieldLength(byteLength: number): number {
  return byteLength === 0 ? 0 : 1 + varintLength(byteLength) + byteLength;
}

function writeString(bytes: Buffer, position: number, tag: number, value: string, byteLength: number): number {
  bytes[position++] = tag;
  position = writeVarint(bytes, position, byteLength);
  return position + bytes.write(value, position, byteLength, 'utf8');
}
