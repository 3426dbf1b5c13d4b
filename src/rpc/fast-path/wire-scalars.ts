// Protobuf's scalar values on the wire (https://protobuf.dev/programming-guides/encoding/), for
// message-bytes.ts: the size of each value and its bytes, written into a buffer sized beforehand.
// Each is written as protobuf-es's BinaryWriter writes it (negative int32 and enum values as ten-byte
// varints, floats little-endian, strings UTF-8 with a lone surrogate as U+FFFD). A value protobuf-es
// would refuse or convert (an int32 out of range, a 64-bit value that is not a bigint, …) throws
// UNSUPPORTED: the caller then leaves the whole message to toBinary, which converts or refuses it.
import { ScalarType } from '@bufbuild/protobuf';
import { varintLength, writeVarint } from './varint.js';

/** Thrown, once made, whenever a value is left to toBinary; not a fault. */
export const UNSUPPORTED = new Error('left to toBinary');

/** Where a message's bytes go: the buffer, the next position, and the lengths its size pass recorded in order. */
export interface Sink {
  buffer: Buffer;
  position: number;
  lengths: number[];
  cursor: number;
}

export interface ScalarCodec {
  wireType: number;
  /** The value's bytes (no tag); a string records its UTF-8 length in `lengths`. */
  size(value: unknown, lengths: number[]): number;
  write(value: unknown, sink: Sink): void;
}

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LENGTH_DELIMITED = 2;
export const WIRE_FIXED32 = 5;

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;
const UINT32_MAX = 0xffffffff;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
const SAFE_BIGINT = BigInt(Number.MAX_SAFE_INTEGER);
const LOW_32 = 0xffffffffn;

/** A varint of 64 bits given as two unsigned 32-bit halves (a negative int32 is `value >>> 0`, 0xffffffff). */
function varint64Length(low: number, high: number): number {
  let length = 1;
  while (high !== 0 || low > 0x7f) {
    low = ((low >>> 7) | (high << 25)) >>> 0;
    high >>>= 7;
    length += 1;
  }
  return length;
}

function writeVarint64(sink: Sink, low: number, high: number): void {
  const { buffer } = sink;
  let position = sink.position;
  while (high !== 0 || low > 0x7f) {
    buffer[position++] = (low & 0x7f) | 0x80;
    // The 64 bits shifted right by seven: high's low seven bits move into low's top.
    low = ((low >>> 7) | (high << 25)) >>> 0;
    high >>>= 7;
  }
  buffer[position++] = low;
  sink.position = position;
}

/** A 64-bit integer as a number when it is a safe non-negative one, else its two's-complement halves; UNSUPPORTED outside its range or when not a bigint. */
function halves(value: unknown, minimum: bigint, maximum: bigint): [number, number] | number {
  if (typeof value !== 'bigint' || value < minimum || value > maximum) throw UNSUPPORTED;
  if (value >= 0n && value <= SAFE_BIGINT) return Number(value);
  const unsigned = BigInt.asUintN(64, value);
  return [Number(unsigned & LOW_32), Number(unsigned >> 32n)];
}

function int32Of(value: unknown, minimum: number, maximum: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum || value > maximum) throw UNSUPPORTED;
  return value;
}

const varint32: ScalarCodec = {
  wireType: WIRE_VARINT,
  size: (value) => {
    const number = int32Of(value, INT32_MIN, INT32_MAX);
    return number >= 0 ? varintLength(number) : 10;
  },
  write: (value, sink) => {
    const number = value as number;
    if (number >= 0) sink.position = writeVarint(sink.buffer, sink.position, number);
    else writeVarint64(sink, number >>> 0, UINT32_MAX);
  },
};

function varint64(minimum: bigint, maximum: bigint, zigzag: boolean): ScalarCodec {
  const parts = (value: unknown) => {
    if (!zigzag) return halves(value, minimum, maximum);
    if (typeof value !== 'bigint' || value < minimum || value > maximum) throw UNSUPPORTED;
    return halves(BigInt.asUintN(64, (value << 1n) ^ (value >> 63n)), 0n, UINT64_MAX);
  };
  return {
    wireType: WIRE_VARINT,
    size: (value) => {
      const split = parts(value);
      return typeof split === 'number' ? varintLength(split) : varint64Length(split[0], split[1]);
    },
    write: (value, sink) => {
      const split = parts(value);
      if (typeof split === 'number') sink.position = writeVarint(sink.buffer, sink.position, split);
      else writeVarint64(sink, split[0], split[1]);
    },
  };
}

function fixed(wireType: number, bytes: number, check: (value: unknown) => void, write: (buffer: Buffer, value: never, position: number) => void): ScalarCodec {
  return {
    wireType,
    size: (value) => {
      check(value);
      return bytes;
    },
    write: (value, sink) => {
      write(sink.buffer, value as never, sink.position);
      sink.position += bytes;
    },
  };
}

