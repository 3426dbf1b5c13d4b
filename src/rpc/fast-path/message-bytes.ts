// A message's protobuf binary encoding — the same bytes as protobuf-es's toBinary — written in two
// passes into one buffer: the first sums the sizes (recording each nested message's and string's
// length, in order), the second writes. toBinary's writer builds each nested message and string as
// arrays and buffers of its own and copies them into their parent (a stream's start, route, finish
// and usage chunks cost 3–12 µs each, most of it collector work on that garbage: docs/performance.md).
//
// The encoding follows toBinary's (fields in number order; proto3 implicit presence leaves zero values
// out; explicit presence writes a set field; packed repeated scalars; unknown fields written back; a
// singular google.protobuf.Struct, held as JSON, through toBinary). Map fields, other Struct fields,
// unwrapped wrapper types, delimited encoding, proto2 required fields and any value toBinary would
// convert or refuse leave the message to toBinary itself. test/rpc/message-bytes.test.ts compares the
// bytes with toBinary's for every message type of the contract.
import { fromJson, ScalarType, toBinary, type DescField, type DescMessage, type JsonObject, type MessageShape } from '@bufbuild/protobuf';
import { isWrapperDesc, StructSchema } from '@bufbuild/protobuf/wkt';
import { varintLength, writeVarint } from './varint.js';
import { scalarCodec, tagBytes, UNSUPPORTED, WIRE_LENGTH_DELIMITED, writeTag, type ScalarCodec, type Sink } from './wire-scalars.js';

/** protobuf-es's google.protobuf.FeatureSet.FieldPresence values. */
const IMPLICIT = 2;
const LEGACY_REQUIRED = 3;

type AnyMessage = Record<string, unknown> & { $typeName: string; $unknown?: Array<{ no: number; wireType: number; data: Uint8Array }> };

interface FieldPlan {
  size(message: AnyMessage, lengths: number[]): number;
  write(message: AnyMessage, sink: Sink): void;
}

interface MessagePlan {
  typeName: string;
  fields: FieldPlan[];
}

const plans = new WeakMap<DescMessage, MessagePlan | null>();

/** The message's bytes, as toBinary(schema, message) returns them. */
export function messageBytes<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): Uint8Array {
  return ownBytes(schema, message) ?? toBinary(schema, message);
}

/** The message's bytes written here, or undefined when they are left to toBinary. */
export function ownBytes<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): Buffer | undefined {
  return encoded(schema, message as unknown as AnyMessage, undefined);
}

/**
 * The bytes of field `fieldNumber` holding the message — a wrapper message whose only set field is
 * this one (StreamCompleteResponse around a StreamChunk) — or undefined when left to toBinary.
 */
export function ownFieldBytes<Desc extends DescMessage>(fieldNumber: number, schema: Desc, message: MessageShape<Desc>): Buffer | undefined {
  return encoded(schema, message as unknown as AnyMessage, fieldNumber);
}

/** The message's bytes, after its field's tag and length when `fieldNumber` is given. */
function encoded(schema: DescMessage, message: AnyMessage, fieldNumber: number | undefined): Buffer | undefined {
  const plan = planOf(schema);
  if (!plan) return undefined;
  try {
    const lengths: number[] = [];
    const size = sizeOf(plan, message, lengths);
    const tag = fieldNumber === undefined ? 0 : fieldNumber * 8 + WIRE_LENGTH_DELIMITED;
    const head = fieldNumber === undefined ? 0 : varintLength(tag) + varintLength(size);
    const sink: Sink = { buffer: Buffer.allocUnsafe(head + size), position: 0, lengths, cursor: 0 };
    if (head > 0) sink.position = writeVarint(sink.buffer, writeVarint(sink.buffer, 0, tag), size);
    writeOf(plan, message, sink);
    return sink.buffer;
  } catch (error) {
    if (error !== UNSUPPORTED) throw error;
    return undefined;
  }
}

/** Whether messageBytes encodes this type itself (for a test that keeps the hot types on it). */
export function encodesItself(schema: DescMessage): boolean {
  return planOf(schema) !== null;
}

