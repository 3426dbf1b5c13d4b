// Log probabilities through the gateway, asked in each client's own terms (OpenAI `logprobs` /
// `top_logprobs`, Gemini `generationConfig.responseLogprobs` / `logprobs`, the canonical
// ChatRequest.logprobs / top_logprobs over Connect), sent to OpenAI-family and Gemini upstreams, and
// carried back in the client's own shape, unary and streamed, also from the response cache. Claude has none:
// refused before any call, so a route passes over it.
import { create } from '@bufbuild/protobuf';
import { ApiError, type GenerateContentResponse } from '@google/genai';
import OpenAI, { BadRequestError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatRequestSchema, Role } from '../../gen/llmgateway/v1/chat_pb.js';
import { averageLogprob, fixtureTokens, openaiLogprobs } from '../fixtures/logprob-answers.js';
import type { ProviderFamily } from '../fixtures/scenarios.js';
import { keyClients, type KeyClients } from '../helpers/key-clients.js';
import { rejection } from '../helpers/rejection.js';
import { createClaudeThenOpenAIRoute, startShimHarness, type ShimHarness } from './shim-harness.js';

let harness: ShimHarness;
let clients: KeyClients;

beforeAll(async () => {
  harness = await startShimHarness(['openai', 'openai-compatible', 'gemini', 'anthropic']);
  await createClaudeThenOpenAIRoute(harness, 'claude-then-openai');
  clients = keyClients(harness.gateway.url, harness.secret);
});
afterAll(async () => harness?.close());

type Serving = 'openai' | 'openai-compatible' | 'gemini';
/** OpenAI itself, a compatible host (DeepSeek-flavoured; Azure shares the family's code) and Gemini. */
const SERVING: Serving[] = ['openai', 'openai-compatible', 'gemini'];
const PIECES = ['Hel', 'lo, ', 'world!'];
/** What an OpenAI client should read: the fixture's tokens, bytes as UTF-8 (Gemini gives none; they are the token's). */
const expectedContent = (top: number) => openaiLogprobs(fixtureTokens(PIECES, top)).content;
const hello = (model: string) => ({ model, messages: [{ role: 'user' as const, content: 'Say hello' }] });
const chatRequests = (family: ProviderFamily) => harness.fixture(family).received.filter((request) => request.normalized);
const lastBody = (family: ProviderFamily) => chatRequests(family).at(-1)!.body as Record<string, unknown>;
const warnedParams = (headers: Headers) => (JSON.parse(headers.get('x-gateway-warnings') ?? '[]') as Array<{ param: string }>).map((warning) => warning.param);

/** The upstream was asked for log probabilities with `top` alternatives, in its own terms. */
function expectAsked(family: Serving, top: number): void {
  if (family !== 'gemini') expect(lastBody(family)).toMatchObject({ logprobs: true, top_logprobs: top });
  else expect(lastBody('gemini')['generationConfig']).toMatchObject({ responseLogprobs: true, logprobs: top });
}

describe('OpenAI chat completions (official openai client)', () => {
  it.each(SERVING)('unary from %s: choices[].logprobs.content with bytes and top alternatives', async (family) => {
    const { data, response } = await clients.openai.chat.completions.create({ ...hello(`${family}/plain-text`), logprobs: true, top_logprobs: 2 }).withResponse();
    expect(data.choices[0]?.message.content).toBe('Hello, world!');
    expect(data.choices[0]?.logprobs).toEqual({ content: expectedContent(2), refusal: null });
    expectAsked(family, 2);
    expect(warnedParams(response.headers)).not.toContain('logprobs');
  });

  it.each(SERVING)('streamed from %s: each content chunk carries the log probabilities of its own tokens', async (family) => {
    const stream = await clients.openai.chat.completions.create({ ...hello(`${family}/plain-text`), logprobs: true, top_logprobs: 1, stream: true });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const withContent = chunks.map((chunk) => chunk.choices[0]).filter((choice) => choice?.delta.content);
    expect(withContent.map((choice) => [choice!.delta.content, choice!.logprobs?.content?.map((token) => token.token)])).toEqual(PIECES.map((piece) => [piece, [piece]]));
    expect(withContent.flatMap((choice) => choice!.logprobs?.content ?? [])).toEqual(expectedContent(1));
    expectAsked(family, 1);
  });

  it('not asked: logprobs stay null and the upstream is not asked either', async () => {
    for (const family of SERVING) {
      const data = await clients.openai.chat.completions.create(hello(`${family}/plain-text`));
      expect(data.choices[0]?.logprobs).toBeNull();
      expect(JSON.stringify(lastBody(family))).not.toMatch(/logprobs/i);
    }
  });

  it('top_logprobs above 20 or without logprobs: true is a 400 on top_logprobs, before any call', async () => {
    const before = chatRequests('openai').length;
    for (const asked of [{ logprobs: true, top_logprobs: 21 }, { top_logprobs: 3 }]) {
      const error = await rejection(clients.openai.chat.completions.create({ ...hello('openai/plain-text'), ...asked }));
      expect(error).toBeInstanceOf(BadRequestError);
      expect((error as BadRequestError).param).toBe('top_logprobs');
    }
    expect(chatRequests('openai').length).toBe(before);
  });
});

