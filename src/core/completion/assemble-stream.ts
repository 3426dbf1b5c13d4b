// Folds a canonical chunk stream into the ChatResponse a unary call would
// have returned (for stream-to-unary surfaces, caching and tests).
import { create } from '@bufbuild/protobuf';
import {
  ChatResponseSchema,
  ChoiceLogprobsSchema,
  ChoiceSchema,
  ContentPartSchema,
  MessageSchema,
  Role,
  type ChatResponse,
  type Choice,
  type ContentPart,
  type StreamChunk,
  type ToolCallPart,
} from '../../../gen/llmgateway/v1/chat_pb.js';

interface ChoiceBuilder {
  choice: Choice;
  /** Open reasoning part (null once a signature / redacted data closed it). */
  openReasoning: ContentPart | null;
  callsByIndex: Map<number, ToolCallPart>;
}

export class StreamAssembler {
  readonly response: ChatResponse = create(ChatResponseSchema);
  private readonly choices = new Map<number, ChoiceBuilder>();

  private builder(index: number): ChoiceBuilder {
    let builder = this.choices.get(index);
    if (!builder) {
      const choice = create(ChoiceSchema, { index, message: create(MessageSchema, { role: Role.ASSISTANT }) });
      builder = { choice, openReasoning: null, callsByIndex: new Map() };
      this.choices.set(index, builder);
      this.response.choices.push(choice);
      this.response.choices.sort((left, right) => left.index - right.index);
    }
    return builder;
  }

  add(chunk: StreamChunk): void {
    const event = chunk.event;
    switch (event.case) {
      case 'start':
        this.response.id = event.value.id;
        this.response.created = event.value.created;
        this.response.model = event.value.model;
        return;
      case 'textDelta': {
        const builder = this.builder(chunk.choiceIndex);
        const parts = builder.choice.message!.content;
        const last = parts[parts.length - 1];
        // A refusal's text is a part of its own: it never joins the content's.
        const { text, signature, refusal, logprobs } = event.value;
        if (logprobs.length > 0) {
          const carried = (builder.choice.logprobs ??= create(ChoiceLogprobsSchema));
          (refusal ? carried.refusal : carried.content).push(...logprobs);
          // Tokens without text (a provider that sent them apart) add no part.
          if (text === '' && signature === '') return;
        }
        if (last?.kind.case === 'text' && last.kind.value.refusal === refusal) {
          last.kind.value.text += text;
          if (signature) last.kind.value.signature = signature;
        } else {
          parts.push(create(ContentPartSchema, { kind: { case: 'text', value: { text, signature, refusal } } }));
        }
        builder.openReasoning = null;
        return;
      }
      case 'reasoningDelta': {
        const builder = this.builder(chunk.choiceIndex);
        if (!builder.openReasoning) {
          builder.openReasoning = create(ContentPartSchema, { kind: { case: 'reasoning', value: { providerType: event.value.providerType } } });
          builder.choice.message!.content.push(builder.openReasoning);
        }
        const part = builder.openReasoning.kind;
        if (part.case !== 'reasoning') return;
        part.value.text += event.value.text;
        if (event.value.providerType) part.value.providerType = event.value.providerType;
        if (event.value.signature || event.value.redactedData) {
          part.value.signature += event.value.signature;
          part.value.redactedData += event.value.redactedData;
          builder.openReasoning = null;
        }
        return;
      }
      case 'toolCallStart': {
        const builder = this.builder(chunk.choiceIndex);
        const part = create(ContentPartSchema, {
          kind: { case: 'toolCall', value: { id: event.value.id, name: event.value.name, signature: event.value.signature } },
        });
        builder.choice.message!.content.push(part);
        builder.callsByIndex.set(event.value.index, part.kind.value as ToolCallPart);
        builder.openReasoning = null;
        return;
      }
      case 'toolCallDelta': {
        const call = this.builder(chunk.choiceIndex).callsByIndex.get(event.value.index);
        if (call) call.argumentsJson += event.value.argumentsDelta;
        return;
      }
      case 'finish': {
        const choice = this.builder(chunk.choiceIndex).choice;
        choice.finishReason = event.value.reason;
        choice.rawFinishReason = event.value.rawReason;
        choice.stopSequence = event.value.stopSequence;
        if (event.value.promptFeedback) this.response.promptFeedback = event.value.promptFeedback;
        if (event.value.safetyRatings.length > 0) choice.safetyRatings = event.value.safetyRatings;
        return;
      }
      case 'usage':
        this.response.usage = event.value;
        return;
      case 'route':
        this.response.route = event.value;
        return;
      case 'warning':
        this.response.warnings.push(event.value);
        return;
      default:
        return;
    }
  }
}

export async function assembleStream(chunks: AsyncIterable<StreamChunk>): Promise<ChatResponse> {
  const assembler = new StreamAssembler();
  for await (const chunk of chunks) assembler.add(chunk);
  return assembler.response;
}
