// choices[].logprobs → the canonical model, unary and streamed: OpenAI's shape
// (https://platform.openai.com/docs/api-reference/chat/object), a refusal's tokens, and a compatible host
// that leaves out bytes and top_logprobs.
import { describe, expect, it } from 'vitest';
import { mapResponse } from '../../../src/providers/openai/map-response.js';
import { StreamMapper } from '../../../src/providers/openai/map-stream.js';
import type { WireChatChunk, WireChatCompletion } from '../../../src/providers/openai/wire-types.js';

const hi = { token: 'Hi', logprob: -0.25, bytes: [72, 105], top_logprobs: [{ token: 'Hi', logprob: -0.25, bytes: [72, 105] }, { token: 'Hey', logprob: -1.5, bytes: [72, 101, 121] }] };
const bang = { token: '!', logprob: -9999, bytes: null, top_logprobs: [] };

describe('OpenAI-family log probabilities', () => {
  it('unary: content and refusal tokens with bytes and alternatives; none when the upstream sent null', () => {
    const answer: WireChatCompletion = {
      choices: [
        { index: 0, message: { role: 'assistant', content: 'Hi!' }, finish_reason: 'stop', logprobs: { content: [hi, bang], refusal: null } },
        { index: 1, message: { role: 'assistant', content: null, refusal: 'No' }, finish_reason: 'stop', logprobs: { content: null, refusal: [{ token: 'No', logprob: -0.5, bytes: [78, 111], top_logprobs: [] }] } },
        { index: 2, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop', logprobs: null },
      ],
    };
    const [first, second, third] = mapResponse(answer, 'openai').choices;
    expect(first?.logprobs?.content).toMatchObject([
      { token: 'Hi', logprob: -0.25, bytes: Uint8Array.from([72, 105]), topLogprobs: [{ token: 'Hi', logprob: -0.25 }, { token: 'Hey', logprob: -1.5, bytes: Uint8Array.from([72, 101, 121]) }] },
      { token: '!', logprob: -9999, topLogprobs: [] },
    ]);
    expect(first?.logprobs?.content[1]?.bytes).toBeUndefined();
    expect(second?.logprobs).toMatchObject({ content: [], refusal: [{ token: 'No', logprob: -0.5 }] });
    expect(third?.logprobs).toBeUndefined();
  });

  it('stream: a chunk’s tokens ride on its own text delta, refusal tokens on the refusal delta, tokens without text on an empty delta', () => {
    const mapper = new StreamMapper('openai-compatible');
    const chunk = (choice: NonNullable<WireChatChunk['choices']>[number]): WireChatChunk => ({ choices: [choice] });
    const text = mapper.map(chunk({ index: 0, delta: { content: 'Hi' }, logprobs: { content: [{ token: 'Hi', logprob: -0.25 }], refusal: null } }));
    const refusal = mapper.map(chunk({ index: 0, delta: { refusal: 'No' }, logprobs: { content: null, refusal: [{ token: 'No', logprob: -0.5 }] } }));
    const bare = mapper.map(chunk({ index: 0, delta: { content: '' }, logprobs: { content: [{ token: '', logprob: -3 }], refusal: null } }));
    const none = mapper.map(chunk({ index: 0, delta: { content: 'x' }, logprobs: null }));
    expect(text.map((entry) => entry.event)).toMatchObject([{ case: 'textDelta', value: { text: 'Hi', refusal: false, logprobs: [{ token: 'Hi', logprob: -0.25, topLogprobs: [] }] } }]);
    // A compatible host without bytes: left unset, not made up.
    expect(text[0]?.event.case === 'textDelta' && text[0].event.value.logprobs[0]?.bytes).toBeUndefined();
    expect(refusal.map((entry) => entry.event)).toMatchObject([{ case: 'textDelta', value: { text: 'No', refusal: true, logprobs: [{ token: 'No' }] } }]);
    expect(bare.map((entry) => entry.event)).toMatchObject([{ case: 'textDelta', value: { text: '', logprobs: [{ token: '', logprob: -3 }] } }]);
    expect(none.map((entry) => entry.event)).toMatchObject([{ case: 'textDelta', value: { text: 'x', logprobs: [] } }]);
  });
});
