// Prompt-cache breakpoints through the official @anthropic-ai/sdk client and
// the Anthropic shim: `cache_control` on tools, system blocks and message
// blocks (tool results' own blocks too) reaches an Anthropic upstream where the
// client put it, ttl included, unary, streamed and counted; the upstream judges
// their number and order. OpenAI-family and Gemini upstreams take none: they
// are left out there with one warning.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TINY_PNG_BASE64, type ProviderFamily } from '../../fixtures/scenarios.js';
import { startShimHarness, type ShimHarness } from '../shim-harness.js';
import { earlierThinking, weatherTool } from './anthropic-requests.js';

let harness: ShimHarness;
let client: Anthropic;

beforeAll(async () => {
  harness = await startShimHarness(['openai', 'anthropic', 'gemini']);
  client = new Anthropic({ baseURL: harness.gateway.url, apiKey: harness.secret, maxRetries: 0 });
});
afterAll(async () => harness?.close());

const FIVE_MINUTES = { type: 'ephemeral' } as const;
const ONE_HOUR = { type: 'ephemeral', ttl: '1h' } as const;
const EXPLICIT_FIVE_MINUTES = { type: 'ephemeral', ttl: '5m' } as const;

const lastBody = (family: ProviderFamily, path = '/v1/messages'): Record<string, unknown> => {
  const recorded = harness.fixture(family).received.filter((request) => request.path.split('?')[0]!.endsWith(path)).at(-1);
  if (recorded === undefined) throw new Error(`the ${family} upstream received no ${path} request`);
  return recorded.body as Record<string, unknown>;
};
const warningsOf = (headers: Headers): Array<{ code: string; param: string; message: string }> =>
  JSON.parse(headers.get('x-gateway-warnings') ?? '[]');

/** Four breakpoints, the longer ttl first as the API requires: tools, system, an image, the last user text. */
const cachedPrompt = (model: string): Anthropic.MessageCreateParamsNonStreaming => ({
  model,
  max_tokens: 256,
  tools: [{ ...weatherTool, cache_control: ONE_HOUR }],
  system: [
    { type: 'text', text: 'A long, stable system prompt.', cache_control: ONE_HOUR },
    { type: 'text', text: 'Not a breakpoint.' },
  ],
  messages: [
    {
      role: 'user',
      content: [
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: TINY_PNG_BASE64 }, cache_control: EXPLICIT_FIVE_MINUTES },
        { type: 'text', text: 'What is in this picture?', cache_control: FIVE_MINUTES },
      ],
    },
  ],
});

