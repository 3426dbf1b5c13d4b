// A choice's content tokens (ChatRequest.logprobs) → the logprobs of the output_text parts they spell, in
// order: each part takes tokens until their text covers its own, the last part what is left (a provider whose
// tokens do not spell the text exactly still loses none). A refusal part has no logprobs field.
// https://platform.openai.com/docs/api-reference/responses/object (output_text.logprobs)
import type { ChoiceLogprobs, TokenLogprob } from '../../../gen/llmgateway/v1/chat_pb.js';
import { renderTokens } from '../openai/render-logprobs.js';
import type { OutputItem, OutputText } from './responses-wire.js';

export function spreadLogprobs(output: readonly OutputItem[], logprobs: ChoiceLogprobs | undefined): void {
  const tokens = logprobs?.content ?? [];
  if (tokens.length === 0) return;
  const texts: OutputText[] = [];
  for (const item of output) {
    if (item.type !== 'message') continue;
    for (const part of item.content) if (part.type === 'output_text') texts.push(part);
  }
  let next = 0;
  texts.forEach((part, position) => {
    const last = position === texts.length - 1;
    const taken: TokenLogprob[] = [];
    let covered = 0;
    while (next < tokens.length && (last || covered < part.text.length)) {
      const token = tokens[next++]!;
      taken.push(token);
      covered += token.token.length;
    }
    part.logprobs = renderTokens(taken);
  });
}
