// Anthropic stop_reason → unified FinishReason (docs/provider-wire-formats.md,
// "Finish reasons"), the raw
// value travelling beside it.
import { FinishReason } from '../../../gen/llmgateway/v1/chat_pb.js';

export interface MappedFinish {
  reason: FinishReason;
  raw: string;
}

const FINISH_BY_STOP_REASON: Record<string, FinishReason> = {
  end_turn: FinishReason.STOP,
  stop_sequence: FinishReason.STOP,
  max_tokens: FinishReason.LENGTH,
  model_context_window_exceeded: FinishReason.LENGTH,
  tool_use: FinishReason.TOOL_CALLS,
  refusal: FinishReason.CONTENT_FILTER,
  // A server-tool turn paused; the client resends to continue.
  pause_turn: FinishReason.OTHER,
};

export function mapFinishReason(stopReason: string | null | undefined): MappedFinish {
  const raw = stopReason ?? '';
  return { reason: FINISH_BY_STOP_REASON[raw] ?? FinishReason.OTHER, raw };
}
