// What a provider needs back with a tool call has no place in OpenAI's or
// Anthropic's wire format, yet clients echo tool-call ids verbatim, so it
// travels inside the id (docs/edges.md, "Tool-call ids"):
//   <id>[__thought__<base64url signature>][__reasoning__<base64url JSON>]
// - a signature on the call itself (Gemini `thoughtSignature`), without which
//   Gemini refuses the turn (https://ai.google.dev/gemini-api/docs/thought-signatures);
// - signed reasoning that preceded the call (Anthropic thinking blocks) on the
//   OpenAI surface, which has no field for it: in a tool loop Anthropic
//   refuses the next turn unless those blocks come back byte-identical
//   (docs/provider-wire-formats.md, "Anthropic Messages, Thinking and signatures").
// base64url keeps the id within [A-Za-z0-9_-] (valid for every provider).
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { ReasoningPartSchema } from '../../gen/llmgateway/v1/chat_pb.js';

const SIGNATURE_MARKER = '__thought__';
const REASONING_MARKER = '__reasoning__';

/** A reasoning part as carried: all four fields of the canonical ReasoningPart. */
export type CarriedReasoning = Required<Omit<MessageInitShape<typeof ReasoningPartSchema>, '$typeName'>>;

/** Short keys keep ids (which clients echo twice: the call and its result) small. */
type WireReasoning = { t?: string; s?: string; r?: string; p?: string };

export function encodeToolCallId(id: string, signature: string, reasoning: readonly CarriedReasoning[] = []): string {
  let wire = id;
  if (signature) wire += `${SIGNATURE_MARKER}${Buffer.from(signature, 'utf8').toString('base64url')}`;
  if (reasoning.length > 0) wire += `${REASONING_MARKER}${Buffer.from(JSON.stringify(reasoning.map(toWire)), 'utf8').toString('base64url')}`;
  return wire;
}

/** The provider's id and the call's signature; carried reasoning is read by decodeCarriedReasoning. */
export function decodeToolCallId(wireId: string): { id: string; signature: string } {
  const head = withoutReasoning(wireId);
  const at = head.indexOf(SIGNATURE_MARKER);
  if (at < 0) return { id: head, signature: '' };
  return {
    id: head.slice(0, at),
    signature: Buffer.from(head.slice(at + SIGNATURE_MARKER.length), 'base64url').toString('utf8'),
  };
}

/** The reasoning carried in the id: [] when none, null when the id was altered beyond reading. */
export function decodeCarriedReasoning(wireId: string): CarriedReasoning[] | null {
  const at = wireId.indexOf(REASONING_MARKER);
  if (at < 0) return [];
  try {
    const parsed: unknown = JSON.parse(Buffer.from(wireId.slice(at + REASONING_MARKER.length), 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every(isWireReasoning)) return null;
    return parsed.map((part) => ({ text: part.t ?? '', signature: part.s ?? '', redactedData: part.r ?? '', providerType: part.p ?? '' }));
  } catch {
    return null;
  }
}

function withoutReasoning(wireId: string): string {
  const at = wireId.indexOf(REASONING_MARKER);
  return at < 0 ? wireId : wireId.slice(0, at);
}

function toWire(part: CarriedReasoning): WireReasoning {
  const wire: WireReasoning = {};
  if (part.text) wire.t = part.text;
  if (part.signature) wire.s = part.signature;
  if (part.redactedData) wire.r = part.redactedData;
  if (part.providerType) wire.p = part.providerType;
  return wire;
}

function isWireReasoning(value: unknown): value is WireReasoning {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.entries(value).every(([key, field]) => ['t', 's', 'r', 'p'].includes(key) && typeof field === 'string');
}
