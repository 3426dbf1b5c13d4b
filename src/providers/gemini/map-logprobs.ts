// A candidate's logprobsResult → canonical tokens: chosenCandidates[i] is the token of step i, and
// topCandidates[i].candidates the most likely ones at that step (https://ai.google.dev/api/generate-content#LogprobsResult).
// Gemini gives token strings only (no bytes), and has no refusal. In a stream each event's candidate carries
// the tokens of its own new parts; they go on that event's last text delta.
import { create } from '@bufbuild/protobuf';
import {
  ChoiceLogprobsSchema,
  StreamChunkSchema,
  TokenLogprobSchema,
  TopLogprobSchema,
  type ChoiceLogprobs,
  type StreamChunk,
  type TokenLogprob,
} from '../../../gen/llmgateway/v1/chat_pb.js';
import type { GeminiLogprobsCandidate, GeminiLogprobsResult } from './wire-types.js';

export function mapLogprobTokens(result: GeminiLogprobsResult | undefined): TokenLogprob[] {
  const chosen = result?.chosenCandidates;
  if (!Array.isArray(chosen)) return [];
  const top = Array.isArray(result?.topCandidates) ? result.topCandidates : [];
  return chosen.map((step, position) => {
    const alternatives = top[position]?.candidates;
    return create(TokenLogprobSchema, {
      ...tokenOf(step),
      topLogprobs: Array.isArray(alternatives) ? alternatives.map((entry) => create(TopLogprobSchema, tokenOf(entry))) : [],
    });
  });
}

/** A unary candidate's log probabilities; undefined when it has none (not asked). */
export function mapLogprobs(result: GeminiLogprobsResult | undefined): ChoiceLogprobs | undefined {
  if (result === undefined || result === null || typeof result !== 'object') return undefined;
  return create(ChoiceLogprobsSchema, { content: mapLogprobTokens(result) });
}

/** Puts a streamed candidate's tokens on the last text delta of its event, or on one of their own when it had no text. */
export function attachTokens(chunks: StreamChunk[], choiceIndex: number, tokens: TokenLogprob[]): void {
  if (tokens.length === 0) return;
  for (let index = chunks.length - 1; index >= 0; index -= 1) {
    const event = chunks[index]!.event;
    if (event.case === 'textDelta') {
      event.value.logprobs.push(...tokens);
      return;
    }
  }
  chunks.push(create(StreamChunkSchema, { choiceIndex, event: { case: 'textDelta', value: { logprobs: tokens } } }));
}

function tokenOf(candidate: GeminiLogprobsCandidate | null | undefined): { token: string; logprob: number } {
  return { token: candidate?.token ?? '', logprob: candidate?.logProbability ?? 0 };
}
