// Canonical token log probabilities → Gemini's candidate.logprobsResult (chosenCandidates per decoding step,
// topCandidates beside them when alternatives were asked for) and avgLogprobs, their mean.
// https://ai.google.dev/api/generate-content#LogprobsResult. Token ids are the upstream's own and not
// carried, so they are left out (the field is optional). A refusal's tokens (OpenAI) are text tokens here.
import type { ChoiceLogprobs, TokenLogprob, TopLogprob } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { GeminiWireLogprobsCandidate, GeminiWireLogprobsResult } from './gemini-wire.js';

const candidateOf = (entry: TokenLogprob | TopLogprob): GeminiWireLogprobsCandidate => ({ token: entry.token, logProbability: entry.logprob });

export function renderLogprobsResult(tokens: readonly TokenLogprob[]): GeminiWireLogprobsResult {
  const result: GeminiWireLogprobsResult = { chosenCandidates: tokens.map(candidateOf) };
  if (tokens.some((token) => token.topLogprobs.length > 0)) {
    result.topCandidates = tokens.map((token) => ({ candidates: token.topLogprobs.map(candidateOf) }));
  }
  return result;
}

/** All of a choice's tokens, in the order they were produced. */
export function tokensOf(logprobs: ChoiceLogprobs | undefined): TokenLogprob[] {
  return logprobs ? [...logprobs.content, ...logprobs.refusal] : [];
}

/** Keeps a stream candidate's running total, for the avgLogprobs of its last event. */
export class LogprobAverage {
  #sum = 0;
  #count = 0;

  add(tokens: readonly TokenLogprob[]): void {
    for (const token of tokens) this.#sum += token.logprob;
    this.#count += tokens.length;
  }

  /** undefined before any token. */
  get value(): number | undefined {
    return this.#count === 0 ? undefined : this.#sum / this.#count;
  }
}

/** A unary candidate's logprobsResult and avgLogprobs, when the choice carries tokens. */
export function renderCandidateLogprobs(logprobs: ChoiceLogprobs | undefined): { logprobsResult?: GeminiWireLogprobsResult; avgLogprobs?: number } {
  const tokens = tokensOf(logprobs);
  if (tokens.length === 0) return {};
  const average = new LogprobAverage();
  average.add(tokens);
  return { logprobsResult: renderLogprobsResult(tokens), avgLogprobs: average.value! };
}
