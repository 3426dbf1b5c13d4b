// What the Gemini upstream receives from the adapter (through the real SDK),
// read both raw (the JSON body) and normalized.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TINY_PNG_BASE64, scenarioByName, type NormalizedUpstreamRequest } from '../../fixtures/scenarios.js';
import type { FixtureUpstream, RecordedRequest } from '../../fixtures/fixture-upstream.js';
import { startGeminiFixture } from '../../fixtures/gemini-upstream.js';
import type { ProviderAdapter } from '../../../src/domain/provider-adapter.js';
import { adapterFor, collect, context, requestFor, target } from './helpers.js';

type Body = Record<string, any>; // Raw request JSON.

let fixture: FixtureUpstream;
let adapter: ProviderAdapter;

beforeAll(async () => {
  fixture = await startGeminiFixture();
  adapter = adapterFor(fixture);
});
afterAll(() => fixture.close());

/** Sends the scenario and returns the one chat request the fixture recorded. */
async function send(name: string, mode: 'unary' | 'stream'): Promise<RecordedRequest & { normalized: NormalizedUpstreamRequest }> {
  const scenario = scenarioByName(name)!;
  const before = fixture.received.length;
  if (mode === 'unary') await adapter.complete(requestFor(scenario), target(name), context());
  else await collect(adapter.stream(requestFor(scenario), target(name), context()));
  const requests = fixture.received.slice(before);
  expect(requests).toHaveLength(1);
  return requests[0] as RecordedRequest & { normalized: NormalizedUpstreamRequest };
}

describe.each(['unary', 'stream'] as const)('%s', (mode) => {
  it('calls the model URL with the key header, the extra headers and (streams) alt=sse', async () => {
    const recorded = await send('plain-text', mode);
    const method = mode === 'stream' ? 'streamGenerateContent?alt=sse' : 'generateContent';
    expect(recorded.path).toBe(`/v1beta/models/plain-text:${method}`);
    expect(recorded.headers['x-goog-api-key']).toBe(fixture.apiKey);
    expect(recorded.headers['x-gateway-test']).toBe('gemini');
    expect(recorded.normalized).toMatchObject({ model: 'plain-text', system: '', stream: mode === 'stream', toolChoice: '' });
    expect(recorded.normalized.messages.map((message) => [message.role, message.text])).toEqual([['user', 'Say hello']]);
  });

  it('puts system and developer messages, in order, in systemInstruction', async () => {
    const recorded = await send('system-prompt', mode);
    expect((recorded.body as Body).systemInstruction).toEqual({ parts: [{ text: 'You are terse.' }, { text: 'Answer in English.' }] });
    expect(recorded.normalized.system).toBe('You are terse.\n\nAnswer in English.');
    expect((recorded.body as Body).contents).toEqual([{ role: 'user', parts: [{ text: 'Hi' }] }]);
  });

  it('keeps multi-turn order with roles user/model', async () => {
    const body = (await send('multi-turn', mode)).body as Body;
    expect(body.contents.map((content: Body) => [content.role, content.parts[0].text])).toEqual([
      ['user', 'My name is Ada.'],
      ['model', 'Nice to meet you, Ada.'],
      ['user', 'What is my name?'],
    ]);
  });

  it('sends a URL image as fileData and bytes as inlineData', async () => {
    const body = (await send('image', mode)).body as Body;
    expect(body.contents[0].parts).toEqual([
      { text: 'Compare these images' },
      { fileData: { mimeType: 'image/png', fileUri: 'https://images.example.test/cat.png' } },
      { inlineData: { mimeType: 'image/png', data: TINY_PNG_BASE64 } },
    ]);
  });

  it('declares tools with the JSON schema unchanged in parametersJsonSchema and maps tool choice', async () => {
    const recorded = await send('one-tool-call', mode);
    const declaration = (recorded.body as Body).tools[0].functionDeclarations[0];
    expect(declaration).toEqual({
      name: 'get_weather',
      description: 'Current weather for a city',
      parametersJsonSchema: scenarioByName('one-tool-call')!.request.tools![0]!.parameters,
    });
    expect(declaration.parametersJsonSchema.additionalProperties).toBe(false);
    expect((recorded.body as Body).toolConfig).toEqual({ functionCallingConfig: { mode: 'AUTO' } });
    expect((await send('parallel-tool-calls', mode)).normalized.toolChoice).toBe('required');
  });

  it('sends all tool results of a model turn in ONE user turn, names filled, empty result kept', async () => {
    const recorded = await send('tool-result-round-trip', mode);
    const contents = (recorded.body as Body).contents;
    expect(contents.map((content: Body) => content.role)).toEqual(['user', 'model', 'user']);
    expect(contents[1].parts).toEqual([
      { functionCall: { id: 'call_a', name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'sig-a' },
      { functionCall: { id: 'call_b', name: 'get_weather', args: { city: 'Rome' } } },
    ]);
    expect(contents[2].parts).toEqual([
      { functionResponse: { id: 'call_a', name: 'get_weather', response: { content: '18C sunny' } } },
      { functionResponse: { id: 'call_b', name: 'get_weather', response: { content: '' } } },
    ]);
    expect(recorded.normalized.messages[2]?.role).toBe('tool');
  });

  it('sends json_schema as responseMimeType + responseJsonSchema, $ref/$defs/additionalProperties intact', async () => {
    const recorded = await send('json-schema', mode);
    const generation = (recorded.body as Body).generationConfig;
    expect(generation.responseMimeType).toBe('application/json');
    expect(generation.responseJsonSchema).toEqual(scenarioByName('json-schema')!.request.responseFormat!.schema);
    expect(generation.responseSchema).toBeUndefined();
    expect(recorded.normalized.responseFormat.type).toBe('json_schema');
  });

  it('sends thinkingBudget + includeThoughts and the earlier thought back on its part, byte-identical', async () => {
    const recorded = await send('reasoning-round-trip', mode);
    const body = recorded.body as Body;
    expect(body.generationConfig.thinkingConfig).toEqual({ thinkingBudget: 2048, includeThoughts: true });
    expect(body.generationConfig.maxOutputTokens).toBe(4096);
    expect(body.contents[1]).toEqual({
      role: 'model',
      parts: [{ text: 'Adding small numbers.', thought: true, thoughtSignature: 'sig-earlier-thought' }, { text: '4' }],
    });
    expect(recorded.normalized.messages[1]?.reasoning).toEqual([{ text: 'Adding small numbers.', signature: 'sig-earlier-thought' }]);
    expect((await send('usage-cached-reasoning', mode)).normalized.reasoningBudget).toBe(1024);
  });

  it('sends stop sequences and max output tokens', async () => {
    expect((await send('stop-sequence', mode)).normalized.stop).toEqual(['5', 'END']);
    expect((await send('max-tokens', mode)).normalized.maxOutputTokens).toBe(5);
  });

  it('does not retry a retryable failure (one request upstream)', async () => {
    for (const name of ['error-429', 'error-500']) {
      const before = fixture.received.length;
      const call =
        mode === 'unary'
          ? adapter.complete(requestFor(scenarioByName(name)!), target(name), context())
          : collect(adapter.stream(requestFor(scenarioByName(name)!), target(name), context()));
      await expect(call).rejects.toMatchObject({ retryable: true });
      expect(fixture.received.length - before).toBe(1);
    }
  });
});
