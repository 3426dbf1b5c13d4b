// What the upstream received, normalized (and, where the wire detail matters,
// raw): system placement, turn order, images, tools, the tool-result round
// trip, the JSON schema, reasoning, stop sequences, token limits, auth, paths.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../../fixtures/fixture-upstream.js';
import { scenarioByName, TINY_PNG_BASE64, type Scenario } from '../../fixtures/scenarios.js';
import { AZURE_API_VERSION, context, DEPLOYMENTS, foldStream, scenarioRequest, startHarness, targetFor, type Harness } from './adapter-harness.js';

type Json = Record<string, any>;

describe.each(DEPLOYMENTS)('OpenAI adapter upstream request: $name', (deployment) => {
  let harness: Harness;
  const compatible = deployment.family === 'openai-compatible';
  beforeAll(async () => {
    harness = await startHarness(deployment);
  });
  afterAll(async () => {
    await harness.fixture.close();
  });

  async function send(name: string, stream = false): Promise<{ recorded: RecordedRequest; body: Json; warnings: string[] }> {
    const scenario = scenarioByName(name) as Scenario;
    const request = scenarioRequest(scenario, deployment.family);
    const target = targetFor(deployment, name);
    let warnings: string[];
    if (stream) warnings = (await foldStream(harness.adapter.stream(request, target, context()))).warnings.map((w) => w.param);
    else warnings = (await harness.adapter.complete(request, target, context())).warnings.map((w) => w.param);
    const recorded = harness.fixture.received.at(-1) as RecordedRequest;
    return { recorded, body: recorded.body as Json, warnings };
  }

  it('authenticates the vendor way and calls the vendor path', async () => {
    const { recorded, body } = await send('plain-text');
    if (deployment.family === 'azure-openai') {
      expect(recorded.headers['api-key']).toBe(harness.fixture.apiKey);
      expect(recorded.headers['authorization']).toBeUndefined();
      expect(recorded.path).toBe(
        deployment.azureApiVersion
          ? `/openai/deployments/plain-text/chat/completions?api-version=${AZURE_API_VERSION}`
          : '/openai/v1/chat/completions',
      );
    } else {
      expect(recorded.headers['authorization']).toBe(`Bearer ${harness.fixture.apiKey}`);
      expect(recorded.path).toBe('/v1/chat/completions');
    }
    expect(body['model']).toBe('plain-text');
    expect(recorded.normalized?.stream).toBe(false);
  });

  it('places system and developer instructions', async () => {
    const { recorded, body } = await send('system-prompt');
    expect(recorded.normalized?.system).toBe('You are terse.\n\nAnswer in English.');
    expect(body['messages'].map((message: Json) => message['role'])).toEqual(['system', compatible ? 'system' : 'developer', 'user']);
  });

  it('keeps multi-turn order', async () => {
    const { recorded } = await send('multi-turn');
    expect(recorded.normalized?.messages.map((message) => [message.role, message.text])).toEqual([
      ['user', 'My name is Ada.'],
      ['assistant', 'Nice to meet you, Ada.'],
      ['user', 'What is my name?'],
    ]);
  });

  it('sends both images (URL and bytes as a data URL)', async () => {
    const { recorded } = await send('image');
    expect(recorded.normalized?.messages[0]?.text).toBe('Compare these images');
    expect(recorded.normalized?.messages[0]?.images).toEqual([
      { url: 'https://images.example.test/cat.png' },
      { base64: TINY_PNG_BASE64, mediaType: 'image/png' },
    ]);
  });

  it('sends tools and tool choice', async () => {
    const one = await send('one-tool-call');
    const weather = scenarioByName('one-tool-call')?.request.tools?.[0];
    expect(one.recorded.normalized?.tools).toEqual([{ name: 'get_weather', description: weather?.description, parameters: weather?.parameters }]);
    expect(one.recorded.normalized?.toolChoice).toBe('auto');
    const parallel = await send('parallel-tool-calls');
    expect(parallel.recorded.normalized?.toolChoice).toBe('required');
    expect(parallel.body['parallel_tool_calls']).toBe(true);
  });

  it('round-trips tool calls and results, the empty result included', async () => {
    const { recorded, body, warnings } = await send('tool-result-round-trip');
    const messages = recorded.normalized?.messages ?? [];
    expect(messages.map((message) => message.role)).toEqual(['user', 'assistant', 'tool', 'tool']);
    expect(messages[1]?.toolCalls).toEqual([
      { id: 'call_a', name: 'get_weather', arguments: { city: 'Paris' } },
      { id: 'call_b', name: 'get_weather', arguments: { city: 'Rome' } },
    ]);
    expect(messages[2]?.toolResults).toEqual([{ toolCallId: 'call_a', text: '18C sunny' }]);
    expect(messages[3]?.toolResults).toEqual([{ toolCallId: 'call_b', text: '' }]);
    expect(body['messages'][3]).toEqual({ role: 'tool', tool_call_id: 'call_b', content: '' });
    // The Gemini signature on call_a cannot travel: reported, not silently dropped.
    expect(warnings).toContain('messages.content.tool_call.signature');
    // A turn without reasoning gets no reasoning field (Groq refuses one); DeepSeek's own rule, an empty
    // reasoning_content on tool-call turns, is for DeepSeek only (test/http/compatible-hosts-reasoning.test.ts).
    expect(body['messages'][1]).not.toHaveProperty('reasoning_content');
    expect(body['messages'][1]).not.toHaveProperty('reasoning');
  });

  it('sends the JSON schema unchanged', async () => {
    const { recorded, body } = await send('json-schema');
    const schema = scenarioByName('json-schema')?.request.responseFormat?.schema;
    expect(recorded.normalized?.responseFormat).toEqual({ type: 'json_schema', schema });
    expect(body['response_format']['json_schema']).toMatchObject({ name: 'person', strict: true });
  });

  it('sends reasoning config and the earlier reasoning where the host takes it', async () => {
    const { recorded, body, warnings } = await send('reasoning-round-trip');
    expect(recorded.normalized?.reasoningEffort).toBe('medium');
    expect(recorded.normalized?.maxOutputTokens).toBe(4096);
    const assistant = recorded.normalized?.messages[1];
    if (compatible) {
      expect(assistant?.reasoning).toEqual([{ text: 'Adding small numbers.', signature: '' }]);
      expect(body['max_tokens']).toBe(4096);
      expect(body).not.toHaveProperty('max_completion_tokens');
      // DeepSeek-style hosts have no signatures: the text goes back, the signature cannot.
      expect(warnings).toContain('messages.content.reasoning.signature');
    } else {
      expect(assistant?.reasoning).toEqual([]);
      expect(body['max_completion_tokens']).toBe(4096);
      expect(body).not.toHaveProperty('max_tokens');
      expect(warnings).toEqual(expect.arrayContaining(['messages.content.reasoning', 'reasoning.include_reasoning']));
    }
  });

  it('sends stop sequences, the token limit and the effort', async () => {
    expect((await send('stop-sequence')).recorded.normalized?.stop).toEqual(['5', 'END']);
    expect((await send('max-tokens')).recorded.normalized?.maxOutputTokens).toBe(5);
    expect((await send('usage-cached-reasoning')).recorded.normalized?.reasoningEffort).toBe('low');
  });

  it('asks streams for usage', async () => {
    const { recorded, body } = await send('plain-text', true);
    expect(recorded.normalized?.stream).toBe(true);
    expect(recorded.normalized?.streamIncludeUsage).toBe(true);
    expect(body['stream_options']).toEqual({ include_usage: true });
  });
});