/** A tool loop: breakpoints on the tool_use, the tool_result and the result's own text block. */
const cachedToolLoop = (model: string): Anthropic.MessageCreateParamsNonStreaming => ({
  model,
  max_tokens: 256,
  tools: [weatherTool],
  messages: [
    { role: 'user', content: 'Weather in Paris?' },
    { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_paris', name: 'get_weather', input: { city: 'Paris' }, cache_control: FIVE_MINUTES }] },
    {
      role: 'user',
      content: [
        {
          type: 'tool_result',
          tool_use_id: 'toolu_paris',
          content: [{ type: 'text', text: '18C sunny', cache_control: FIVE_MINUTES }],
          cache_control: FIVE_MINUTES,
        },
      ],
    },
  ],
});

describe('an Anthropic upstream gets the breakpoints where the client put them', () => {
  it('on tools, system blocks, images and text, with their ttl, and no warning', async () => {
    const { data, response } = await client.messages.create(cachedPrompt('anthropic/plain-text')).withResponse();
    expect(data.content[0]).toMatchObject({ type: 'text', text: 'Hello, world!' });
    expect(response.headers.get('x-gateway-warnings')).toBeNull();
    const body = lastBody('anthropic');
    expect((body['tools'] as Array<Record<string, unknown>>)[0]).toMatchObject({ name: 'get_weather', cache_control: ONE_HOUR });
    expect(body['system']).toEqual([
      { type: 'text', text: 'A long, stable system prompt.', cache_control: ONE_HOUR },
      { type: 'text', text: 'Not a breakpoint.' },
    ]);
    expect(body['messages']).toEqual([
      {
        role: 'user',
        content: [
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: TINY_PNG_BASE64 }, cache_control: EXPLICIT_FIVE_MINUTES },
          { type: 'text', text: 'What is in this picture?', cache_control: FIVE_MINUTES },
        ],
      },
    ]);
  });

  it('on tool_use, tool_result and the result’s own blocks, streamed', async () => {
    const stream = client.messages.stream(cachedToolLoop('anthropic/plain-text'));
    await stream.finalMessage();
    expect(warningsOf((await stream.withResponse()).response.headers)).toEqual([]);
    const messages = lastBody('anthropic')['messages'] as Array<{ content: unknown }>;
    expect(messages[1]?.content).toEqual([
      { type: 'tool_use', id: 'toolu_paris', name: 'get_weather', input: { city: 'Paris' }, cache_control: FIVE_MINUTES },
    ]);
    expect(messages[2]?.content).toEqual([
      { type: 'tool_result', tool_use_id: 'toolu_paris', content: [{ type: 'text', text: '18C sunny', cache_control: FIVE_MINUTES }], cache_control: FIVE_MINUTES },
    ]);
  });

  it('in count_tokens too', async () => {
    const { model, tools, system, messages } = cachedPrompt('anthropic/plain-text');
    await client.messages.countTokens({ model, tools, system, messages });
    const body = lastBody('anthropic', '/v1/messages/count_tokens');
    expect((body['system'] as Array<Record<string, unknown>>)[0]).toMatchObject({ cache_control: ONE_HOUR });
    expect((body['tools'] as Array<Record<string, unknown>>)[0]).toMatchObject({ cache_control: ONE_HOUR });
  });

  it('leaves their number and order to the API, whose 400 the client gets', async () => {
    const request = cachedPrompt('anthropic/plain-text');
    const tooMany = { ...request, messages: [...request.messages, { role: 'assistant' as const, content: [{ type: 'text' as const, text: 'A cat.', cache_control: FIVE_MINUTES }] }, { role: 'user' as const, content: 'Sure?' }] };
    await expect(client.messages.create(tooMany)).rejects.toMatchObject({
      status: 400,
      error: { error: { type: 'invalid_request_error', message: expect.stringContaining('A maximum of 4 blocks with cache_control may be provided. Found 5.') } },
    });
  });

  it('a thinking block takes none: its cache_control is left out with a warning, the block goes back as it was', async () => {
    const thinking = earlierThinking('anthropic');
    const { response } = await client.messages
      .create({
        model: 'anthropic/plain-text',
        max_tokens: 256,
        messages: [
          { role: 'user', content: 'What is 1 + 1?' },
          { role: 'assistant', content: [{ ...thinking, cache_control: FIVE_MINUTES } as Anthropic.ThinkingBlockParam, { type: 'text', text: '2' }] },
          { role: 'user', content: [{ type: 'text', text: 'And 2 + 2?', cache_control: FIVE_MINUTES }] },
        ],
      })
      .withResponse();
    expect(warningsOf(response.headers)).toEqual([expect.objectContaining({ code: 'unsupported_parameter', param: 'cache_control', message: expect.stringContaining('thinking') })]);
    const messages = lastBody('anthropic')['messages'] as Array<{ content: unknown }>;
    expect(messages[1]?.content).toEqual([thinking, { type: 'text', text: '2' }]);
    expect(messages[2]?.content).toEqual([{ type: 'text', text: 'And 2 + 2?', cache_control: FIVE_MINUTES }]);
  });

  it('refuses a cache_control the API would refuse, naming it', async () => {
    const request = cachedPrompt('anthropic/plain-text');
    const system = [{ type: 'text' as const, text: 'S', cache_control: { type: 'ephemeral', ttl: '2h' } as unknown as Anthropic.CacheControlEphemeral }];
    await expect(client.messages.create({ ...request, system })).rejects.toMatchObject({
      status: 400,
      error: { error: { type: 'invalid_request_error', message: "system.0.cache_control.ttl: Input should be '5m' or '1h' (got '2h')" } },
    });
  });
});

describe('families without breakpoints', () => {
  it.each(['openai', 'gemini'] as ProviderFamily[])('%s: the breakpoints are left out with one cache_control warning', async (family) => {
    const { response } = await client.messages.create(cachedPrompt(`${family}/plain-text`)).withResponse();
    const warnings = warningsOf(response.headers).filter((warning) => warning.param.includes('cache'));
    expect(warnings).toEqual([expect.objectContaining({ code: 'unsupported_parameter', param: 'cache_control', message: expect.stringContaining('prompt-cache breakpoints') })]);
    const path = family === 'gemini' ? ':generateContent' : '/chat/completions';
    expect(JSON.stringify(lastBody(family, path))).not.toContain('cache');
  });
});
