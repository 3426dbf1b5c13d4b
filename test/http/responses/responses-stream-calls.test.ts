// Parallel function calls in a Responses stream, read through the official
// openai client's raw events: one output item open at a time, in order, each
// function call `output_item.added` → `function_call_arguments.delta`… →
// `function_call_arguments.done` → `output_item.done` before the next is
// added (docs/responses-api.md, "Stream"; OpenAI's own API does so, and a
// client that keeps one current item relies on it). For the Anthropic, OpenAI
// and Gemini fixture upstreams, and for an OpenAI-format upstream whose two
// calls' argument fragments interleave (a fragment never comes after its
// item's done); `finalResponse()` still assembles both calls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type OpenAI from 'openai';
import type { ProviderFamily } from '../../fixtures/scenarios.js';
import { INTERLEAVED_CALLS } from '../../fixtures/tool-call-answers.js';
import { startRoutingHarness, type RoutingHarness } from '../../routing/routing-harness.js';
import { startShimHarness, type ShimHarness } from '../shim-harness.js';

type Event = OpenAI.Responses.ResponseStreamEvent;

const FAMILIES: ProviderFamily[] = ['anthropic', 'openai', 'openai-compatible', 'gemini'];

const weather: OpenAI.Responses.FunctionTool = {
  type: 'function',
  name: 'get_weather',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  strict: false,
};

async function rawEvents(client: OpenAI, model: string): Promise<Event[]> {
  const stream = await client.responses.create({ model, input: 'Weather in Paris and Rome?', tools: [weather], parallel_tool_calls: true, stream: true, store: false });
  const events: Event[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

/** Every item-level event belongs to the one open item; items open in output_index order. Returns each function call's event types. */
function expectOneItemAtATime(events: Event[]): Array<{ name: string; arguments: string; types: string[] }> {
  expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
  const calls: Array<{ name: string; arguments: string; types: string[] }> = [];
  let open: { index: number; id: string; types: string[] } | undefined;
  let next = 0;
  for (const event of events) {
    if (event.type === 'response.output_item.added') {
      expect(open, `output_item.added (${event.output_index}) while item ${open?.index} is open`).toBeUndefined();
      expect(event.output_index).toBe(next++);
      open = { index: event.output_index, id: event.item.id!, types: [event.type] };
      continue;
    }
    if (!('output_index' in event)) continue;
    expect(open, `${event.type} (${event.output_index}) with no item open`).toBeDefined();
    expect(event.output_index, `${event.type} for item ${event.output_index} while ${open!.index} is open`).toBe(open!.index);
    if ('item_id' in event) expect(event.item_id).toBe(open!.id);
    open!.types.push(event.type);
    if (event.type === 'response.output_item.done') {
      expect(event.item.id).toBe(open!.id);
      if (event.item.type === 'function_call') calls.push({ name: event.item.name, arguments: event.item.arguments, types: open!.types });
      open = undefined;
    }
  }
  expect(open).toBeUndefined();
  return calls;
}

/** added, one delta or more, arguments.done, output_item.done. */
function expectCallGrammar(types: string[]): void {
  const deltas = types.slice(1, -2);
  expect(deltas.length).toBeGreaterThan(0);
  expect(types).toEqual(['response.output_item.added', ...deltas.map(() => 'response.function_call_arguments.delta'), 'response.function_call_arguments.done', 'response.output_item.done']);
}

describe('parallel function calls, streamed through the Responses API', () => {
  let harness: ShimHarness;
  beforeAll(async () => {
    harness = await startShimHarness(FAMILIES);
  });
  afterAll(async () => harness?.close());

  it.each(FAMILIES)('%s upstream: each call is added, streamed and done before the next is added', async (family) => {
    const events = await rawEvents(harness.client, `${family}/parallel-tool-calls`);
    const calls = expectOneItemAtATime(events);
    expect(calls.map((call) => [call.name, JSON.parse(call.arguments)])).toEqual([['get_weather', { city: 'Paris' }], ['get_weather', { city: 'Rome' }]]);
    for (const call of calls) expectCallGrammar(call.types);
    expect(events.at(-1)?.type).toBe('response.completed');
  });

  it.each(FAMILIES)('%s upstream: finalResponse() assembles both calls', async (family) => {
    const final = await harness.client.responses
      .stream({ model: `${family}/parallel-tool-calls`, input: 'Weather in Paris and Rome?', tools: [weather], parallel_tool_calls: true, store: false })
      .finalResponse();
    const calls = final.output.flatMap((item) => (item.type === 'function_call' ? [[item.name, JSON.parse(item.arguments), item.status]] : []));
    expect(calls).toEqual([['get_weather', { city: 'Paris' }, 'completed'], ['get_weather', { city: 'Rome' }, 'completed']]);
  });
});

describe('parallel function calls whose argument fragments interleave upstream', () => {
  let harness: RoutingHarness;
  beforeAll(async () => {
    harness = await startRoutingHarness();
    await harness.addFaultProvider('tools', ['interleaved-r']);
  });
  afterAll(async () => harness?.close());

  it('the later call waits for the open one: no item open twice, no fragment after its done', async () => {
    const events = await rawEvents(harness.openai, 'tools/interleaved-r');
    const calls = expectOneItemAtATime(events);
    const expected = INTERLEAVED_CALLS.map((call) => [call.name, call.arguments]);
    expect(calls.map((call) => [call.name, JSON.parse(call.arguments)])).toEqual(expected);
    for (const call of calls) expectCallGrammar(call.types);
    // Each call's deltas spell its arguments.
    for (const done of events.filter((event) => event.type === 'response.function_call_arguments.done')) {
      const deltas = events.filter((event) => event.type === 'response.function_call_arguments.delta' && event.item_id === done.item_id);
      expect(deltas.map((event) => (event as OpenAI.Responses.ResponseFunctionCallArgumentsDeltaEvent).delta).join('')).toBe(done.arguments);
    }
    const final = await harness.openai.responses.stream({ model: 'tools/interleaved-r', input: 'Weather and time in Paris?', store: false }).finalResponse();
    expect(final.output.map((item) => (item.type === 'function_call' ? [item.name, JSON.parse(item.arguments)] : [item.type]))).toEqual(expected);
  });
});
