// The official @anthropic-ai/sdk client against the Anthropic shim on a real
// listening gateway, for every scenario of the conversion matrix and every
// provider family behind it (OpenAI, OpenAI-compatible, Anthropic, Gemini
// fixture upstreams): unary and streamed (`stream.finalMessage()`), the
// Anthropic-shaped answer and the request the upstream received.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkUpstreamRequest } from '../../completion/upstream-checks.js';
import { SCENARIOS, type ProviderFamily } from '../../fixtures/scenarios.js';
import { startShimHarness, type ShimHarness } from '../shim-harness.js';
import { anthropicRequestFor, checkAnthropicAnswer } from './anthropic-requests.js';

const FAMILIES: ProviderFamily[] = ['openai', 'openai-compatible', 'anthropic', 'gemini'];
const ANSWERING = SCENARIOS.filter((scenario) => scenario.output && !scenario.failure && !scenario.brokenStream);

let harness: ShimHarness;
let client: Anthropic;

beforeAll(async () => {
  harness = await startShimHarness(FAMILIES);
  client = new Anthropic({ baseURL: harness.gateway.url, apiKey: harness.secret, maxRetries: 0 });
});
afterAll(async () => harness?.close());

/** Anthropic's event grammar: message_start, blocks one at a time with matching deltas, message_delta, message_stop. */
export function checkEventSequence(events: Anthropic.MessageStreamEvent[]): void {
  const types = events.map((event) => event.type).filter((type) => type !== ('ping' as string));
  expect(types[0]).toBe('message_start');
  expect(types.slice(-2)).toEqual(['message_delta', 'message_stop']);
  let open: { index: number; type: string } | null = null;
  let nextIndex = 0;
  const deltaFor: Record<string, string[]> = {
    text: ['text_delta'],
    thinking: ['thinking_delta', 'signature_delta'],
    tool_use: ['input_json_delta'],
    redacted_thinking: [],
  };
  for (const event of events) {
    if (event.type === 'content_block_start') {
      expect(open, 'one block at a time').toBeNull();
      expect(event.index).toBe(nextIndex++);
      open = { index: event.index, type: event.content_block.type };
    } else if (event.type === 'content_block_delta') {
      expect(open?.index).toBe(event.index);
      expect(deltaFor[open!.type]).toContain(event.delta.type);
    } else if (event.type === 'content_block_stop') {
      expect(open?.index).toBe(event.index);
      open = null;
    } else if (event.type === 'message_delta') {
      expect(open, 'all blocks closed before message_delta').toBeNull();
    }
  }
}

describe.each(FAMILIES)('Anthropic client → %s upstream', (family) => {
  describe.each(ANSWERING)('$name', (scenario) => {
    it('unary', async () => {
      const fixture = harness.fixture(family);
      const before = fixture.received.length;
      const message = await client.messages.create(anthropicRequestFor(scenario.name, family));
      checkAnthropicAnswer(family, scenario, message);
      const chatRequests = fixture.received.slice(before).filter((request) => request.normalized);
      expect(chatRequests).toHaveLength(1);
      checkUpstreamRequest(scenario.name, chatRequests[0]!.normalized!, family, false);
    });

    it('stream', async () => {
      const fixture = harness.fixture(family);
      const before = fixture.received.length;
      const stream = client.messages.stream(anthropicRequestFor(scenario.name, family));
      const events: Anthropic.MessageStreamEvent[] = [];
      for await (const event of stream) events.push(event);
      const message = await stream.finalMessage();
      checkEventSequence(events);
      checkAnthropicAnswer(family, scenario, message);
      const chatRequests = fixture.received.slice(before).filter((request) => request.normalized);
      expect(chatRequests).toHaveLength(1);
      checkUpstreamRequest(scenario.name, chatRequests[0]!.normalized!, family, true);
    });
  });
});
