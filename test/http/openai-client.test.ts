// The official openai client against the shim on a real listening gateway,
// served by the OpenAI-family fixture upstream.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type OpenAI from 'openai';
import { embedding } from '../fixtures/openai-upstream.js';
import type { NormalizedUpstreamRequest } from '../fixtures/scenarios.js';
import { checkUpstreamRequest } from '../completion/upstream-checks.js';
import { startShimHarness, weatherTool, type ShimHarness } from './shim-harness.js';

let harness: ShimHarness;
let client: OpenAI;

beforeAll(async () => {
  harness = await startShimHarness(['openai']);
  client = harness.client;
});
afterAll(async () => harness?.close());

const lastUpstreamRequest = (): NormalizedUpstreamRequest => {
  const recorded = harness.fixture('openai').received.filter((request) => request.normalized).at(-1);
  if (!recorded?.normalized) throw new Error('the upstream received no chat request');
  return recorded.normalized;
};

async function streamText(model: string, extra: Partial<OpenAI.Chat.Completions.ChatCompletionCreateParamsStreaming> = {}) {
  const stream = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Say hello' }], stream: true, ...extra });
  const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

describe('chat completions through the official client', () => {
  it('answers JSON in the chat.completion shape, with route headers and the request id', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'openai/plain-text', messages: [{ role: 'user', content: 'Say hello' }] }, { headers: { 'x-request-id': 'client-req-1' } })
      .withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.model).toBe('openai/plain-text');
    expect(typeof data.created).toBe('number');
    expect(data.choices[0]).toMatchObject({ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'Hello, world!' } });
    expect(data.usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 });
    expect(response.headers.get('x-request-id')).toBe('client-req-1');
    expect(response.headers.get('x-gateway-provider')).toBe('openai');
    expect(response.headers.get('x-gateway-upstream-model')).toBe('plain-text');
    expect(response.headers.get('x-gateway-warnings')).toBeNull();
    checkUpstreamRequest('plain-text', lastUpstreamRequest(), 'openai', false);
  });

  it('streams: role delta first, the assembled text equals the unary text', async () => {
    const unary = await client.chat.completions.create({ model: 'openai/plain-text', messages: [{ role: 'user', content: 'Say hello' }] });
    const chunks = await streamText('openai/plain-text');
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks.map((chunk) => chunk.object).every((object) => object === 'chat.completion.chunk')).toBe(true);
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe(unary.choices[0]?.message.content);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content).filter(Boolean)).toEqual(['Hel', 'lo, ', 'world!']);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
  });

  it('usage: absent from chunks without include_usage; a final choices:[] chunk with it', async () => {
    const without = await streamText('openai/usage-cached-reasoning');
    expect(without.some((chunk) => 'usage' in chunk)).toBe(false);
    const withUsage = await streamText('openai/usage-cached-reasoning', { stream_options: { include_usage: true } });
    expect(withUsage.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
    const last = withUsage.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual({
      prompt_tokens: 2000,
      completion_tokens: 300,
      total_tokens: 2300,
      prompt_tokens_details: { cached_tokens: 1500 },
      completion_tokens_details: { reasoning_tokens: 250 },
    });
    const unary = await client.chat.completions.create({ model: 'openai/usage-cached-reasoning', messages: [{ role: 'user', content: 'Long cached prompt' }] });
    expect(unary.usage).toEqual(last.usage);
  });

  it('tool call round trip: a call comes back, its result goes up, the answer follows', async () => {
    const first = await client.chat.completions.create({
      model: 'openai/one-tool-call',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [weatherTool],
      tool_choice: 'auto',
    });
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    expect(first.choices[0]?.message.content).toBeNull();
    const call = first.choices[0]?.message.tool_calls?.[0];
    expect(call).toMatchObject({ id: 'call_paris_1', type: 'function', function: { name: 'get_weather' } });
    expect(JSON.parse((call as OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall).function.arguments)).toEqual({ city: 'Paris', unit: 'c' });
    checkUpstreamRequest('one-tool-call', lastUpstreamRequest(), 'openai', false);

    const second = await client.chat.completions.create({
      model: 'openai/tool-result-round-trip',
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_b', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_a', content: '18C sunny' },
        { role: 'tool', tool_call_id: 'call_b', content: '' },
      ],
    });
    expect(second.choices[0]?.message.content).toBe('Paris is sunny; Rome unknown.');
    checkUpstreamRequest('tool-result-round-trip', lastUpstreamRequest(), 'openai', false);
  });

  it('parallel tool calls in a stream, accumulated by the client’s own stream helper', async () => {
    const runner = client.chat.completions.stream({
      model: 'openai/parallel-tool-calls',
      messages: [{ role: 'user', content: 'Weather in Paris and Rome?' }],
      tools: [weatherTool],
      tool_choice: 'required',
      parallel_tool_calls: true,
    });
    const final = await runner.finalChatCompletion();
    const calls = (final.choices[0]?.message.tool_calls ?? []) as OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall[];
    expect(calls.map((call) => call.id)).toEqual(['call_paris_2', 'call_rome_2']);
    expect(calls.map((call) => JSON.parse(call.function.arguments))).toEqual([{ city: 'Paris' }, { city: 'Rome' }]);
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    checkUpstreamRequest('parallel-tool-calls', lastUpstreamRequest(), 'openai', true);
  });

  it('JSON schema response_format reaches the upstream and the answer parses', async () => {
    const schema = {
      type: 'object',
      properties: { name: { type: 'string' }, age: { type: 'integer' }, address: { $ref: '#/$defs/address' } },
      required: ['name', 'age', 'address'],
      additionalProperties: false,
      $defs: { address: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false } },
    };
    const answer = await client.chat.completions.create({
      model: 'openai/json-schema',
      messages: [{ role: 'user', content: 'Give me a person as JSON' }],
      response_format: { type: 'json_schema', json_schema: { name: 'person', strict: true, schema } },
    });
    expect(JSON.parse(answer.choices[0]?.message.content ?? '')).toEqual({ name: 'Ada', age: 36, address: { city: 'London' } });
    checkUpstreamRequest('json-schema', lastUpstreamRequest(), 'openai', false);
  });

  it('n > 1 on an OpenAI-family upstream: several choices, unary and streamed', async () => {
    const unary = await client.chat.completions.create({ model: 'openai/plain-text', messages: [{ role: 'user', content: 'Say hello' }], n: 2 });
    expect(unary.choices.map((choice) => [choice.index, choice.message.content])).toEqual([[0, 'Hello, world!'], [1, 'Hello, world!']]);
    expect((harness.fixture('openai').received.at(-1)?.body as { n?: number }).n).toBe(2);
    const chunks = await streamText('openai/plain-text', { n: 2 });
    for (const index of [0, 1]) {
      const mine = chunks.flatMap((chunk) => chunk.choices.filter((choice) => choice.index === index));
      expect(mine[0]?.delta).toEqual({ role: 'assistant', content: '' });
      expect(mine.map((choice) => choice.delta.content ?? '').join('')).toBe('Hello, world!');
      expect(mine.at(-1)?.finish_reason).toBe('stop');
    }
  });

  it('passes max_completion_tokens, stop and unknown parameters through to the upstream', async () => {
    await client.chat.completions.create({
      model: 'openai/max-tokens',
      messages: [{ role: 'user', content: 'Write an essay' }],
      max_tokens: 99,
      max_completion_tokens: 5,
      logit_bias: { '50256': -100 },
    });
    checkUpstreamRequest('max-tokens', lastUpstreamRequest(), 'openai', false);
    const body = harness.fixture('openai').received.at(-1)?.body as Record<string, unknown>;
    expect(body['logit_bias']).toEqual({ '50256': -100 });
    await client.chat.completions.create({ model: 'openai/stop-sequence', messages: [{ role: 'user', content: 'Count to ten' }], stop: ['5', 'END'] });
    checkUpstreamRequest('stop-sequence', lastUpstreamRequest(), 'openai', false);
  });

  // Log probabilities (logprobs / top_logprobs) come back in the answer: test/http/logprobs.test.ts.
});

