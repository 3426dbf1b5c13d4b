// Tools, structured output and reasoning through the Responses API with the
// official openai client, on each provider family: a full tool loop (the
// function_call comes back, its output goes back, the upstream sees the call
// and its result, Gemini's thought signature restored from the call_id),
// streamed function-call events, text.format json_schema, and reasoning items
// whose encrypted_content brings Anthropic's signed thinking back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type OpenAI from 'openai';
import type { ProviderFamily } from '../../fixtures/scenarios.js';
import { decodeToolCallId } from '../../../src/http/tool-call-id.js';
import { startShimHarness, type ShimHarness } from '../shim-harness.js';

const FAMILIES: ProviderFamily[] = ['openai', 'openai-compatible', 'anthropic', 'gemini'];
let harness: ShimHarness;

beforeAll(async () => {
  harness = await startShimHarness(FAMILIES);
});
afterAll(async () => harness?.close());

const lastUpstream = (family: ProviderFamily) => {
  const recorded = harness.fixture(family).received.filter((request) => request.normalized).at(-1);
  if (!recorded?.normalized) throw new Error(`the ${family} upstream received no chat request`);
  return recorded.normalized;
};

const weather: OpenAI.Responses.FunctionTool = {
  type: 'function',
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] } }, required: ['city'], additionalProperties: false },
  strict: false,
};

describe.each(FAMILIES)('tools and structured output → %s upstream', (family) => {
  it('a tool loop: function_call out, function_call_output back (stateless, store: false)', async () => {
    const first = await harness.client.responses.create({ model: `${family}/one-tool-call`, input: 'Weather in Paris?', tools: [weather], tool_choice: 'auto', store: false });
    const call = first.output.find((item): item is OpenAI.Responses.ResponseFunctionToolCall => item.type === 'function_call');
    expect(call).toMatchObject({ type: 'function_call', name: 'get_weather', status: 'completed' });
    expect(JSON.parse(call!.arguments)).toEqual({ city: 'Paris', unit: 'c' });
    expect(lastUpstream(family).tools.map((tool) => tool.name)).toEqual(['get_weather']);

    const second = await harness.client.responses.create({
      model: `${family}/tool-result-round-trip`,
      input: [{ role: 'user', content: 'Weather in Paris?' }, ...(first.output as OpenAI.Responses.ResponseInputItem[]), { type: 'function_call_output', call_id: call!.call_id, output: '18C sunny' }],
      tools: [weather],
      store: false,
    });
    expect(second.output_text).toBe('Paris is sunny; Rome unknown.');
    const upstream = lastUpstream(family);
    // Gemini names no call ids: the gateway made one, and it must come back the same.
    const callId = decodeToolCallId(call!.call_id).id;
    expect(family === 'gemini' ? callId : 'call_paris_1').toBe(callId);
    const assistant = upstream.messages.find((message) => message.role === 'assistant');
    expect(assistant?.toolCalls).toEqual([
      expect.objectContaining({ id: callId, name: 'get_weather', arguments: { city: 'Paris', unit: 'c' }, ...(family === 'gemini' ? { signature: 'sig-call-paris' } : {}) }),
    ]);
    const results = upstream.messages.flatMap((message) => message.toolResults);
    expect(results).toEqual([expect.objectContaining({ toolCallId: callId, text: '18C sunny' })]);
  });

  it('streams function calls as output_item and function_call_arguments events', async () => {
    const stream = await harness.client.responses.create({
      model: `${family}/parallel-tool-calls`,
      input: 'Weather in Paris and Rome?',
      tools: [weather],
      tool_choice: 'required',
      parallel_tool_calls: true,
      stream: true,
      store: false,
    });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    const done = events.filter((event): event is OpenAI.Responses.ResponseFunctionCallArgumentsDoneEvent => event.type === 'response.function_call_arguments.done');
    expect(done.map((event) => JSON.parse(event.arguments))).toEqual([{ city: 'Paris' }, { city: 'Rome' }]);
    for (const finished of done) {
      const deltas = events.filter((event) => event.type === 'response.function_call_arguments.delta' && event.item_id === finished.item_id);
      expect(deltas.map((event) => (event as OpenAI.Responses.ResponseFunctionCallArgumentsDeltaEvent).delta).join('')).toBe(finished.arguments);
    }
    const added = events.filter((event) => event.type === 'response.output_item.added');
    expect(added.map((event) => (event as OpenAI.Responses.ResponseOutputItemAddedEvent).item.type)).toEqual(['function_call', 'function_call']);
    const completed = events.at(-1) as OpenAI.Responses.ResponseCompletedEvent;
    expect(completed.type).toBe('response.completed');
    expect(completed.response.output.map((item) => item.type)).toEqual(['function_call', 'function_call']);
  });

  it('text.format json_schema reaches the upstream as a schema and the answer parses', async () => {
    const schema = {
      type: 'object',
      properties: { name: { type: 'string' }, age: { type: 'integer' }, address: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false } },
      required: ['name', 'age', 'address'],
      additionalProperties: false,
    };
    const answer = await harness.client.responses.create({
      model: `${family}/json-schema`,
      input: 'Give me a person as JSON',
      text: { format: { type: 'json_schema', name: 'person', schema, strict: true } },
      store: false,
    });
    expect(JSON.parse(answer.output_text)).toEqual({ name: 'Ada', age: 36, address: { city: 'London' } });
    expect(answer.text?.format).toMatchObject({ type: 'json_schema', name: 'person' });
    expect(lastUpstream(family).responseFormat).toMatchObject({ type: 'json_schema', schema: expect.objectContaining({ required: ['name', 'age', 'address'] }) });
  });
});