function sizeOf(plan: MessagePlan, message: AnyMessage, lengths: number[]): number {
  // A message of another type in this field: toBinary says which.
  if (message.$typeName !== plan.typeName) throw UNSUPPORTED;
  let total = 0;
  const { fields } = plan;
  for (let index = 0; index < fields.length; index++) total += fields[index]!.size(message, lengths);
  const unknown = message.$unknown;
  if (unknown !== undefined) {
    for (const field of unknown) total += varintLength(field.no * 8 + field.wireType) + field.data.byteLength;
  }
  return total;
}

function writeOf(plan: MessagePlan, message: AnyMessage, sink: Sink): void {
  const { fields } = plan;
  for (let index = 0; index < fields.length; index++) fields[index]!.write(message, sink);
  const unknown = message.$unknown;
  if (unknown !== undefined) {
    for (const field of unknown) {
      sink.position = writeVarint(sink.buffer, sink.position, field.no * 8 + field.wireType);
      sink.buffer.set(field.data, sink.position);
      sink.position += field.data.byteLength;
    }
  }
}

/** The plan of a type and of every type it reaches, or null when any of them has something left to toBinary. */
function planOf(desc: DescMessage): MessagePlan | null {
  const known = plans.get(desc);
  if (known !== undefined) return known;
  if (!encodable(desc, new Set())) {
    plans.set(desc, null);
    return null;
  }
  const plan: MessagePlan = { typeName: desc.typeName, fields: [] };
  // Registered before its fields are compiled: a recursive type finds itself.
  plans.set(desc, plan);
  for (const field of [...desc.fields].sort((a, b) => a.number - b.number)) plan.fields.push(fieldPlan(field));
  return plan;
}

function encodable(desc: DescMessage, visiting: Set<DescMessage>): boolean {
  if (plans.get(desc) === null) return false;
  if (plans.has(desc) || visiting.has(desc)) return true;
  visiting.add(desc);
  for (const field of desc.fields) {
    if (field.fieldKind === 'map' || field.presence === LEGACY_REQUIRED) return false;
    if (field.fieldKind === 'message' || (field.fieldKind === 'list' && field.listKind === 'message')) {
      const child = field.message;
      if (field.delimitedEncoding) return false;
      // A Struct is held as a JSON object on a singular field (structCodec), as messages elsewhere.
      if (child.typeName === STRUCT) {
        if (field.fieldKind !== 'message' || field.oneof) return false;
        continue;
      }
      if (field.fieldKind === 'message' && !field.oneof && isWrapperDesc(child)) return false;
      if (!encodable(child, visiting)) return false;
    }
  }
  return true;
}

function fieldPlan(field: DescField): FieldPlan {
  switch (field.fieldKind) {
    case 'scalar':
    case 'enum':
    case 'message':
      return singular(field, valueCodec(field), reader(field));
    case 'list':
      return list(field, valueCodec(field));
    case 'map':
      throw new Error(`map field ${field.toString()} reached the binary encoder`);
  }
}

/** How one value of the field is sized and written, without its tag. */
function valueCodec(field: DescField): ScalarCodec {
  const kind = field.fieldKind === 'list' ? field.listKind : field.fieldKind;
  if (kind === 'message') return messageCodec((field as { message: DescMessage }).message);
  // Enums are int32 on the wire.
  if (kind === 'enum') return scalarCodec(ScalarType.INT32);
  return scalarCodec((field as { scalar: ScalarType }).scalar);
}

const STRUCT = 'google.protobuf.Struct';
/** A Struct's bytes, made in the sizing pass and copied in the writing pass. */
const structBytes = new WeakMap<object, Uint8Array>();
/** A singular Struct field, held as a JSON object: toBinary's bytes of it (rare in answers, kept simple). */
const structCodec: ScalarCodec = {
  wireType: WIRE_LENGTH_DELIMITED,
  size(value, lengths) {
    const bytes = toBinary(StructSchema, fromJson(StructSchema, value as JsonObject));
    structBytes.set(value as object, bytes);
    lengths.push(bytes.byteLength);
    return varintLength(bytes.byteLength) + bytes.byteLength;
  },
  write(value, sink) {
    const bytes = structBytes.get(value as object)!;
    sink.position = writeVarint(sink.buffer, sink.position, sink.lengths[sink.cursor++]!);
    sink.buffer.set(bytes, sink.position);
    sink.position += bytes.byteLength;
  },
};

