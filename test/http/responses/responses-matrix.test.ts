// The conversion matrix through the Responses API: every scenario the API can
// express × every provider family × unary and stream, with the official
// openai client — the response object, the event grammar of the stream, and
// the request each upstream received (the same checks as the other surfaces).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type OpenAI from 'openai';
import { checkUpstreamRequest } from '../../completion/upstream-checks.js';
import { SCENARIOS, type ProviderFamily } from '../../fixtures/scenarios.js';
import { startShimHarness, type ShimHarness } from '../shim-harness.js';
import { checkResponsesAnswer, responsesRequestFor, RESPONSES_SCENARIOS } from './responses-requests.js';

const FAMILIES: ProviderFamily[] = ['openai', 'openai-compatible', 'anthropic', 'gemini'];
const ANSWERING = SCENARIOS.filter((scenario) => scenario.output && !scenario.failure && !scenario.brokenStream && RESPONSES_SCENARIOS.has(scenario.name));

let harness: ShimHarness;

beforeAll(async () => {
  harness = await startShimHarness(FAMILIES);
});
afterAll(async () => harness?.close());

/** The documented grammar: created, in_progress; items added and done by index, their deltas in between; a final event. */
function checkEventSequence(events: OpenAI.Responses.ResponseStreamEvent[]): void {
  expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
  expect(events.slice(0, 2).map((event) => event.type)).toEqual(['response.created', 'response.in_progress']);
  expect(['response.completed', 'response.incomplete']).toContain(events.at(-1)?.type);
  const open = new Map<number, string>();
  const closed = new Set<number>();
  for (const event of events.slice(2, -1)) {
    if (event.type === 'response.output_item.added') {
      expect(open.has(event.output_index) || closed.has(event.output_index)).toBe(false);
      open.set(event.output_index, event.item.id!);
    } else if (event.type === 'response.output_item.done') {
      expect(open.get(event.output_index)).toBe(event.item.id);
      open.delete(event.output_index);
      closed.add(event.output_index);
    } else if ('item_id' in event && 'output_index' in event) {
      expect(open.get(event.output_index), `${event.type} inside its item`).toBe(event.item_id);
    }
  }
  expect(open.size).toBe(0);
  expect([...closed].sort((a, b) => a - b)).toEqual([...closed].map((_, index) => index));
}

describe.each(FAMILIES)('Responses API → %s upstream', (family) => {
  describe.each(ANSWERING)('$name', (scenario) => {
    it('unary', async () => {
      const fixture = harness.fixture(family);
      const before = fixture.received.length;
      const response = await harness.client.responses.create(responsesRequestFor(scenario.name, family));
      checkResponsesAnswer(family, scenario, response);
      const chatRequests = fixture.received.slice(before).filter((request) => request.normalized);
      expect(chatRequests).toHaveLength(1);
      checkUpstreamRequest(scenario.name, chatRequests[0]!.normalized!, family, false);
    });

    it('stream', async () => {
      const fixture = harness.fixture(family);
      const before = fixture.received.length;
      const stream = await harness.client.responses.create({ ...responsesRequestFor(scenario.name, family), stream: true });
      const events: OpenAI.Responses.ResponseStreamEvent[] = [];
      for await (const event of stream) events.push(event);
      checkEventSequence(events);
      const final = events.at(-1) as OpenAI.Responses.ResponseCompletedEvent;
      checkResponsesAnswer(family, scenario, final.response);
      const chatRequests = fixture.received.slice(before).filter((request) => request.normalized);
      expect(chatRequests).toHaveLength(1);
      checkUpstreamRequest(scenario.name, chatRequests[0]!.normalized!, family, true);
    });
  });
});
