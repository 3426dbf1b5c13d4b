// Which provider produced a thought, carried through a Gemini client in the
// part's `thoughtSignature` (the field Gemini clients send back unchanged,
// https://ai.google.dev/gemini-api/docs/thought-signatures).
//
// Signatures are model-bound: the canonical ReasoningPart says who made it
// (`provider_type`) and each adapter sends only its own family's reasoning
// upstream. Gemini's own signatures pass unchanged both ways; reasoning from
// another family (Anthropic's signed or redacted thinking) is rendered with a
// marked signature `gw1.<base64url JSON {p, s, r}>` so it returns to that
// family intact on the next turn. No signature → unknown origin (''), which
// adapters treat as plain, unsigned reasoning text.
import { GEMINI_PROVIDER_TYPE } from './gemini-names.js';

const MARKER = 'gw1.';

export interface ThoughtOrigin {
  providerType: string;
  signature: string;
  redactedData: string;
}

export function encodeThoughtSignature(origin: ThoughtOrigin): string {
  if (origin.providerType === GEMINI_PROVIDER_TYPE && origin.redactedData === '') return origin.signature;
  if (origin.signature === '' && origin.redactedData === '') return '';
  const carried = { p: origin.providerType, s: origin.signature, ...(origin.redactedData ? { r: origin.redactedData } : {}) };
  return `${MARKER}${Buffer.from(JSON.stringify(carried), 'utf8').toString('base64url')}`;
}

export function decodeThoughtSignature(wire: string): ThoughtOrigin {
  if (wire === '') return { providerType: '', signature: '', redactedData: '' };
  if (wire.startsWith(MARKER)) {
    try {
      const carried = JSON.parse(Buffer.from(wire.slice(MARKER.length), 'base64url').toString('utf8')) as Record<string, unknown>;
      if (typeof carried['p'] === 'string' && typeof carried['s'] === 'string') {
        return { providerType: carried['p'], signature: carried['s'], redactedData: typeof carried['r'] === 'string' ? carried['r'] : '' };
      }
    } catch {
      // Not one of ours after all: Gemini's own, below.
    }
  }
  return { providerType: GEMINI_PROVIDER_TYPE, signature: wire, redactedData: '' };
}
