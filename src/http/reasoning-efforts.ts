// Reasoning effort names as both shims' clients send them (OpenAI's
// `reasoning_effort`, Anthropic's `output_config.effort`) → the canonical
// ReasoningEffort. Each shim accepts the names its API defines, in this order.
import { ReasoningEffort } from '../../gen/llmgateway/v1/chat_pb.js';

export const REASONING_EFFORTS = {
  none: ReasoningEffort.NONE,
  minimal: ReasoningEffort.MINIMAL,
  low: ReasoningEffort.LOW,
  medium: ReasoningEffort.MEDIUM,
  high: ReasoningEffort.HIGH,
  xhigh: ReasoningEffort.XHIGH,
  max: ReasoningEffort.MAX,
} as const;

export type EffortName = keyof typeof REASONING_EFFORTS;

/** Every name, for OpenAI's `reasoning_effort`. */
export const ALL_EFFORT_NAMES = Object.keys(REASONING_EFFORTS) as EffortName[];
