// messageBytes (src/rpc/fast-path/message-bytes.ts) against protobuf-es's toBinary: for every message
// type of the contract (and the well-known types it uses), messages filled at random — every scalar
// kind at its edges (negative int32 and enums, int64 extremes, -0, NaN, UTF-8 of every width and a lone
// surrogate), oneofs, explicit presence, packed and unpacked lists, nested and recursive messages,
// maps and Struct fields (left to toBinary), unknown fields — must encode to the same bytes.
import { describe, expect, it } from 'vitest';
import { create, fromBinary, ScalarType, toBinary, type DescField, type DescMessage } from '@bufbuild/protobuf';
import { nestedTypes } from '@bufbuild/protobuf/reflect';
import { DurationSchema, file_google_protobuf_struct, isWrapperDesc, TimestampSchema } from '@bufbuild/protobuf/wkt';
import { file_llmgateway_v1_chat, StreamChunkSchema } from '../../gen/llmgateway/v1/chat_pb.js';
import { CompleteResponseSchema, file_llmgateway_v1_completion_service, StreamCompleteResponseSchema, StreamCompleteRequestSchema } from '../../gen/llmgateway/v1/completion_service_pb.js';
import { file_llmgateway_v1_gateway_config } from '../../gen/llmgateway/v1/gateway_config_pb.js';
import { file_llmgateway_v1_health_checks_service } from '../../gen/llmgateway/v1/health_checks_service_pb.js';
import { file_llmgateway_v1_keys_service } from '../../gen/llmgateway/v1/keys_service_pb.js';
import { file_llmgateway_v1_prompt_rules_service } from '../../gen/llmgateway/v1/prompt_rules_service_pb.js';
import { file_llmgateway_v1_providers_service } from '../../gen/llmgateway/v1/providers_service_pb.js';
import { file_llmgateway_v1_routes_service } from '../../gen/llmgateway/v1/routes_service_pb.js';
import { file_llmgateway_v1_usage_service } from '../../gen/llmgateway/v1/usage_service_pb.js';
import { encodesItself, messageBytes, ownBytes, ownFieldBytes } from '../../src/rpc/fast-path/message-bytes.js';
// Seeded, so a failure repeats.
import { seededRandom } from '../limits/limits-fakes.js';

const FILES = [
  file_llmgateway_v1_chat,
  file_llmgateway_v1_completion_service,
  file_llmgateway_v1_gateway_config,
  file_llmgateway_v1_health_checks_service,
  file_llmgateway_v1_keys_service,
  file_llmgateway_v1_prompt_rules_service,
  file_llmgateway_v1_providers_service,
  file_llmgateway_v1_routes_service,
  file_llmgateway_v1_usage_service,
  file_google_protobuf_struct,
];
const MESSAGES: DescMessage[] = [TimestampSchema, DurationSchema];
for (const file of FILES) for (const type of nestedTypes(file)) if (type.kind === 'message') MESSAGES.push(type);

type Random = () => number;
const pick = <T>(random: Random, values: readonly T[]): T => values[Math.floor(random() * values.length)]!;

const STRINGS = ['', 'a', 'héllo wörld', '日本語のテキスト', 'emoji 😀 and more 🎉', 'lone \ud800 surrogate', 'x'.repeat(200), 'tok1 '];
const INT32 = [0, 1, -1, 127, 128, 300, 16_384, 2 ** 31 - 1, -(2 ** 31), -123_456];
const UINT32 = [0, 1, 127, 128, 2 ** 32 - 1, 2 ** 28, 70_000];
const INT64 = [0n, 1n, -1n, 127n, 128n, 2n ** 53n, 2n ** 53n + 1n, -(2n ** 63n), 2n ** 63n - 1n, -5_000_000_000n, 1_733_000_000n];
const UINT64 = [0n, 1n, 128n, 2n ** 53n - 1n, 2n ** 53n + 7n, 2n ** 64n - 1n, 2n ** 63n];
const DOUBLES = [0, -0, 1.5, -2.25, 1e300, -1e-300, Number.POSITIVE_INFINITY, Number.NaN, 0.000_123];
const FLOATS = [0, -0, 1.5, -2.25, 3.4e38, 1e-30, Number.NEGATIVE_INFINITY, Number.NaN];

function scalarValue(type: ScalarType, random: Random, longAsString: boolean): unknown {
  const long = (values: bigint[]) => {
    const value = pick(random, values);
    return longAsString ? value.toString() : value;
  };
  switch (type) {
    case ScalarType.DOUBLE:
      return pick(random, DOUBLES);
    case ScalarType.FLOAT:
      return pick(random, FLOATS);
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return pick(random, INT32);
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return pick(random, UINT32);
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return long(INT64);
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return long(UINT64);
    case ScalarType.BOOL:
      return random() < 0.5;
    case ScalarType.STRING:
      return pick(random, STRINGS);
    case ScalarType.BYTES:
      return Uint8Array.from({ length: pick(random, [0, 1, 5, 130]) }, () => Math.floor(random() * 256));
  }
}

