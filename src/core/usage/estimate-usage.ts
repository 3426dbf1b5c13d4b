// Usage when the upstream reported none: counted with the tokenizer (input:
// the request, unless the provider told it before the output; output: text,
// reasoning and tool-call arguments) and marked estimated, so that no
// completion ends without usage.
import { create } from '@bufbuild/protobuf';
import { UsageSchema, type ChatRequest, type Choice, type InputUsage, type Usage } from '../../../gen/llmgateway/v1/chat_pb.js';
import { countChatTokens, countTextTokens, encodingFor } from '../completion/count-tokens.js';

export interface GeneratedTexts {
  /** Answer text, tool names and tool-call arguments. */
  output: string[];
  reasoning: string[];
  /** What the provider said of the input before the output (a stream cut before its usage still knows it). */
  input?: InputUsage;
}

export function generatedTextsOf(choices: readonly Choice[]): GeneratedTexts {
  const texts: GeneratedTexts = { output: [], reasoning: [] };
  for (const choice of choices) {
    for (const part of choice.message?.content ?? []) {
      if (part.kind.case === 'text') texts.output.push(part.kind.value.text);
      else if (part.kind.case === 'reasoning') texts.reasoning.push(part.kind.value.text);
      else if (part.kind.case === 'toolCall') texts.output.push(part.kind.value.name, part.kind.value.argumentsJson);
    }
  }
  return texts;
}

export function estimateUsage(request: ChatRequest, upstreamModel: string, generated: GeneratedTexts): Usage {
  const encoding = encodingFor(upstreamModel);
  // Counted as one text: a streamed answer's pieces split words (a piece ending in a space counts that space as a
  // token of its own), which would overcount against the provider's tokenizer.
  const count = (texts: readonly string[]) => (texts.length === 0 ? 0 : countTextTokens(texts.join(''), encoding));
  // The provider's own input count, cached and cache-written tokens included, over the tokenizer's guess; an
  // input usage that names only the service tier (the OpenAI family's) counts nothing.
  const known = generated.input && generated.input.inputTokens > 0 ? generated.input : undefined;
  const inputTokens = known ? known.inputTokens : countChatTokens(request, upstreamModel).tokens;
  const outputTokens = count(generated.output);
  const reasoningTokens = count(generated.reasoning);
  return create(UsageSchema, {
    inputTokens,
    ...(known ? { cachedInputTokens: known.cachedInputTokens, cacheWriteTokens: known.cacheWriteTokens, cacheWrite1hTokens: known.cacheWrite1hTokens } : {}),
    outputTokens: outputTokens + reasoningTokens,
    reasoningTokens,
    totalTokens: inputTokens + outputTokens + reasoningTokens,
    estimated: true,
    serviceTier: generated.input?.serviceTier ?? '',
  });
}

/** Embeddings bill input tokens only. */
export function estimateEmbeddingUsage(inputs: readonly string[], upstreamModel: string): Usage {
  const encoding = encodingFor(upstreamModel);
  const inputTokens = inputs.reduce((sum, text) => sum + countTextTokens(text, encoding), 0);
  return create(UsageSchema, { inputTokens, totalTokens: inputTokens, estimated: true });
}
