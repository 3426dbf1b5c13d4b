// A proto message as the request log's JSON, with work proportional to the body cap rather than to the
// message: toJson of a 10 MB document writes 13 MB of base64 (then redacted, serialised and cut to 64 KiB),
// which froze the gateway for seconds. So a copy goes to toJson instead: bytes over 1 KiB (documents,
// images, audio) and data URLs become a placeholder naming their media type and size — a log row never
// needs them — and strings are cut to what is left of the cap (at least MIN_STRING_CHARACTERS each, so a
// field serialised before a long one is not emptied by it).
import { toJson, type DescMessage, type JsonValue, type MessageShape } from '@bufbuild/protobuf';
import { DEFAULT_MAX_BODY_BYTES } from './redact-body.js';

/** Small bytes (a logprob token's UTF-8) are kept as they are. */
const KEPT_BYTES = 1024;
const MIN_STRING_CHARACTERS = 256;
const MAX_DEPTH = 64;

interface Walk {
  remaining: number;
  /** The base64 toJson gives each stand-in's bytes → the placeholder that replaces it in the JSON. */
  placeholders: Map<string, string>;
}

export function loggableJson<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>, maxBytes: number = DEFAULT_MAX_BODY_BYTES): JsonValue {
  const walk: Walk = { remaining: maxBytes, placeholders: new Map() };
  const json = toJson(schema, loggableCopy(message, walk) as MessageShape<Desc>);
  return walk.placeholders.size === 0 ? json : withPlaceholders(json, walk.placeholders);
}

/** The message with large bytes swapped for small stand-ins and long strings cut (exported for its test). */
export function loggableCopy(value: unknown, walk: Walk = { remaining: DEFAULT_MAX_BODY_BYTES, placeholders: new Map() }, mediaType = '', depth = 0): unknown {
  if (typeof value === 'string') return loggableString(value, walk);
  if (value instanceof Uint8Array) return value.byteLength <= KEPT_BYTES ? value : standIn(`<${mediaType || 'bytes'}, ${value.byteLength} bytes>`, walk);
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((entry) => loggableCopy(entry, walk, mediaType, depth + 1));
  const source = value as Record<string, unknown>;
  // A part's media type names the bytes below it (ImagePart, DocumentPart: source.data beside media_type).
  const ownMediaType = typeof source['mediaType'] === 'string' && source['mediaType'] !== '' ? source['mediaType'] : mediaType;
  // Same prototype: protobuf-es messages with default values keep them there.
  const copy = Object.create(Object.getPrototypeOf(value) as object | null) as Record<string, unknown>;
  for (const [name, entry] of Object.entries(source)) copy[name] = loggableCopy(entry, walk, ownMediaType, depth + 1);
  return copy;
}

function loggableString(text: string, walk: Walk): string {
  if (text.length > KEPT_BYTES && text.startsWith('data:')) {
    const mediaType = /^data:([^;,]{1,100})/.exec(text)?.[1] ?? 'data';
    return spend(`<${mediaType} data URL, ${text.length} characters>`, walk);
  }
  const allowed = Math.max(walk.remaining, MIN_STRING_CHARACTERS);
  return spend(text.length <= allowed ? text : `${text.slice(0, allowed)}…[cut: ${text.length} characters]`, walk);
}

function spend(text: string, walk: Walk): string {
  walk.remaining -= text.length;
  return text;
}

/** Bytes whose base64 is unique to this placeholder; withPlaceholders puts the placeholder in their place. */
function standIn(placeholder: string, walk: Walk): Uint8Array {
  const bytes = Buffer.from(`\u0000gateway-omitted-${walk.placeholders.size}\u0000`, 'latin1');
  walk.placeholders.set(bytes.toString('base64'), spend(placeholder, walk));
  return new Uint8Array(bytes);
}

function withPlaceholders(json: JsonValue, placeholders: Map<string, string>): JsonValue {
  if (typeof json === 'string') return placeholders.get(json) ?? json;
  if (Array.isArray(json)) return json.map((entry) => withPlaceholders(entry, placeholders));
  if (json === null || typeof json !== 'object') return json;
  return Object.fromEntries(Object.entries(json).map(([name, entry]) => [name, withPlaceholders(entry as JsonValue, placeholders)]));
}
