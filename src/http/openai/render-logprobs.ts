// Canonical token log probabilities → OpenAI's `{token, logprob, bytes, top_logprobs}` entries, for a
// chat.completion's choices[].logprobs, a chunk's (its delta's tokens), and the Responses API's output_text.
// `bytes` are the provider's when it gave them; a provider that gives only the token's text (Gemini) gets that
// text's UTF-8 bytes, which is what the field holds for a token that is whole characters.
// https://platform.openai.com/docs/api-reference/chat/object
import type { ChoiceLogprobs, TokenLogprob, TopLogprob } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { OpenAIChoiceLogprobs, OpenAITokenLogprob, OpenAITopLogprob } from './openai-wire.js';

const encoder = new TextEncoder();

export function renderTokens(tokens: readonly TokenLogprob[]): OpenAITokenLogprob[] {
  const rendered: OpenAITokenLogprob[] = [];
  for (const token of tokens) {
    const top: OpenAITopLogprob[] = [];
    for (const entry of token.topLogprobs) top.push(renderTop(entry));
    rendered.push({ ...renderTop(token), top_logprobs: top });
  }
  return rendered;
}

function renderTop(entry: TokenLogprob | TopLogprob): OpenAITopLogprob {
  return { token: entry.token, logprob: entry.logprob, bytes: Array.from(entry.bytes ?? encoder.encode(entry.token)) };
}

/** A choice's `logprobs`: null when the answer carries none (not asked, or the provider gave none). */
export function renderChoiceLogprobs(logprobs: ChoiceLogprobs | undefined): OpenAIChoiceLogprobs | null {
  if (!logprobs) return null;
  return {
    content: logprobs.content.length > 0 || logprobs.refusal.length === 0 ? renderTokens(logprobs.content) : null,
    refusal: logprobs.refusal.length > 0 ? renderTokens(logprobs.refusal) : null,
  };
}

/** A stream chunk's `logprobs`: the tokens of its delta, as content or as refusal. */
export function renderDeltaLogprobs(tokens: readonly TokenLogprob[], refusal: boolean): OpenAIChoiceLogprobs | null {
  if (tokens.length === 0) return null;
  return refusal ? { content: null, refusal: renderTokens(tokens) } : { content: renderTokens(tokens), refusal: null };
}