describe('embeddings and models through the official client', () => {
  it('embeds a string array (the client asks for base64 by default) and floats on request', async () => {
    const inputs = ['hello world', 'x'];
    const answer = await client.embeddings.create({ model: 'openai/embedding-model', input: inputs });
    expect(answer.object).toBe('list');
    expect(answer.data.map((item) => item.index)).toEqual([0, 1]);
    expect(answer.data.map((item) => item.embedding)).toEqual(inputs.map((text) => embedding(text, 3)));
    expect(answer.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });
    const floats = await client.embeddings.create({ model: 'openai/embedding-model', input: 'hello world', encoding_format: 'float', dimensions: 4 });
    expect(floats.data[0]?.embedding).toEqual(embedding('hello world', 4));
  });

  it('lists the key’s models and gets one by its id (with a slash)', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toContain('openai/plain-text');
    expect(ids).toContain('openai/embedding-model');
    const model = await client.models.retrieve('openai/plain-text');
    expect(model).toEqual({ id: 'openai/plain-text', object: 'model', created: 0, owned_by: 'openai' });
    const raw = await fetch(`${harness.gateway.url}/v1/models/openai/plain-text`, { headers: { authorization: `Bearer ${harness.secret}` } });
    expect(((await raw.json()) as { id: string }).id).toBe('openai/plain-text');
  });
});