describe('Gemini generateContent (official @google/genai client)', () => {
  const chosen = (top: number) => fixtureTokens(PIECES, top).map(({ token, logprob }) => ({ token, logProbability: logprob }));
  const topCandidates = (top: number) => fixtureTokens(PIECES, top).map((token) => ({ candidates: token.top.map((entry) => ({ token: entry.token, logProbability: entry.logprob })) }));
  const ask = { responseLogprobs: true, logprobs: 2 };

  it.each(SERVING)('unary from %s: logprobsResult (chosen and top candidates) and avgLogprobs', async (family) => {
    const answer = await clients.gemini.models.generateContent({ model: `${family}/plain-text`, contents: 'Say hello', config: ask });
    const candidate = answer.candidates?.[0];
    expect(answer.text).toBe('Hello, world!');
    expect(candidate?.logprobsResult?.chosenCandidates).toEqual(chosen(2));
    expect(candidate?.logprobsResult?.topCandidates).toEqual(topCandidates(2));
    expect(candidate?.avgLogprobs).toBeCloseTo(averageLogprob(fixtureTokens(PIECES, 2)), 12);
    expectAsked(family, 2);
  });

  it.each(SERVING)('streamed from %s: each text chunk carries its tokens, the last one the average', async (family) => {
    const chunks: GenerateContentResponse[] = [];
    for await (const chunk of await clients.gemini.models.generateContentStream({ model: `${family}/plain-text`, contents: 'Say hello', config: ask })) chunks.push(chunk);
    const withText = chunks.filter((chunk) => chunk.text);
    expect(withText.map((chunk) => chunk.candidates?.[0]?.logprobsResult?.chosenCandidates?.map((token) => token.token))).toEqual(PIECES.map((piece) => [piece]));
    expect(withText.flatMap((chunk) => chunk.candidates?.[0]?.logprobsResult?.chosenCandidates ?? [])).toEqual(chosen(2));
    expect(withText.flatMap((chunk) => chunk.candidates?.[0]?.logprobsResult?.topCandidates ?? [])).toEqual(topCandidates(2));
    expect(chunks.at(-1)?.candidates?.[0]?.avgLogprobs).toBeCloseTo(averageLogprob(fixtureTokens(PIECES, 2)), 12);
    expectAsked(family, 2);
  });
});

describe('Claude has no log probabilities', () => {
  it('refused before any call, in each surface’s terms; a route passes over Claude', async () => {
    const before = chatRequests('anthropic').length;
    const openaiError = await rejection(clients.openai.chat.completions.create({ ...hello('anthropic/plain-text'), logprobs: true }));
    expect(openaiError).toBeInstanceOf(BadRequestError);
    expect((openaiError as BadRequestError).param).toBe('logprobs');
    expect((openaiError as BadRequestError).message).toContain('log probabilities');
    const geminiError = await rejection(clients.gemini.models.generateContent({ model: 'anthropic/plain-text', contents: 'Say hello', config: { responseLogprobs: true } }));
    expect(geminiError).toBeInstanceOf(ApiError);
    expect((geminiError as ApiError).status).toBe(400);
    expect((geminiError as ApiError).message).toContain('generationConfig.responseLogprobs');
    expect(chatRequests('anthropic').length).toBe(before);

    const { data, response } = await clients.openai.chat.completions.create({ ...hello('claude-then-openai'), logprobs: true }).withResponse();
    expect(response.headers.get('x-gateway-provider')).toBe('openai');
    expect(data.choices[0]?.logprobs?.content).toEqual(expectedContent(0));
  });
});

