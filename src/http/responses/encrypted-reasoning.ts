// A reasoning item's `encrypted_content` on the gateway's Responses API: the
// canonical ReasoningPart (text, signature, redacted data, producing provider)
// packed as opaque base64url JSON behind a version prefix, so a client that
// sends the item back (store: false, include: ["reasoning.encrypted_content"])
// gives the provider its signed reasoning back byte-identical — what Anthropic
// requires in a tool loop with thinking (docs/responses-api.md). It is opaque
// to the client, not secret: the reasoning text is the model's own output.
import type { CarriedReasoning } from '../tool-call-id.js';

const PREFIX = 'gwr1.';

export function encodeReasoning(part: CarriedReasoning): string {
  const wire: Record<string, string> = {};
  if (part.text) wire['t'] = part.text;
  if (part.signature) wire['s'] = part.signature;
  if (part.redactedData) wire['r'] = part.redactedData;
  if (part.providerType) wire['p'] = part.providerType;
  return PREFIX + Buffer.from(JSON.stringify(wire), 'utf8').toString('base64url');
}

/** The part packed by encodeReasoning; null when the content was not made by this gateway or is malformed. */
export function decodeReasoning(encrypted: string): CarriedReasoning | null {
  const payload = encrypted.slice(PREFIX.length);
  // Buffer's decoder skips characters outside the alphabet: check them, so a mangled value is refused, not half-read.
  if (!encrypted.startsWith(PREFIX) || !/^[A-Za-z0-9_-]*$/.test(payload)) return null;
  try {
    const wire: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (typeof wire !== 'object' || wire === null || Array.isArray(wire)) return null;
    const fields = wire as Record<string, unknown>;
    if (!Object.entries(fields).every(([key, value]) => ['t', 's', 'r', 'p'].includes(key) && typeof value === 'string')) return null;
    const read = (key: string) => (fields[key] as string | undefined) ?? '';
    return { text: read('t'), signature: read('s'), redactedData: read('r'), providerType: read('p') };
  } catch {
    return null;
  }
}
