// Gemini often returns functionCall parts without an id. The gateway then
// mints one, unique within the conversation (a random suffix per response)
// and stable for the call within the response: `call_<n>_<suffix>`.
import { randomBytes } from 'node:crypto';

export type ToolCallIds = (upstreamId: string | undefined) => string;

export function createToolCallIds(suffix: string = randomBytes(6).toString('hex')): ToolCallIds {
  let minted = 0;
  return (upstreamId) => (upstreamId ? upstreamId : `call_${minted++}_${suffix}`);
}
