// A candidate's logprobsResult → the canonical model, unary and streamed
// (https://ai.google.dev/api/generate-content#LogprobsResult): chosenCandidates[i] with topCandidates[i], a
// zero log probability left out of Google's JSON read as 0, tokens on the event's last text delta.
import { describe, expect, it } from 'vitest';
import { mapResponse } from '../../../src/providers/gemini/map-response.js';
import { StreamMapper } from '../../../src/providers/gemini/map-stream.js';
import type { GeminiResponse } from '../../../src/providers/gemini/wire-types.js';

const result = {
  chosenCandidates: [{ token: 'Hi', tokenId: 17, logProbability: -0.25 }, { token: '!', tokenId: 3 }],
  topCandidates: [{ candidates: [{ token: 'Hi', logProbability: -0.25 }, { token: 'Hey', logProbability: -1.5 }] }, { candidates: [{ token: '!' }] }],
};

describe('Gemini log probabilities', () => {
  it('unary: chosen tokens with their step’s top candidates; none without a logprobsResult', () => {
    const answer: GeminiResponse = {
      candidates: [
        { index: 0, content: { role: 'model', parts: [{ text: 'Hi!' }] }, finishReason: 'STOP', logprobsResult: result },
        { index: 1, content: { role: 'model', parts: [{ text: 'Hi!' }] }, finishReason: 'STOP' },
      ],
    };
    const [first, second] = mapResponse(answer).choices;
    expect(first?.logprobs?.content).toMatchObject([
      { token: 'Hi', logprob: -0.25, topLogprobs: [{ token: 'Hi', logprob: -0.25 }, { token: 'Hey', logprob: -1.5 }] },
      { token: '!', logprob: 0, topLogprobs: [{ token: '!', logprob: 0 }] },
    ]);
    expect(first?.logprobs?.content[0]?.bytes).toBeUndefined();
    expect(first?.logprobs?.refusal).toEqual([]);
    expect(second?.logprobs).toBeUndefined();
  });

  it('stream: an event’s tokens go on its last text delta, or on a delta of their own when it has no text', () => {
    const mapper = new StreamMapper();
    const withText = mapper.map({ candidates: [{ index: 0, content: { role: 'model', parts: [{ text: 'thinking', thought: true }, { text: 'Hi' }] }, logprobsResult: { chosenCandidates: [{ token: 'Hi', logProbability: -0.25 }] } }] });
    const withoutText = mapper.map({ candidates: [{ index: 0, content: { role: 'model', parts: [] }, finishReason: 'STOP', logprobsResult: { chosenCandidates: [{ token: '!', logProbability: -2 }] } }] });
    expect(withText.map((chunk) => chunk.event)).toMatchObject([
      { case: 'reasoningDelta', value: { text: 'thinking' } },
      { case: 'textDelta', value: { text: 'Hi', logprobs: [{ token: 'Hi', logprob: -0.25 }] } },
    ]);
    expect(withoutText.map((chunk) => chunk.event)).toMatchObject([
      { case: 'textDelta', value: { text: '', logprobs: [{ token: '!', logprob: -2 }] } },
      { case: 'finish' },
    ]);
  });
});
