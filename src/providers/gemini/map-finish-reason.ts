// Gemini finishReason / promptFeedback.blockReason → unified FinishReason
// (docs/provider-wire-formats.md, "Finish reasons"). Gemini ends a function-calling turn with
// STOP, so STOP becomes tool_calls when any functionCall was seen in the
// response — across stream chunks too (same document, Pitfall 4).
import { FinishReason } from '../../../gen/llmgateway/v1/chat_pb.js';

const CONTENT_FILTER = new Set(['SAFETY', 'RECITATION', 'LANGUAGE', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII']);
const ERROR = new Set([
  'MALFORMED_FUNCTION_CALL',
  'MALFORMED_RESPONSE',
  'UNEXPECTED_TOOL_CALL',
  'TOO_MANY_TOOL_CALLS',
  'MISSING_THOUGHT_SIGNATURE',
  'NO_IMAGE',
]);

export function mapFinishReason(raw: string | undefined, sawToolCall: boolean): FinishReason {
  if (raw === 'STOP') return sawToolCall ? FinishReason.TOOL_CALLS : FinishReason.STOP;
  if (raw === 'MAX_TOKENS') return FinishReason.LENGTH;
  if (raw === undefined) return FinishReason.UNSPECIFIED;
  if (CONTENT_FILTER.has(raw) || raw.startsWith('IMAGE_')) return FinishReason.CONTENT_FILTER;
  if (ERROR.has(raw)) return FinishReason.ERROR;
  return FinishReason.OTHER; // OTHER, FINISH_REASON_UNSPECIFIED, values added later.
}

/** A blocked prompt (no candidates) is always a content filter, whatever the reason. */
export const mapBlockReason = (_blockReason: string): FinishReason => FinishReason.CONTENT_FILTER;