function messageCodec(desc: DescMessage): ScalarCodec {
  if (desc.typeName === STRUCT) return structCodec;
  let plan: MessagePlan | undefined;
  // Compiled on first use: a type reached only through a field it is never set in costs nothing.
  const child = () => (plan ??= planOf(desc)!);
  return {
    wireType: WIRE_LENGTH_DELIMITED,
    size(value, lengths) {
      const slot = lengths.length;
      lengths.push(0);
      const size = sizeOf(child(), value as AnyMessage, lengths);
      lengths[slot] = size;
      return varintLength(size) + size;
    },
    write(value, sink) {
      sink.position = writeVarint(sink.buffer, sink.position, sink.lengths[sink.cursor++]!);
      writeOf(child(), value as AnyMessage, sink);
    },
  };
}

const ABSENT = Symbol('absent');

/** The field's value when toBinary writes it, ABSENT when it does not. */
function reader(field: DescField & { fieldKind: 'scalar' | 'enum' | 'message' }): (message: AnyMessage) => unknown {
  const name = field.localName;
  if (field.oneof) {
    const oneofName = field.oneof.localName;
    return (message) => {
      const oneof = message[oneofName] as { case: string | undefined; value: unknown };
      return oneof.case === name ? oneof.value : ABSENT;
    };
  }
  if (field.presence !== IMPLICIT) {
    return (message) => {
      const value = message[name];
      return value !== undefined && Object.prototype.hasOwnProperty.call(message, name) ? value : ABSENT;
    };
  }
  if (field.fieldKind === 'enum') {
    const zero = field.enum.values[0]!.number;
    return (message) => (message[name] !== zero ? message[name] : ABSENT);
  }
  switch (field.scalar) {
    case ScalarType.BOOL:
      return (message) => (message[name] !== false ? message[name] : ABSENT);
    case ScalarType.STRING:
      return (message) => (message[name] !== '' ? message[name] : ABSENT);
    case ScalarType.BYTES:
      return (message) => {
        const value = message[name];
        return !(value instanceof Uint8Array) || value.byteLength > 0 ? value : ABSENT;
      };
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return (message) => (Object.is(message[name], 0) ? ABSENT : message[name]);
    default:
      // As toBinary: loose, so 0, 0n and "0" are all zero.
      return (message) => (message[name] != 0 ? message[name] : ABSENT);
  }
}

function singular(field: DescField, codec: ScalarCodec, read: (message: AnyMessage) => unknown): FieldPlan {
  const tag = tagBytes(field.number, codec.wireType);
  return {
    size(message, lengths) {
      const value = read(message);
      return value === ABSENT ? 0 : tag.length + codec.size(value, lengths);
    },
    write(message, sink) {
      const value = read(message);
      if (value === ABSENT) return;
      writeTag(sink, tag);
      codec.write(value, sink);
    },
  };
}

function list(field: DescField & { fieldKind: 'list' }, codec: ScalarCodec): FieldPlan {
  const name = field.localName;
  if (field.listKind !== 'message' && field.packed) {
    // One length-delimited field holding every value; nothing when the list is empty.
    const tag = tagBytes(field.number, WIRE_LENGTH_DELIMITED);
    return {
      size(message, lengths) {
        const items = message[name] as unknown[];
        if (items.length === 0) return 0;
        let payload = 0;
        for (let index = 0; index < items.length; index++) payload += codec.size(items[index], lengths);
        lengths.push(payload);
        return tag.length + varintLength(payload) + payload;
      },
      write(message, sink) {
        const items = message[name] as unknown[];
        if (items.length === 0) return;
        writeTag(sink, tag);
        // The payload's length was recorded after its values' (none of which records one).
        sink.position = writeVarint(sink.buffer, sink.position, sink.lengths[sink.cursor++]!);
        for (let index = 0; index < items.length; index++) codec.write(items[index], sink);
      },
    };
  }
  const tag = tagBytes(field.number, codec.wireType);
  return {
    size(message, lengths) {
      const items = message[name] as unknown[];
      let total = 0;
      for (let index = 0; index < items.length; index++) total += tag.length + codec.size(items[index], lengths);
      return total;
    },
    write(message, sink) {
      const items = message[name] as unknown[];
      for (let index = 0; index < items.length; index++) {
        writeTag(sink, tag);
        codec.write(items[index], sink);
      }
    },
  };
}
