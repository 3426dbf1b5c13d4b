// A provider signature on a tool call (Gemini `thoughtSignature`) has no
// place in OpenAI's or Anthropic's wire format, yet must come back with the
// call on the next request, or Gemini refuses the turn
// (https://ai.google.dev/gemini-api/docs/thought-signatures). Clients echo
// tool-call ids verbatim, so the signature travels inside the id:
// `<id>__thought__<base64url>` (docs/edges.md, "Tool-call ids"). base64url
// keeps the id within [A-Za-z0-9_-] (valid for every provider).

const MARKER = '__thought__';

export function encodeToolCallId(id: string, signature: string): string {
  if (!signature) return id;
  return `${id}${MARKER}${Buffer.from(signature, 'utf8').toString('base64url')}`;
}

export function decodeToolCallId(wireId: string): { id: string; signature: string } {
  const at = wireId.indexOf(MARKER);
  if (at < 0) return { id: wireId, signature: '' };
  return {
    id: wireId.slice(0, at),
    signature: Buffer.from(wireId.slice(at + MARKER.length), 'base64url').toString('utf8'),
  };
}
