// choices[].logprobs (a whole answer's, or a stream chunk's own tokens) → canonical ChoiceLogprobs.
// https://platform.openai.com/docs/api-reference/chat/object (logprobs.content / .refusal: token, logprob,
// bytes, top_logprobs). Compatible hosts (vLLM, DeepSeek) send the same shape, some without `bytes` or
// `top_logprobs`: what is missing stays unset rather than made up.
import { create } from '@bufbuild/protobuf';
import { ChoiceLogprobsSchema, TokenLogprobSchema, TopLogprobSchema, type ChoiceLogprobs, type TokenLogprob, type TopLogprob } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { WireChoiceLogprobs, WireTokenLogprob } from './wire-types.js';

/** undefined when the upstream sent none (`logprobs: null`: not asked, or the host has none). */
export function mapLogprobs(wire: WireChoiceLogprobs | null | undefined): ChoiceLogprobs | undefined {
  if (wire === null || typeof wire !== 'object') return undefined;
  return create(ChoiceLogprobsSchema, { content: mapTokens(wire.content), refusal: mapTokens(wire.refusal) });
}

function mapTokens(tokens: WireTokenLogprob[] | null | undefined): TokenLogprob[] {
  if (!Array.isArray(tokens)) return [];
  const mapped: TokenLogprob[] = [];
  for (const entry of tokens) {
    if (entry === null || typeof entry !== 'object') continue;
    const alternatives: TopLogprob[] = [];
    for (const top of Array.isArray(entry.top_logprobs) ? entry.top_logprobs : []) {
      if (top !== null && typeof top === 'object') alternatives.push(create(TopLogprobSchema, { token: top.token ?? '', logprob: top.logprob ?? 0, bytes: bytesOf(top.bytes) }));
    }
    mapped.push(create(TokenLogprobSchema, { token: entry.token ?? '', logprob: entry.logprob ?? 0, bytes: bytesOf(entry.bytes), topLogprobs: alternatives }));
  }
  return mapped;
}

/** The token's UTF-8 bytes, when they are a list of byte values. */
function bytesOf(bytes: number[] | null | undefined): Uint8Array | undefined {
  if (!Array.isArray(bytes) || !bytes.every((value) => Number.isInteger(value) && value >= 0 && value <= 255)) return undefined;
  return Uint8Array.from(bytes);
}
