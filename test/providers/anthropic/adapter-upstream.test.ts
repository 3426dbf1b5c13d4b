// What the Anthropic upstream received (normalized and raw), plus
// cancellation, credentials, count_tokens, model listing and embeddings,
// through the real SDK against the fixture upstream.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/domain/gateway-error.js';
import type { ProviderAdapter } from '../../../src/domain/provider-adapter.js';
import { startAnthropicFixture } from '../../fixtures/anthropic-upstream.js';
import type { FixtureUpstream, RecordedRequest } from '../../fixtures/fixture-upstream.js';
import { SCENARIOS, scenarioByName, TINY_PNG_BASE64, type NormalizedUpstreamRequest } from '../../fixtures/scenarios.js';
import { adapterFor, collect, requestFor, target, waitFor } from './adapter-helpers.js';

let fixture: FixtureUpstream;
let adapter: ProviderAdapter;

beforeAll(async () => {
  fixture = await startAnthropicFixture();
  adapter = adapterFor(fixture, { extraHeaders: { 'x-tenant': 'acme' } });
});
afterAll(async () => {
  await fixture.close();
});

const context = () => ({ signal: new AbortController().signal });

/** Sends the scenario (unary and streamed) and returns both recorded upstream requests. */
async function sendBoth(name: string): Promise<{ unary: RecordedRequest; streamed: RecordedRequest }> {
  const scenario = scenarioByName(name)!;
  await adapter.complete(requestFor(scenario), target(name), context());
  const unary = fixture.received.at(-1)!;
  await collect(adapter.stream(requestFor(scenario), target(name), context()));
  return { unary, streamed: fixture.received.at(-1)! };
}

async function normalizedOf(name: string): Promise<NormalizedUpstreamRequest> {
  const { unary, streamed } = await sendBoth(name);
  expect(unary.normalized?.stream).toBe(false);
  expect(streamed.normalized?.stream).toBe(true);
  // Apart from `stream`, both modes send the same request.
  expect({ ...streamed.normalized, stream: false }).toEqual(unary.normalized);
  return unary.normalized!;
}

const body = (record: RecordedRequest) => record.body as Record<string, unknown> & { messages: Array<{ role: string; content: unknown[] }> };