describe.each(['anthropic', 'gemini', 'openai-compatible'] as const)('reasoning → %s upstream', (family) => {
  it('comes back as a reasoning item with its summary, and its encrypted_content carries the signature back', async () => {
    const first = await harness.client.responses.create({
      model: `${family}/reasoning-round-trip`,
      input: 'And 3+3?',
      reasoning: { effort: 'medium', summary: 'auto' },
      include: ['reasoning.encrypted_content'],
      max_output_tokens: 4096,
      store: false,
    });
    const reasoning = first.output.find((item): item is OpenAI.Responses.ResponseReasoningItem => item.type === 'reasoning');
    expect(reasoning?.summary).toEqual([{ type: 'summary_text', text: 'Three plus three is six.' }]);
    expect(reasoning?.encrypted_content).toEqual(expect.any(String));
    expect(first.output_text).toBe('6');
    expect(first.reasoning).toMatchObject({ effort: 'medium', summary: 'auto' });

    await harness.client.responses.create({
      model: `${family}/plain-text`,
      input: [{ role: 'user', content: 'And 3+3?' }, ...(first.output as OpenAI.Responses.ResponseInputItem[]), { role: 'user', content: 'Thanks' }],
      reasoning: { effort: 'medium' },
      store: false,
    });
    const assistant = lastUpstream(family).messages.find((message) => message.role === 'assistant');
    expect(assistant?.text).toBe('6');
    if (family === 'anthropic') expect(assistant?.reasoning).toEqual([{ text: 'Three plus three is six.', signature: 'sig-new-thought' }]);
  });

  it('without include, reasoning items carry no encrypted_content; without summary, no summary text', async () => {
    const answer = await harness.client.responses.create({ model: `${family}/reasoning-round-trip`, input: 'And 3+3?', reasoning: { effort: 'medium' }, store: false });
    const reasoning = answer.output.find((item) => item.type === 'reasoning') as OpenAI.Responses.ResponseReasoningItem | undefined;
    if (reasoning) {
      expect(reasoning.encrypted_content).toBeUndefined();
      expect(reasoning.summary).toEqual([]);
    }
    expect(answer.output_text).toBe('6');
  });

  it('streams reasoning summary events before the text', async () => {
    const stream = await harness.client.responses.create({
      model: `${family}/reasoning-round-trip`,
      input: 'And 3+3?',
      reasoning: { effort: 'medium', summary: 'detailed' },
      stream: true,
      store: false,
    });
    const types: string[] = [];
    let summary = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.reasoning_summary_text.delta') summary += event.delta;
    }
    expect(summary).toBe('Three plus three is six.');
    const order = ['response.reasoning_summary_part.added', 'response.reasoning_summary_text.done', 'response.reasoning_summary_part.done', 'response.output_text.delta', 'response.completed'];
    const positions = order.map((type) => types.indexOf(type));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });
});
