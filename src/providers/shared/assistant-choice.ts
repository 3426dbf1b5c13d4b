// The canonical Choice every family's map-response builds: one assistant
// message with the mapped parts, the unified finish reason and the raw one
// (and the stop sequence that matched, where the provider names it).
import { create } from '@bufbuild/protobuf';
import { ChoiceSchema, MessageSchema, Role, type Choice, type ContentPart, type FinishReason } from '../../../gen/llmgateway/v1/chat_pb.js';

export interface AssistantChoice {
  index: number;
  content: ContentPart[];
  finishReason: FinishReason;
  rawFinishReason: string;
  /** Which requested stop sequence ended the answer; '' when the provider does not say. */
  stopSequence?: string;
}

export function assistantChoice({ index, content, finishReason, rawFinishReason, stopSequence = '' }: AssistantChoice): Choice {
  return create(ChoiceSchema, {
    index,
    message: create(MessageSchema, { role: Role.ASSISTANT, content }),
    finishReason,
    rawFinishReason,
    stopSequence,
  });
}
