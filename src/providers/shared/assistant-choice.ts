// The canonical Choice every family's map-response builds: one assistant
// message with the mapped parts, the unified finish reason and the raw one.
import { create } from '@bufbuild/protobuf';
import { ChoiceSchema, MessageSchema, Role, type Choice, type ContentPart, type FinishReason } from '../../../gen/llmgateway/v1/chat_pb.js';

export interface AssistantChoice {
  index: number;
  content: ContentPart[];
  finishReason: FinishReason;
  rawFinishReason: string;
}

export function assistantChoice({ index, content, finishReason, rawFinishReason }: AssistantChoice): Choice {
  return create(ChoiceSchema, {
    index,
    message: create(MessageSchema, { role: Role.ASSISTANT, content }),
    finishReason,
    rawFinishReason,
  });
}