describe('what the upstream received', () => {
  it('the SDK call: path, credentials, version header, extra headers', async () => {
    const { unary } = await sendBoth('plain-text');
    expect(unary.method).toBe('POST');
    expect(unary.path).toBe('/v1/messages');
    expect(unary.headers['authorization']).toBe(`Bearer ${fixture.apiKey}`);
    expect(unary.headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(unary.headers['x-tenant']).toBe('acme');
    // SDK retries are off: the router retries.
    expect(unary.headers['x-stainless-retry-count']).toBe('0');
  });

  it('plain-text: the upstream model, the user turn and the default max_tokens', async () => {
    const normalized = await normalizedOf('plain-text');
    expect(normalized).toMatchObject({ model: 'plain-text', system: '', maxOutputTokens: 4096, stop: [], toolChoice: '', reasoningBudget: undefined });
    expect(normalized.messages).toEqual([expect.objectContaining({ role: 'user', text: 'Say hello' })]);
  });

  it('system-prompt: system and developer text in top-level system, not in messages', async () => {
    const normalized = await normalizedOf('system-prompt');
    expect(normalized.system).toBe('You are terse.\n\nAnswer in English.');
    expect(normalized.messages.map((message) => [message.role, message.text])).toEqual([['user', 'Hi']]);
  });

  it('multi-turn: order and roles', async () => {
    const normalized = await normalizedOf('multi-turn');
    expect(normalized.messages.map((message) => [message.role, message.text])).toEqual([
      ['user', 'My name is Ada.'],
      ['assistant', 'Nice to meet you, Ada.'],
      ['user', 'What is my name?'],
    ]);
  });

  it('image: a URL source and a base64 source', async () => {
    const normalized = await normalizedOf('image');
    expect(normalized.messages[0]?.images).toEqual([
      { url: 'https://images.example.test/cat.png' },
      { base64: TINY_PNG_BASE64, mediaType: 'image/png' },
    ]);
  });

  it('one-tool-call and parallel-tool-calls: tools and tool choice', async () => {
    const one = await normalizedOf('one-tool-call');
    const tool = scenarioByName('one-tool-call')!.request.tools![0]!;
    expect(one.tools).toEqual([{ name: tool.name, description: tool.description, parameters: tool.parameters }]);
    expect(one.toolChoice).toBe('auto');
    const parallel = await normalizedOf('parallel-tool-calls');
    expect(parallel.toolChoice).toBe('required');
    expect(body(fixture.received.at(-1)!)['tool_choice']).toEqual({ type: 'any' });
  });

  it('tool-result-round-trip: both calls, then both results in ONE user message, the empty one included', async () => {
    const normalized = await normalizedOf('tool-result-round-trip');
    expect(normalized.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
    expect(normalized.messages[1]?.toolCalls).toEqual([
      { id: 'call_a', name: 'get_weather', arguments: { city: 'Paris' } },
      { id: 'call_b', name: 'get_weather', arguments: { city: 'Rome' } },
    ]);
    expect(normalized.messages[2]?.toolResults).toEqual([
      { toolCallId: 'call_a', text: '18C sunny' },
      { toolCallId: 'call_b', text: '' },
    ]);
    expect(body(fixture.received.at(-1)!).messages[2]?.content[1]).toEqual({ type: 'tool_result', tool_use_id: 'call_b' });
  });

  it('json-schema: the schema reaches output_config.format as given', async () => {
    const normalized = await normalizedOf('json-schema');
    expect(normalized.responseFormat).toEqual({ type: 'json_schema', schema: scenarioByName('json-schema')!.request.responseFormat!.schema });
  });

  it('reasoning-round-trip: the budget, and the earlier thinking block byte-identical before the text', async () => {
    const normalized = await normalizedOf('reasoning-round-trip');
    expect(normalized).toMatchObject({ reasoningBudget: 2048, maxOutputTokens: 4096 });
    expect(normalized.messages[1]?.reasoning).toEqual([{ text: 'Adding small numbers.', signature: 'sig-earlier-thought' }]);
    expect(body(fixture.received.at(-1)!).messages[1]?.content).toEqual([
      { type: 'thinking', thinking: 'Adding small numbers.', signature: 'sig-earlier-thought' },
      { type: 'text', text: '4' },
    ]);
  });

  it('stop-sequence, max-tokens, usage-cached-reasoning: limits as sent', async () => {
    expect((await normalizedOf('stop-sequence')).stop).toEqual(['5', 'END']);
    expect((await normalizedOf('max-tokens')).maxOutputTokens).toBe(5);
    const cached = await normalizedOf('usage-cached-reasoning');
    expect(cached).toMatchObject({ reasoningBudget: 1024, maxOutputTokens: 1024 + 4096 });
  });

  it('reports the defaulted max_tokens as a warning, first in streams', async () => {
    const scenario = scenarioByName('usage-cached-reasoning')!;
    const unary = await adapter.complete(requestFor(scenario), target(scenario.name), context());
    expect(unary.warnings.map((warning) => warning.code)).toEqual(['default_applied']);
    const streamed = await collect(adapter.stream(requestFor(scenario), target(scenario.name), context()));
    expect(streamed.chunks[0]?.event.case).toBe('warning');
  });
});

describe('cancellation, credentials and the other endpoints', () => {
  it('aborting a slow stream disconnects the upstream and throws canceled', async () => {
    const before = fixture.abortedStreams();
    const controller = new AbortController();
    const request = requestFor(SCENARIOS[0]!);
    const error = await collect(adapter.stream(request, target('slow-stream'), { signal: controller.signal }), (chunk) => {
      if (chunk.event.case === 'textDelta') controller.abort();
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).kind).toBe('canceled');
    expect(await waitFor(() => fixture.abortedStreams() > before)).toBe(true);
  });

  it('a wrong key gets the vendor 401, mapped without the key', async () => {
    const wrongKey = 'sk-fixture-wrong-key-0000000000';
    const error = await adapterFor(fixture, { apiKey: wrongKey })
      .complete(requestFor(SCENARIOS[0]!), target('plain-text'), context())
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'failed_precondition', upstreamStatus: 401 });
    expect((error as GatewayError).message).not.toContain(wrongKey);
  });

  it('an empty key still reaches the upstream (no credential read from the environment) and gets its 401', async () => {
    const error = await adapterFor(fixture, { apiKey: '' })
      .complete(requestFor(SCENARIOS[0]!), target('plain-text'), context())
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'failed_precondition', upstreamStatus: 401 });
  });

  it('an unknown model is not_found', async () => {
    const error = await adapter.complete(requestFor(SCENARIOS[0]!), target('no-such-model'), context()).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'not_found', upstreamStatus: 404 });
  });

  it('countTokens asks /v1/messages/count_tokens without max_tokens', async () => {
    const counted = await adapter.countTokens!(requestFor(scenarioByName('plain-text')!), target('plain-text'), context());
    expect(counted).toBe(9);
    const recorded = fixture.received.at(-1)!;
    expect(recorded.path).toBe('/v1/messages/count_tokens');
    expect(body(recorded)['max_tokens']).toBeUndefined();
    expect(body(recorded).messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Say hello' }] }]);
  });

  it('listModels returns every model id the upstream lists', async () => {
    const models = await adapter.listModels(context());
    expect(models).toEqual([...SCENARIOS.map((scenario) => scenario.name), 'slow-stream']);
  });

  it('embed is refused: Anthropic has no embeddings API', async () => {
    const error = await adapter.embed({ inputs: ['x'], dimensions: undefined, user: '', providerOptions: undefined, inputOptions: [] }, target('x'), context()).catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ kind: 'invalid_argument' });
    expect((error as GatewayError).message).toContain('no embeddings');
  });
});