const isNumber = (value: unknown) => {
  if (typeof value !== 'number') throw UNSUPPORTED;
};
const FLOAT32_MAX = 3.4028234663852886e38;
const isFloat32 = (value: unknown) => {
  isNumber(value);
  if (Number.isFinite(value) && Math.abs(value as number) > FLOAT32_MAX) throw UNSUPPORTED;
};

const string: ScalarCodec = {
  wireType: WIRE_LENGTH_DELIMITED,
  size: (value, lengths) => {
    if (typeof value !== 'string') throw UNSUPPORTED;
    const length = value.length === 0 ? 0 : Buffer.byteLength(value, 'utf8');
    lengths.push(length);
    return varintLength(length) + length;
  },
  write: (value, sink) => {
    const length = sink.lengths[sink.cursor++]!;
    sink.position = writeVarint(sink.buffer, sink.position, length);
    if (length > 0) sink.position += sink.buffer.write(value as string, sink.position, length, 'utf8');
  },
};

const bytes: ScalarCodec = {
  wireType: WIRE_LENGTH_DELIMITED,
  size: (value) => {
    if (!(value instanceof Uint8Array)) throw UNSUPPORTED;
    return varintLength(value.byteLength) + value.byteLength;
  },
  write: (value, sink) => {
    const data = value as Uint8Array;
    sink.position = writeVarint(sink.buffer, sink.position, data.byteLength);
    sink.buffer.set(data, sink.position);
    sink.position += data.byteLength;
  },
};

const bool: ScalarCodec = {
  wireType: WIRE_VARINT,
  size: (value) => {
    if (typeof value !== 'boolean') throw UNSUPPORTED;
    return 1;
  },
  write: (value, sink) => {
    sink.buffer[sink.position++] = value ? 1 : 0;
  },
};

const CODECS: Record<ScalarType, ScalarCodec> = {
  [ScalarType.DOUBLE]: fixed(WIRE_FIXED64, 8, isNumber, (buffer, value: number, position) => buffer.writeDoubleLE(value, position)),
  [ScalarType.FLOAT]: fixed(WIRE_FIXED32, 4, isFloat32, (buffer, value: number, position) => buffer.writeFloatLE(value, position)),
  [ScalarType.INT64]: varint64(INT64_MIN, INT64_MAX, false),
  [ScalarType.UINT64]: varint64(0n, UINT64_MAX, false),
  [ScalarType.INT32]: varint32,
  [ScalarType.FIXED64]: fixed(WIRE_FIXED64, 8, (value) => halves(value, 0n, UINT64_MAX), (buffer, value: bigint, position) => buffer.writeBigUInt64LE(value, position)),
  [ScalarType.FIXED32]: fixed(WIRE_FIXED32, 4, (value) => int32Of(value, 0, UINT32_MAX), (buffer, value: number, position) => buffer.writeUInt32LE(value, position)),
  [ScalarType.BOOL]: bool,
  [ScalarType.STRING]: string,
  [ScalarType.BYTES]: bytes,
  [ScalarType.UINT32]: {
    wireType: WIRE_VARINT,
    size: (value) => varintLength(int32Of(value, 0, UINT32_MAX)),
    write: (value, sink) => void (sink.position = writeVarint(sink.buffer, sink.position, value as number)),
  },
  [ScalarType.SFIXED32]: fixed(WIRE_FIXED32, 4, (value) => int32Of(value, INT32_MIN, INT32_MAX), (buffer, value: number, position) => buffer.writeInt32LE(value, position)),
  [ScalarType.SFIXED64]: fixed(WIRE_FIXED64, 8, (value) => halves(value, INT64_MIN, INT64_MAX), (buffer, value: bigint, position) => buffer.writeBigInt64LE(value, position)),
  [ScalarType.SINT32]: {
    wireType: WIRE_VARINT,
    size: (value) => {
      const number = int32Of(value, INT32_MIN, INT32_MAX);
      return varintLength(((number << 1) ^ (number >> 31)) >>> 0);
    },
    write: (value, sink) => {
      const number = value as number;
      sink.position = writeVarint(sink.buffer, sink.position, ((number << 1) ^ (number >> 31)) >>> 0);
    },
  },
  [ScalarType.SINT64]: varint64(INT64_MIN, INT64_MAX, true),
};

export function scalarCodec(type: ScalarType): ScalarCodec {
  return CODECS[type];
}

/** A tag's bytes: the field number and wire type as a varint. */
export function tagBytes(fieldNumber: number, wireType: number): number[] {
  const tag = fieldNumber * 8 + wireType;
  const out = new Uint8Array(varintLength(tag));
  writeVarint(out, 0, tag);
  return [...out];
}

export function writeTag(sink: Sink, tag: readonly number[]): void {
  for (let index = 0; index < tag.length; index++) sink.buffer[sink.position++] = tag[index]!;
}