function elementValue(field: DescField, kind: 'scalar' | 'enum' | 'message', random: Random, depth: number): unknown {
  if (kind === 'enum') {
    const values = (field as { enum: { values: Array<{ number: number }> } }).enum.values;
    return random() < 0.85 ? pick(random, values).number : pick(random, [99, -3]);
  }
  if (kind === 'message') {
    const child = (field as { message: DescMessage }).message;
    if (child.typeName === 'google.protobuf.Struct' && field.parent.typeName !== 'google.protobuf.Value') return { a: 1, b: 'two', c: [true, null, { d: 4.5 }] };
    if (field.fieldKind === 'message' && !field.oneof && isWrapperDesc(child)) return scalarValue(child.fields[0]!.scalar!, random, false);
    return randomMessage(child, random, depth + 1);
  }
  return scalarValue((field as { scalar: ScalarType }).scalar, random, (field as { longAsString?: boolean }).longAsString === true);
}

function randomMessage(desc: DescMessage, random: Random, depth = 0): object {
  const init: Record<string, unknown> = {};
  const filled = depth > 3 ? 0.15 : 0.75;
  for (const field of desc.fields) {
    if (field.oneof || random() > filled) continue;
    switch (field.fieldKind) {
      case 'scalar':
      case 'enum':
      case 'message':
        init[field.localName] = elementValue(field, field.fieldKind, random, depth);
        break;
      case 'list':
        init[field.localName] = Array.from({ length: pick(random, [0, 1, 3]) }, () => elementValue(field, field.listKind, random, depth));
        break;
      case 'map': {
        const record: Record<string, unknown> = {};
        for (let index = 0; index < pick(random, [0, 1, 3]); index += 1) {
          const key = field.mapKey === ScalarType.STRING ? pick(random, STRINGS) : field.mapKey === ScalarType.BOOL ? String(random() < 0.5) : String(pick(random, INT32.filter((n) => n >= 0)));
          record[key] = elementValue(field, field.mapKind, random, depth);
        }
        init[field.localName] = record;
        break;
      }
    }
  }
  for (const oneof of desc.oneofs) {
    if (random() > filled) continue;
    const field = pick(random, oneof.fields);
    init[oneof.localName] = { case: field.localName, value: elementValue(field, field.fieldKind as 'scalar' | 'enum' | 'message', random, depth) };
  }
  return create(desc, init as never);
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('messageBytes writes the bytes toBinary writes', () => {
  it('for every message type of the contract, 60 random messages each', () => {
    const random = seededRandom(20_261_205);
    let compared = 0;
    let writtenHere = 0;
    for (const desc of MESSAGES) {
      for (let round = 0; round < 60; round += 1) {
        const message = randomMessage(desc, random) as never;
        const expected = hex(toBinary(desc, message));
        expect(hex(messageBytes(desc, message)), `${desc.typeName} #${round}`).toBe(expected);
        const own = ownBytes(desc, message);
        if (own) {
          expect(hex(own), `${desc.typeName} #${round}`).toBe(expected);
          writtenHere += 1;
        }
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThan(60 * 100);
    // Most types have no map or Struct: their bytes must come from messageBytes itself, not toBinary.
    expect(writtenHere / compared).toBeGreaterThan(0.6);
  });

  it('for messages carrying unknown fields (read from newer peers)', () => {
    const random = seededRandom(7);
    for (const desc of [StreamChunkSchema, CompleteResponseSchema, TimestampSchema]) {
      for (let round = 0; round < 20; round += 1) {
        // Field 1000 as a varint and field 1001 as bytes, unknown to every type here.
        const extra = Buffer.from([0xc0, 0x3e, 0x96, 0x01, 0xca, 0x3e, 0x03, 0x61, 0x62, 0x63]);
        const parsed = fromBinary(desc, Buffer.concat([toBinary(desc, randomMessage(desc, random) as never), extra]));
        expect((parsed as { $unknown?: unknown[] }).$unknown).toHaveLength(2);
        expect(hex(ownBytes(desc, parsed as never)!)).toBe(hex(toBinary(desc, parsed as never)));
      }
    }
  });

  it('a StreamCompleteResponse around each chunk, written as one field without a wrapper message', () => {
    const random = seededRandom(11);
    for (let round = 0; round < 300; round += 1) {
      const chunk = randomMessage(StreamChunkSchema, random) as never;
      const expected = hex(toBinary(StreamCompleteResponseSchema, create(StreamCompleteResponseSchema, { chunk })));
      expect(hex(ownFieldBytes(1, StreamChunkSchema, chunk)!)).toBe(expected);
    }
  });

  it('refuses what toBinary refuses, with its words', () => {
    const chunk = create(StreamChunkSchema, { choiceIndex: 1.5, event: { case: 'textDelta', value: { text: 'x' } } });
    expect(ownBytes(StreamChunkSchema, chunk)).toBeUndefined();
    expect(() => messageBytes(StreamChunkSchema, chunk)).toThrow(/invalid int32: 1.5/);
    expect(() => toBinary(StreamChunkSchema, chunk)).toThrow(/invalid int32: 1.5/);
  });

  it('encodes the answers of the hot paths itself (a tool result\'s Struct included); a type with a map field is left to toBinary', () => {
    expect(encodesItself(StreamChunkSchema)).toBe(true);
    expect(encodesItself(StreamCompleteResponseSchema)).toBe(true);
    expect(encodesItself(CompleteResponseSchema)).toBe(true);
    // ChatRequest holds a metadata map and provider options as a Struct.
    expect(encodesItself(StreamCompleteRequestSchema)).toBe(false);
  });
});
