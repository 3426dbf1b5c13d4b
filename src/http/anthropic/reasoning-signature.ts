// Which provider produced a thinking block, carried through an Anthropic
// client in the block's `signature` (the one field clients echo verbatim).
//
// Signatures are model-bound, and thinking blocks must go back unchanged
// (https://platform.claude.com/docs/en/build-with-claude/extended-thinking;
// docs/edges.md, "Thinking signatures"): the canonical
// ReasoningPart says who made it (`provider_type`), and each adapter sends
// only its own family's reasoning upstream. An Anthropic client knows nothing
// of that, so reasoning from another family (Gemini's signed thoughts,
// DeepSeek-style reasoning_content) is rendered with a marked signature
// `gw1.<base64url provider type>.<base64url signature>`. Anthropic's own
// signatures are plain base64 (no '.'), so they pass unchanged both ways.
//
// Coming back: a marked signature → its provider type and signature; any
// other non-empty signature → "anthropic"; no signature at all → unknown
// origin (''), which adapters treat as plain, unsigned reasoning text.

export const ANTHROPIC_PROVIDER_TYPE = 'anthropic';
const MARKER = 'gw1.';
const MARKED = /^gw1\.([A-Za-z0-9_-]*)\.([A-Za-z0-9_-]*)$/;

export function encodeReasoningSignature(providerType: string, signature: string): string {
  if (providerType === ANTHROPIC_PROVIDER_TYPE) return signature;
  if (providerType === '' && signature === '') return '';
  return `${MARKER}${Buffer.from(providerType, 'utf8').toString('base64url')}.${Buffer.from(signature, 'utf8').toString('base64url')}`;
}

export function decodeReasoningSignature(wire: string): { providerType: string; signature: string } {
  const marked = MARKED.exec(wire);
  if (marked) {
    return {
      providerType: Buffer.from(marked[1] ?? '', 'base64url').toString('utf8'),
      signature: Buffer.from(marked[2] ?? '', 'base64url').toString('utf8'),
    };
  }
  if (wire === '') return { providerType: '', signature: '' };
  return { providerType: ANTHROPIC_PROVIDER_TYPE, signature: wire };
}
