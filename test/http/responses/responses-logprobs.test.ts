// Log probabilities on the Responses API (official openai client): asked with
// include: ["message.output_text.logprobs"] and top_logprobs, answered on each output_text (unary and in
// the stored response) and on the stream's output_text.delta / .done events, from OpenAI-family and Gemini
// upstreams. https://platform.openai.com/docs/api-reference/responses/create
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureTokens, openaiLogprobs } from '../../fixtures/logprob-answers.js';
import { startShimHarness, type ShimHarness } from '../shim-harness.js';

let harness: ShimHarness;

beforeAll(async () => {
  harness = await startShimHarness(['openai', 'gemini']);
});
afterAll(async () => harness?.close());

const PIECES = ['Hel', 'lo, ', 'world!'];
const expected = (top: number) => openaiLogprobs(fixtureTokens(PIECES, top)).content;
const asked = (family: string) => ({ model: `${family}/plain-text`, input: 'Say hello', store: false, include: ['message.output_text.logprobs' as const], top_logprobs: 2 });
const lastBody = (family: 'openai' | 'gemini') => harness.fixture(family).received.filter((request) => request.normalized).at(-1)!.body as Record<string, unknown>;

describe.each(['openai', 'gemini'] as const)('responses → %s upstream', (family) => {
  it('answers each output_text with the log probabilities of its tokens', async () => {
    const response = await harness.client.responses.create(asked(family));
    const message = response.output[0] as OpenAI.Responses.ResponseOutputMessage;
    expect(message.content[0]).toMatchObject({ type: 'output_text', text: 'Hello, world!', logprobs: expected(2) });
    if (family === 'openai') expect(lastBody('openai')).toMatchObject({ logprobs: true, top_logprobs: 2 });
    else expect(lastBody('gemini')['generationConfig']).toMatchObject({ responseLogprobs: true, logprobs: 2 });
  });

  it('streams them on output_text.delta (the delta’s tokens) and output_text.done (all)', async () => {
    const stream = await harness.client.responses.create({ ...asked(family), stream: true });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    const deltas = events.filter((event): event is OpenAI.Responses.ResponseTextDeltaEvent => event.type === 'response.output_text.delta');
    expect(deltas.map((event) => [event.delta, event.logprobs.map((token) => token.token)])).toEqual(PIECES.map((piece) => [piece, [piece]]));
    const done = events.find((event): event is OpenAI.Responses.ResponseTextDoneEvent => event.type === 'response.output_text.done');
    expect(done?.logprobs.map((token) => [token.token, token.logprob])).toEqual(expected(2).map((token) => [token.token, token.logprob]));
    const completed = events.at(-1) as OpenAI.Responses.ResponseCompletedEvent;
    expect((completed.response.output[0] as OpenAI.Responses.ResponseOutputMessage).content[0]).toMatchObject({ logprobs: expected(2) });
  });

  it('without the include, output_text.logprobs stays empty and the upstream is not asked', async () => {
    const response = await harness.client.responses.create({ model: `${family}/plain-text`, input: 'Say hello', store: false });
    expect((response.output[0] as OpenAI.Responses.ResponseOutputMessage).content[0]).toMatchObject({ logprobs: [] });
    expect(JSON.stringify(lastBody(family))).not.toMatch(/logprobs/i);
  });
});
