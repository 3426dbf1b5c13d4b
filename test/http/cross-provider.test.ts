// The official openai client against the shim, served by non-OpenAI upstreams
// (Anthropic, Gemini fixtures) and an OpenAI-compatible one (reasoning_content):
// chat, stream, tool calls (with Gemini thought signatures carried in the
// tool-call id), reasoning, usage and the warnings header.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type OpenAI from 'openai';
import type { NormalizedUpstreamRequest, ProviderFamily } from '../fixtures/scenarios.js';
import { checkUpstreamRequest } from '../completion/upstream-checks.js';
import { decodeToolCallId, encodeToolCallId } from '../../src/http/tool-call-id.js';
import { geminiEmbedding } from '../fixtures/gemini-upstream.js';
import { startShimHarness, weatherTool, type ShimHarness } from './shim-harness.js';

type FunctionCall = OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall;
let harness: ShimHarness;

beforeAll(async () => {
  harness = await startShimHarness(['anthropic', 'gemini', 'openai-compatible', 'openai']);
});
afterAll(async () => harness?.close());

const lastUpstreamRequest = (family: ProviderFamily): NormalizedUpstreamRequest => {
  const recorded = harness.fixture(family).received.filter((request) => request.normalized).at(-1);
  if (!recorded?.normalized) throw new Error(`the ${family} upstream received no chat request`);
  return recorded.normalized;
};

