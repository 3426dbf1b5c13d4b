// The official openai client's Responses API (responses.create, .stream)
// against the gateway, served by a fixture upstream of each provider family:
// text as JSON and as the documented event stream (order, sequence numbers),
// usage, the route headers, and what the upstream received.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type OpenAI from 'openai';
import type { ProviderFamily } from '../../fixtures/scenarios.js';
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

describe.each(FAMILIES)('responses.create → %s upstream', (family) => {
  it('answers text with instructions, usage and the gateway headers', async () => {
    const { data, response } = await harness.client.responses
      .create({ model: `${family}/plain-text`, input: 'Say hello', instructions: 'You are terse.', store: false, metadata: { ticket: 'T-1' } })
      .withResponse();
    expect(data).toMatchObject({ object: 'response', status: 'completed', model: `${family}/plain-text`, instructions: 'You are terse.', metadata: { ticket: 'T-1' } });
    expect(data.id).toMatch(/^resp_/);
    expect(data.output_text).toBe('Hello, world!');
    expect(data.output).toHaveLength(1);
    expect(data.output[0]).toMatchObject({ type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Hello, world!' }] });
    expect(data.usage).toMatchObject({ input_tokens: 9, output_tokens: 4, total_tokens: 13 });
    expect(response.headers.get('x-gateway-provider')).toBe(family);
    const upstream = lastUpstream(family);
    expect(upstream.system).toBe('You are terse.');
    expect(upstream.messages.map((message) => [message.role, message.text])).toEqual([['user', 'Say hello']]);
  });

  it('streams the documented events in order with increasing sequence numbers', async () => {
    const stream = await harness.client.responses.create({ model: `${family}/plain-text`, input: 'Say hello', stream: true, store: false });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    const types = events.map((event) => event.type).filter((type) => type !== 'response.output_text.delta');
    expect(types).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const deltas = events.filter((event) => event.type === 'response.output_text.delta');
    expect(deltas.map((event) => event.delta).join('')).toBe('Hello, world!');
    const completed = events.at(-1) as OpenAI.Responses.ResponseCompletedEvent;
    expect(completed.response.usage).toMatchObject({ input_tokens: 9, output_tokens: 4 });
    expect(completed.response.output[0]).toMatchObject({ type: 'message', content: [{ text: 'Hello, world!' }] });
  });

  it('the stream helper accumulates the same final response', async () => {
    const final = await harness.client.responses.stream({ model: `${family}/plain-text`, input: 'Say hello', store: false }).finalResponse();
    expect(final.output_text).toBe('Hello, world!');
    expect(final.status).toBe('completed');
  });
});
