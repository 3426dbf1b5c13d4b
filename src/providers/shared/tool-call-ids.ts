// Gemini often returns functionCall parts without an id, and so do some
// OpenAI-compatible hosts' tool calls. The gateway then mints one, unique
// within the conversation (a random suffix per response, so a later turn's
// first call never repeats an earlier one's id) and stable for the call within
// the response: `call_<n>_<suffix>`.
import { randomBytes } from 'node:crypto';

export type ToolCallIds = (upstreamId: string | null | undefined) => string;

export function createToolCallIds(suffix?: string): ToolCallIds {
  let minted = 0;
  // Drawn on the first id minted, not per response: most answers carry their own ids or no calls, and
  // randomBytes costs microseconds on every request's path.
  let drawn = suffix;
  return (upstreamId) => (upstreamId ? upstreamId : `call_${minted++}_${(drawn ??= randomBytes(6).toString('hex'))}`);
}
