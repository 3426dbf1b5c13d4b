// The Anthropic surface's stream when an OpenAI-format upstream interleaves
// two parallel tool calls' argument fragments (each names its call by index):
// Anthropic's stream has one content block open at a time and a block is
// final at its content_block_stop, so each tool_use block must go out whole —
// start, its input_json_deltas, stop — and the official SDK's `contentBlock`
// event (fired at the stop) must see each call's whole input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { INTERLEAVED_CALLS } from '../../fixtures/tool-call-answers.js';
import { startRoutingHarness, type RoutingHarness } from '../../routing/routing-harness.js';

let harness: RoutingHarness;
let client: Anthropic;

beforeAll(async () => {
  harness = await startRoutingHarness();
  await harness.addFaultProvider('tools', ['interleaved-a']);
  client = new Anthropic({ baseURL: harness.gateway.url, apiKey: harness.secret, maxRetries: 0 });
});
afterAll(() => harness?.close());

describe('Anthropic surface: parallel calls whose argument fragments interleave upstream', () => {
  it('each tool_use block goes out whole, one open at a time; contentBlock sees each whole input', async () => {
    const stream = client.messages.stream({ model: 'tools/interleaved-a', max_tokens: 100, messages: [{ role: 'user', content: 'Weather and time in Paris?' }] });
    const atStop: Array<[string, unknown]> = [];
    stream.on('contentBlock', (block) => {
      if (block.type === 'tool_use') atStop.push([block.name, block.input]);
    });
    const events: Anthropic.RawMessageStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    const final = await stream.finalMessage();

    let open: number | undefined;
    for (const event of events) {
      if (event.type === 'content_block_start') {
        expect(open, 'a block started while another was open').toBeUndefined();
        open = event.index;
      } else if (event.type === 'content_block_delta') {
        expect(event.index, 'a delta for a block that is not the open one').toBe(open);
      } else if (event.type === 'content_block_stop') {
        expect(event.index).toBe(open);
        open = undefined;
      }
    }
    const expected = INTERLEAVED_CALLS.map((call) => [call.name, call.arguments]);
    expect(atStop).toEqual(expected);
    expect(final.content.map((block) => (block.type === 'tool_use' ? [block.name, block.input] : [block.type]))).toEqual(expected);
    expect(final.stop_reason).toBe('tool_use');
  });
});