describe.each(['anthropic', 'gemini'] as const)('OpenAI client → %s upstream', (family) => {
  const client = () => harness.client;

  it('chat JSON and stream agree', async () => {
    const { data, response } = await client()
      .chat.completions.create({ model: `${family}/plain-text`, messages: [{ role: 'user', content: 'Say hello' }] })
      .withResponse();
    expect(data.choices[0]).toMatchObject({ finish_reason: 'stop', message: { role: 'assistant', content: 'Hello, world!' } });
    expect(data.usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 });
    expect(response.headers.get('x-gateway-provider')).toBe(family);
    expect(response.headers.get('x-gateway-upstream-model')).toBe('plain-text');
    checkUpstreamRequest('plain-text', lastUpstreamRequest(family), family, false);

    const stream = await client().chat.completions.create({ model: `${family}/plain-text`, messages: [{ role: 'user', content: 'Say hello' }], stream: true });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(data.choices[0]?.message.content);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
  });

  it('a tool call comes back in OpenAI shape', async () => {
    const answer = await client().chat.completions.create({
      model: `${family}/one-tool-call`,
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [weatherTool],
      tool_choice: 'auto',
    });
    expect(answer.choices[0]?.finish_reason).toBe('tool_calls');
    const call = answer.choices[0]?.message.tool_calls?.[0] as FunctionCall;
    expect(call.type).toBe('function');
    expect(call.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Paris', unit: 'c' });
    // Gemini's thought signature rides in the id, so it comes back with the call.
    if (family === 'gemini') expect(decodeToolCallId(call.id).signature).toBe('sig-call-paris');
    checkUpstreamRequest('one-tool-call', lastUpstreamRequest(family), family, false);
  });

  it('parallel tool calls in a stream, accumulated by the client’s stream helper', async () => {
    const final = await client()
      .chat.completions.stream({
        model: `${family}/parallel-tool-calls`,
        messages: [{ role: 'user', content: 'Weather in Paris and Rome?' }],
        tools: [weatherTool],
        tool_choice: 'required',
        parallel_tool_calls: true,
      })
      .finalChatCompletion();
    const calls = (final.choices[0]?.message.tool_calls ?? []) as FunctionCall[];
    expect(calls.map((call) => JSON.parse(call.function.arguments))).toEqual([{ city: 'Paris' }, { city: 'Rome' }]);
    expect(new Set(calls.map((call) => call.id)).size).toBe(2);
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('tool results go back as one turn (signatures restored from the ids)', async () => {
    const answer = await client().chat.completions.create({
      model: `${family}/tool-result-round-trip`,
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: encodeToolCallId('call_a', family === 'gemini' ? 'sig-a' : ''), type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_b', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
          ],
        },
        { role: 'tool', tool_call_id: encodeToolCallId('call_a', family === 'gemini' ? 'sig-a' : ''), content: '18C sunny' },
        { role: 'tool', tool_call_id: 'call_b', content: '' },
      ],
    });
    expect(answer.choices[0]?.message.content).toBe('Paris is sunny; Rome unknown.');
    checkUpstreamRequest('tool-result-round-trip', lastUpstreamRequest(family), family, false);
  });

  it('reasoning comes back as reasoning_content, unary and streamed', async () => {
    const request = {
      model: `${family}/reasoning-round-trip`,
      messages: [{ role: 'user' as const, content: 'And 3+3?' }],
      reasoning_effort: 'medium' as const,
      max_completion_tokens: 4096,
    };
    const unary = await client().chat.completions.create(request);
    const message = unary.choices[0]?.message as OpenAI.Chat.Completions.ChatCompletionMessage & { reasoning_content?: string };
    expect(message.reasoning_content).toBe('Three plus three is six.');
    expect(message.content).toBe('6');
    const stream = await client().chat.completions.create({ ...request, stream: true });
    let reasoning = '';
    for await (const chunk of stream) reasoning += (chunk.choices[0]?.delta as { reasoning_content?: string } | undefined)?.reasoning_content ?? '';
    expect(reasoning).toBe('Three plus three is six.');
  });

  it('usage counts cached input inside prompt_tokens', async () => {
    const stream = await client().chat.completions.create({
      model: `${family}/usage-cached-reasoning`,
      messages: [{ role: 'user', content: 'Long cached prompt' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) usage = chunk.usage ?? usage;
    expect(usage).toMatchObject({ prompt_tokens: 2000, completion_tokens: 300, prompt_tokens_details: { cached_tokens: 1500 } });
  });
});

describe('warnings and OpenAI-compatible reasoning', () => {
  it('a parameter the provider cannot honour is reported in x-gateway-warnings', async () => {
    const { response } = await harness.client.chat.completions
      .create({ model: 'anthropic/plain-text', messages: [{ role: 'user', content: 'Say hello' }], seed: 7 })
      .withResponse();
    const warnings = JSON.parse(response.headers.get('x-gateway-warnings') ?? '[]') as Array<{ code: string; param: string }>;
    expect(warnings).toContainEqual(expect.objectContaining({ code: 'unsupported_parameter', param: 'seed' }));

    const stream = await harness.client.chat.completions
      .create({ model: 'anthropic/plain-text', messages: [{ role: 'user', content: 'Say hello' }], seed: 7, stream: true })
      .withResponse();
    for await (const _chunk of stream.data) void _chunk;
    expect(stream.response.headers.get('x-gateway-warnings')).toContain('"param":"seed"');
  });

  it('reasoning_effort to an OpenAI model is sent without a notice the client never asked for', async () => {
    const request = { model: 'openai/plain-text', messages: [{ role: 'user' as const, content: 'Say hello' }], reasoning_effort: 'medium' as const };
    const unary = await harness.client.chat.completions.create(request).withResponse();
    expect(unary.response.headers.get('x-gateway-warnings')).toBeNull();
    expect(harness.fixture('openai').received.at(-1)?.body).toMatchObject({ reasoning_effort: 'medium' });
    const stream = await harness.client.chat.completions.create({ ...request, stream: true }).withResponse();
    for await (const _chunk of stream.data) void _chunk;
    expect(stream.response.headers.get('x-gateway-warnings')).toBeNull();

    // The Responses API asks for reasoning text with reasoning.summary only: then the notice is due.
    const plain = await harness.client.responses.create({ model: 'openai/plain-text', input: 'Say hello', reasoning: { effort: 'medium' } }).withResponse();
    expect(plain.response.headers.get('x-gateway-warnings')).toBeNull();
    const summarized = await harness.client.responses.create({ model: 'openai/plain-text', input: 'Say hello', reasoning: { effort: 'medium', summary: 'auto' } }).withResponse();
    expect(JSON.parse(summarized.response.headers.get('x-gateway-warnings') ?? '[]')).toContainEqual(expect.objectContaining({ param: 'reasoning.effort' }));
  });

  it('assistant reasoning_content in the history reaches an OpenAI-compatible upstream', async () => {
    const answer = await harness.client.chat.completions.create({
      model: 'openai-compatible/reasoning-round-trip',
      messages: [
        { role: 'user', content: 'What is 2+2?' },
        { role: 'assistant', content: '4', reasoning_content: 'Adding small numbers.' } as OpenAI.Chat.Completions.ChatCompletionAssistantMessageParam,
        { role: 'user', content: 'And 3+3?' },
      ],
      reasoning_effort: 'medium',
      max_completion_tokens: 4096,
    });
    expect((answer.choices[0]?.message as { reasoning_content?: string }).reasoning_content).toBe('Three plus three is six.');
    checkUpstreamRequest('reasoning-round-trip', lastUpstreamRequest('openai-compatible'), 'openai-compatible', false);
  });
});

describe('embeddings on a Gemini model', () => {
  it('more inputs than one batchEmbedContents takes (100): every embedding back, in order', async () => {
    const inputs = Array.from({ length: 250 }, (_, index) => `item ${index} ${'x'.repeat(index)}`);
    const batches = () => harness.fixture('gemini').received.filter((request) => request.path.includes(':batchEmbedContents'));
    const before = batches().length;
    const answer = await harness.client.embeddings.create({ model: 'gemini/embedding-model', input: inputs, encoding_format: 'float' });
    expect(answer.data.map((item) => item.index)).toEqual(inputs.map((_, index) => index));
    expect(answer.data.map((item) => item.embedding)).toEqual(inputs.map((text) => geminiEmbedding(text)));
    expect(batches().slice(before).map((request) => ((request.body as { requests: unknown[] }).requests).length)).toEqual([100, 100, 50]);
  });
});
