// OpenAI finish_reason → the unified FinishReason (docs/provider-wire-formats.md,
// "Finish reasons"). The raw
// value always travels beside it so clients can see what the upstream said.
import { FinishReason } from '../../../gen/llmgateway/v1/chat_pb.js';

export interface MappedFinish {
  reason: FinishReason;
  raw: string;
}

export interface FinishContext {
  /** The choice produced tool calls: a forced named tool can end with "stop" (GoModel#124). */
  sawToolCalls: boolean;
  /** The choice carried only a refusal (structured outputs): the model declined. */
  refusedOnly: boolean;
}

/**
 * Finish reasons that say the host stopped the answer itself before its end — DeepSeek's
 * "insufficient_system_resource" (https://api-docs.deepseek.com/api/create-chat-completion), vLLM's "abort"
 * (an engine-side abort) and "error" — so the answer is incomplete however it reads: the upstream's
 * transient fault (docs/errors.md), never a finished answer.
 */
const CUT_SHORT = new Set(['insufficient_system_resource', 'abort', 'error']);

export const isCutShort = (raw: string | null | undefined): boolean => raw != null && CUT_SHORT.has(raw);

export function mapFinishReason(raw: string | null | undefined, context: FinishContext): MappedFinish {
  const value = raw ?? '';
  return { reason: unify(value, context), raw: value };
}

function unify(raw: string, { sawToolCalls, refusedOnly }: FinishContext): FinishReason {
  switch (raw) {
    case 'stop':
      if (sawToolCalls) return FinishReason.TOOL_CALLS;
      return refusedOnly ? FinishReason.CONTENT_FILTER : FinishReason.STOP;
    case 'length':
      return FinishReason.LENGTH;
    case 'tool_calls':
      return FinishReason.TOOL_CALLS;
    case 'content_filter':
      return FinishReason.CONTENT_FILTER;
    // vLLM aborts and DeepSeek's "insufficient_system_resource" end a choice early.
    case 'error':
    case 'abort':
    case 'insufficient_system_resource':
      return FinishReason.ERROR;
    default:
      // function_call (legacy) and anything unknown.
      return FinishReason.OTHER;
  }
}