describe('Connect (connect-node CompletionService)', () => {
  const chat = (family: string) =>
    create(ChatRequestSchema, {
      model: `${family}/plain-text`,
      messages: [{ role: Role.USER, content: [{ kind: { case: 'text', value: { text: 'Say hello' } } }] }],
      logprobs: true,
      topLogprobs: 2,
    });
  const canonical = (top: number) =>
    fixtureTokens(PIECES, top).map(({ token, logprob, top: alternatives }) => ({ token, logprob, topLogprobs: alternatives.map((entry) => ({ token: entry.token, logprob: entry.logprob })) }));

  it.each(SERVING)('Complete and StreamComplete from %s carry the tokens on the choice and on the text deltas', async (family) => {
    const { response } = await clients.rpc.complete({ chat: chat(family) });
    expect(response?.choices[0]?.logprobs?.content).toMatchObject(canonical(2));
    expectAsked(family, 2);
    const deltas = [];
    for await (const { chunk } of clients.rpc.streamComplete({ chat: chat(family) })) {
      if (chunk?.event.case === 'textDelta') deltas.push(chunk.event.value);
    }
    expect(deltas.map((delta) => [delta.text, delta.logprobs.map((token) => token.token)])).toEqual(PIECES.map((piece) => [piece, [piece]]));
    expect(deltas.flatMap((delta) => delta.logprobs)).toMatchObject(canonical(2));
  });
});

describe('log probabilities through provider_options', () => {
  it('Gemini generationConfig.responseLogprobs / logprobs are left out with a warning naming the request’s own fields', async () => {
    const { response } = await clients.rpc.complete({
      chat: create(ChatRequestSchema, {
        model: 'gemini/plain-text',
        messages: [{ role: Role.USER, content: [{ kind: { case: 'text', value: { text: 'Say hello' } } }] }],
        providerOptions: { generationConfig: { responseLogprobs: true, logprobs: 3 }, response_logprobs: true },
      }),
    });
    expect(response?.choices[0]?.logprobs).toBeUndefined();
    expect(JSON.stringify(lastBody('gemini'))).not.toMatch(/logprobs/i);
    const warnings = response?.warnings.filter((warning) => warning.code === 'ignored_provider_option') ?? [];
    expect(warnings.map((warning) => warning.param)).toEqual([
      'provider_options.generationConfig.responseLogprobs',
      'provider_options.generationConfig.logprobs',
      'provider_options.response_logprobs',
    ]);
    expect(warnings[0]?.message).toMatch(/request's own logprobs field/);
    expect(warnings[1]?.message).toMatch(/request's own top_logprobs field/);
  });
});

describe('the response cache', () => {
  it('keeps the log probabilities of the answer it stores; a request without them is another entry', async () => {
    const created = (await harness.admin('KeysService/CreateKey', { name: 'logprobs-cached', cacheEnabled: true })) as { secret: string };
    const cached = harness.clientWith({ apiKey: created.secret });
    const asked = { ...hello('openai/plain-text'), logprobs: true, top_logprobs: 2 };
    for (const expected of ['miss', 'hit']) {
      const { data, response } = await cached.chat.completions.create(asked).withResponse();
      expect(response.headers.get('x-gateway-cache')).toBe(expected);
      expect(data.choices[0]?.logprobs?.content).toEqual(expectedContent(2));
    }
    const plain = await cached.chat.completions.create(hello('openai/plain-text')).withResponse();
    expect(plain.response.headers.get('x-gateway-cache')).toBe('miss');
    expect(plain.data.choices[0]?.logprobs).toBeNull();
    for (const expected of ['miss', 'hit']) {
      const { data, response } = await cached.chat.completions.create({ ...asked, stream: true }).withResponse();
      expect(response.headers.get('x-gateway-cache')).toBe(expected);
      const tokens: unknown[] = [];
      for await (const chunk of data) tokens.push(...(chunk.choices[0]?.logprobs?.content ?? []));
      expect(tokens).toEqual(expectedContent(2));
    }
  });
});
