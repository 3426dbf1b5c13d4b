// More stop sequences than a family takes (OpenAI and Azure OpenAI: 4; Gemini: 5) are refused before the call,
// in the surface's own shape and naming the client's field, so nothing is sent upstream and a route moves on
// to a target that takes them. The official @anthropic-ai/sdk, openai and @google/genai clients against the shims; the
// fixture upstreams answer more than their vendor takes with the vendor's own 400, as the real APIs do.
import Anthropic from '@anthropic-ai/sdk';
import { ApiError } from '@google/genai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderFamily } from '../fixtures/scenarios.js';
import { rejection } from '../helpers/rejection.js';
import { startShimHarness, type ShimHarness } from './shim-harness.js';
import { geminiClient } from './gemini/gemini-harness.js';

let harness: ShimHarness;
let client: Anthropic;

beforeAll(async () => {
  harness = await startShimHarness(['openai', 'anthropic', 'gemini', 'openai-compatible']);
  client = new Anthropic({ baseURL: harness.gateway.url, apiKey: harness.secret, maxRetries: 0 });
  await harness.admin('RoutesService/CreateRoute', {
    name: 'gpt-then-claude',
    strategy: 'ROUTE_STRATEGY_PRIORITY',
    targets: [
      { providerId: 'openai', upstreamModel: 'plain-text' },
      { providerId: 'anthropic', upstreamModel: 'plain-text' },
    ],
  });
});
afterAll(async () => harness?.close());

const five = ['END', 'STOP', '###', '\n\n', '</answer>'];
const six = [...five, '<|end|>'];
const message = (model: string, stops: string[]): Anthropic.MessageCreateParamsNonStreaming => ({
  model,
  max_tokens: 64,
  stop_sequences: stops,
  messages: [{ role: 'user', content: 'Say hello' }],
});
const received = (family: ProviderFamily) => harness.fixture(family).received.length;

describe('an Anthropic client sending stop_sequences', () => {
  it('5 to a GPT model: a 400 naming stop_sequences and the limit, nothing sent upstream', async () => {
    const before = received('openai');
    const error = await rejection(client.messages.create(message('openai/plain-text', five)));
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    const body = (error as InstanceType<typeof Anthropic.BadRequestError>).error as { error: { type: string; message: string } };
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toMatch(/^stop_sequences: .*at most 4/);
    expect(received('openai')).toBe(before);
  });

  it('5 through a route: the GPT target is passed over, Claude answers', async () => {
    const before = received('openai');
    const { data, response } = await client.messages.create(message('gpt-then-claude', five)).withResponse();
    expect(data.content[0]).toMatchObject({ type: 'text' });
    expect(response.headers.get('x-gateway-provider')).toBe('anthropic');
    expect(received('openai')).toBe(before);
  });

  it('4 still reach a GPT model; 5 reach Gemini, 6 do not', async () => {
    const openai = await client.messages.create(message('openai/plain-text', five.slice(0, 4)));
    expect(openai.content[0]).toMatchObject({ type: 'text' });
    expect((harness.fixture('openai').received.at(-1)?.body as { stop: string[] }).stop).toHaveLength(4);

    const gemini = await client.messages.create(message('gemini/plain-text', five));
    expect(gemini.content[0]).toMatchObject({ type: 'text' });
    const before = received('gemini');
    const error = await rejection(client.messages.create(message('gemini/plain-text', six)));
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as Error).message).toMatch(/stop_sequences: .*at most 5/);
    expect(received('gemini')).toBe(before);
  });

  it('an OpenAI-compatible host has no such limit: 6 are sent', async () => {
    await client.messages.create(message('openai-compatible/plain-text', six));
    expect((harness.fixture('openai-compatible').received.at(-1)?.body as { stop: string[] }).stop).toHaveLength(6);
  });
});

describe('an OpenAI client sending stop', () => {
  it('5 to a GPT model: a 400 on param stop, nothing sent upstream', async () => {
    const before = received('openai');
    const error = await rejection(harness.client.chat.completions.create({ model: 'openai/plain-text', stop: five, messages: [{ role: 'user', content: 'Say hello' }] }));
    expect(error).toMatchObject({ status: 400, type: 'invalid_request_error', param: 'stop' });
    expect((error as Error).message).toContain('at most 4');
    expect(received('openai')).toBe(before);
  });
});

describe('a Gemini client sending stopSequences', () => {
  it('5 to a GPT model: 400 INVALID_ARGUMENT naming generationConfig.stopSequences', async () => {
    const before = received('openai');
    const error = await rejection(
      geminiClient(harness).models.generateContent({ model: 'openai/plain-text', contents: 'Say hello', config: { stopSequences: five } }),
    );
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    expect((error as ApiError).message).toContain("Invalid value at 'generationConfig.stopSequences'");
    expect(received('openai')).toBe(before);
  });
});
