// The official @anthropic-ai/sdk client against the Anthropic shim: headers
// and credentials, tool-use and thinking round trips across turns (signatures
// kept byte-identical for an Anthropic upstream), count_tokens, warnings and
// pass-through fields — against OpenAI-family, Anthropic and Gemini fixtures.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeReasoningSignature } from '../../../src/http/anthropic/reasoning-signature.js';
import { decodeToolCallId } from '../../../src/http/tool-call-id.js';
import type { NormalizedUpstreamRequest, ProviderFamily } from '../../fixtures/scenarios.js';
import { startShimHarness, type ShimHarness } from '../shim-harness.js';
import { anthropicRequestFor, weatherTool } from './anthropic-requests.js';

let harness: ShimHarness;
let client: Anthropic;

beforeAll(async () => {
  harness = await startShimHarness(['openai', 'anthropic', 'gemini']);
  client = new Anthropic({ baseURL: harness.gateway.url, apiKey: harness.secret, maxRetries: 0 });
});
afterAll(async () => harness?.close());

const lastUpstream = (family: ProviderFamily) => {
  const recorded = harness.fixture(family).received.filter((request) => request.normalized).at(-1);
  if (!recorded?.normalized) throw new Error('the upstream received no chat request');
  return { normalized: recorded.normalized, body: recorded.body as Record<string, unknown> };
};
const assistantOf = (received: NormalizedUpstreamRequest) => received.messages.find((message) => message.role === 'assistant');
const warningsOf = (headers: Headers): Array<{ code: string; param: string }> => JSON.parse(headers.get('x-gateway-warnings') ?? '[]');
const hello = (model: string): Anthropic.MessageCreateParamsNonStreaming => ({ model, max_tokens: 256, messages: [{ role: 'user', content: 'Say hello' }] });

describe('requests and headers', () => {
  it('answers a message with the request id (request-id, as the SDK reads it), route headers and no warnings', async () => {
    const { data, response, request_id } = await client.messages
      .create(hello('anthropic/plain-text'), { headers: { 'x-request-id': 'client-req-7' } })
      .withResponse();
    expect(data).toMatchObject({ type: 'message', role: 'assistant', model: 'anthropic/plain-text', stop_reason: 'end_turn' });
    expect(data.content).toEqual([{ type: 'text', text: 'Hello, world!', citations: null }]);
    expect(request_id).toBe('client-req-7');
    expect(response.headers.get('x-request-id')).toBe('client-req-7');
    expect(response.headers.get('x-gateway-provider')).toBe('anthropic');
    expect(response.headers.get('x-gateway-upstream-model')).toBe('plain-text');
    expect(response.headers.get('x-gateway-warnings')).toBeNull();
    // The SDK sends the key as a bearer token and a dated anthropic-version; neither reaches the upstream.
    const { body } = lastUpstream('anthropic');
    expect(body['model']).toBe('plain-text');
  });

  it('takes the key as x-api-key too, with or without anthropic-version / anthropic-beta', async () => {
    const extras: Array<Record<string, string>> = [{}, { 'anthropic-version': '2023-06-01', 'anthropic-beta': 'foo-2025-01-01,bar' }];
    for (const extra of extras) {
      const response = await fetch(`${harness.gateway.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': harness.secret, ...extra },
        body: JSON.stringify(hello('openai/plain-text')),
      });
      expect(response.status).toBe(200);
      expect(((await response.json()) as Anthropic.Message).content[0]).toMatchObject({ type: 'text', text: 'Hello, world!' });
    }
  });

  it('serves the beta client too (POST /v1/messages?beta=true with anthropic-beta), as coding agents use it', async () => {
    const before = harness.fixture('openai').received.length;
    const message = await client.beta.messages.create({ ...hello('openai/plain-text'), betas: ['interleaved-thinking-2025-05-14'] });
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'Hello, world!' });
    const streamed = await client.beta.messages.stream({ ...hello('openai/plain-text'), betas: ['fine-grained-tool-streaming-2025-05-14'] }).finalMessage();
    expect(streamed.content[0]).toMatchObject({ type: 'text', text: 'Hello, world!' });
    const counted = await client.beta.messages.countTokens({ model: 'openai/plain-text', messages: [{ role: 'user', content: 'x' }], betas: ['x'] });
    expect(counted.input_tokens).toBeGreaterThan(0);
    expect(harness.fixture('openai').received.slice(before).filter((request) => request.normalized)).toHaveLength(2);
  });

  it('passes metadata.user_id, stop_sequences and unknown fields through to an Anthropic upstream', async () => {
    const message = await client.messages.create({
      ...hello('anthropic/stop-sequence'),
      stop_sequences: ['5'],
      metadata: { user_id: 'user-42' },
      inference_geo: 'eu',
      service_tier: 'standard_only',
    });
    expect(message.stop_reason).toBe('stop_sequence');
    expect(message.stop_sequence).toBe('5');
    const { body } = lastUpstream('anthropic');
    expect(body).toMatchObject({ metadata: { user_id: 'user-42' }, stop_sequences: ['5'], inference_geo: 'eu', service_tier: 'standard_only' });
  });

  it('service_tier, Anthropic’s values: "standard_only" is OpenAI’s "default", "auto" stays; Gemini leaves it out in neutral words', async () => {
    const sent = async (model: string, tier: Anthropic.MessageCreateParams['service_tier']) =>
      client.messages.create({ ...hello(model), service_tier: tier }).withResponse();
    // The OpenAI fixture, like OpenAI, answers 400 to a tier it does not know.
    const standard = await sent('openai/plain-text', 'standard_only');
    expect(standard.data.content).toEqual([expect.objectContaining({ type: 'text', text: 'Hello, world!' })]);
    expect(lastUpstream('openai').body['service_tier']).toBe('default');
    expect(warningsOf(standard.response.headers)).toEqual([expect.objectContaining({ code: 'parameter_adjusted', param: 'service_tier' })]);
    const auto = await sent('openai/plain-text', 'auto');
    expect(lastUpstream('openai').body['service_tier']).toBe('auto');
    expect(warningsOf(auto.response.headers)).toEqual([]);

    const gemini = await sent('gemini/plain-text', 'standard_only');
    expect(lastUpstream('gemini').body).not.toHaveProperty('service_tier');
    const [warning] = JSON.parse(gemini.response.headers.get('x-gateway-warnings') ?? '[]') as Array<{ param: string; message: string }>;
    expect(warning).toMatchObject({ param: 'service_tier' });
    expect(warning?.message).not.toContain('OpenAI');
  });

  it('an OpenAI provider gets no service tier it cannot take: a value of neither vendor is left out with a warning', async () => {
    const response = await harness.post('/v1/messages', { ...hello('openai/plain-text'), service_tier: 'turbo' });
    expect(response.status).toBe(200);
    expect(lastUpstream('openai').body).not.toHaveProperty('service_tier');
    expect(warningsOf(response.headers)).toEqual([expect.objectContaining({ code: 'unsupported_parameter', param: 'service_tier' })]);
  });

  it('usage.service_tier is the tier the upstream reported, unary and streamed; null when none was', async () => {
    const unary = await client.messages.create(hello('anthropic/plain-text'));
    expect(unary.usage.service_tier).toBe('standard');
    const streamed = await client.messages.stream(hello('anthropic/plain-text')).finalMessage();
    expect(streamed.usage.service_tier).toBe('standard');
    // OpenAI's "default" is Anthropic's "standard"; Gemini names no tier.
    expect((await client.messages.create(hello('openai/plain-text'))).usage.service_tier).toBe('standard');
    expect((await client.messages.create(hello('gemini/plain-text'))).usage.service_tier).toBeNull();
  });

  it('names the stop sequence an Anthropic upstream matched among several, unary and streamed', async () => {
    // The scenario stops at "5", which is not the first of the sequences asked for.
    const request = { ...hello('anthropic/stop-sequence'), stop_sequences: ['END', '5'] };
    const unary = await client.messages.create(request);
    expect(unary).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: '5' });
    const streamed = await client.messages.stream(request).finalMessage();
    expect(streamed).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: '5' });
  });

  it('reports what a provider could not honour in x-gateway-warnings, with Anthropic field names', async () => {
    const { response } = await client.messages
      .create({
        ...hello('openai/plain-text'),
        top_k: 5,
        system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
      } as Anthropic.MessageCreateParamsNonStreaming)
      .withResponse();
    const warnings = warningsOf(response.headers);
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'unsupported_parameter', param: 'top_k' }),
        expect.objectContaining({ code: 'unsupported_parameter', param: 'cache_control' }),
      ]),
    );
  });
});

describe('tool use round trip', () => {
  it.each(['openai', 'anthropic', 'gemini'] as ProviderFamily[])('%s: a tool_use comes back; its result goes up with the same id', async (family) => {
    const first = await client.messages.create({ ...hello(`${family}/one-tool-call`), tools: [weatherTool], tool_choice: { type: 'auto' } });
    expect(first.stop_reason).toBe('tool_use');
    const call = first.content.find((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use')!;
    expect(call).toMatchObject({ name: 'get_weather', input: { city: 'Paris', unit: 'c' } });

    await client.messages.create({
      ...hello(`${family}/tool-result-round-trip`),
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: [{ type: 'text', text: '18C sunny' }], is_error: true }] },
      ],
    });
    const { normalized, body } = lastUpstream(family);
    const sent = assistantOf(normalized)!.toolCalls[0]!;
    expect(sent).toMatchObject({ name: 'get_weather', arguments: { city: 'Paris', unit: 'c' } });
    const results = normalized.messages.flatMap((message) => message.toolResults);
    expect(results).toHaveLength(1);
    expect(results[0]?.text).toContain('18C sunny');
    if (family !== 'gemini') {
      expect(sent.id).toBe('call_paris_1');
      expect(results[0]?.toolCallId).toBe('call_paris_1');
    } else {
      // Gemini's thoughtSignature travelled inside the tool_use id and went back on its functionCall.
      expect(decodeToolCallId(call.id).signature).toBe('sig-call-paris');
      expect(sent.signature).toBe('sig-call-paris');
    }
    if (family === 'anthropic') {
      const userTurn = (body['messages'] as Array<{ content: Array<Record<string, unknown>> }>).at(-1)!;
      expect(userTurn.content[0]).toMatchObject({ type: 'tool_result', tool_use_id: 'call_paris_1', is_error: true });
    }
  });

  it('streams parallel tool_use blocks that finalMessage() assembles with parsed input', async () => {
    const stream = client.messages.stream({ ...hello('openai/parallel-tool-calls'), tools: [weatherTool], tool_choice: { type: 'any' } });
    const message = await stream.finalMessage();
    expect(message.stop_reason).toBe('tool_use');
    const calls = message.content.filter((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use');
    expect(calls.map((call) => [call.id, call.input])).toEqual([
      ['call_paris_2', { city: 'Paris' }],
      ['call_rome_2', { city: 'Rome' }],
    ]);
  });
});

describe('thinking', () => {
  const thinkingRequest = (family: ProviderFamily): Anthropic.MessageCreateParamsNonStreaming => ({
    ...anthropicRequestFor('reasoning-round-trip', family),
    thinking: { type: 'enabled', budget_tokens: 2048 },
    output_config: {},
  });

  it.each(['unary', 'stream'])('Anthropic upstream (%s): the signed thinking block goes back byte-identical on the next turn', async (mode) => {
    const request = { ...thinkingRequest('anthropic'), messages: [{ role: 'user' as const, content: 'And 3+3?' }] };
    const answer = mode === 'unary' ? await client.messages.create(request) : await client.messages.stream(request).finalMessage();
    expect(answer.content[0]).toEqual({ type: 'thinking', thinking: 'Three plus three is six.', signature: 'sig-new-thought' });
    expect(lastUpstream('anthropic').body['thinking']).toEqual({ type: 'enabled', budget_tokens: 2048 });

    await client.messages.create({
      ...request,
      messages: [...request.messages, { role: 'assistant', content: answer.content }, { role: 'user', content: 'Thanks. And 4+4?' }],
    });
    const assistant = (lastUpstream('anthropic').body['messages'] as Array<{ role: string; content: unknown }>)[1]!;
    expect(assistant.content).toEqual([
      { type: 'thinking', thinking: 'Three plus three is six.', signature: 'sig-new-thought' },
      { type: 'text', text: '6' },
    ]);
  });

  it('redacted_thinking goes back to an Anthropic upstream as sent', async () => {
    await client.messages.create({
      ...hello('anthropic/plain-text'),
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: [{ type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix/LafPsn4a' }, { type: 'text', text: 'Hello.' }] },
        { role: 'user', content: 'Again?' },
      ],
    });
    const assistant = (lastUpstream('anthropic').body['messages'] as Array<{ content: unknown }>)[1]!;
    expect(assistant.content).toEqual([{ type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix/LafPsn4a' }, { type: 'text', text: 'Hello.' }]);
  });

  it('thinking another family produced is not sent to Anthropic: a warning names the block', async () => {
    const { response } = await client.messages
      .create({
        ...hello('anthropic/plain-text'),
        system: 'Be brief.',
        messages: [
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: [{ type: 'thinking', thinking: 'hm', signature: encodeReasoningSignature('gemini', 'g-sig') }, { type: 'text', text: 'Hello.' }] },
          { role: 'user', content: 'Again?' },
        ],
      })
      .withResponse();
    expect(warningsOf(response.headers)).toContainEqual(expect.objectContaining({ code: 'reasoning_dropped', param: 'messages.1.content.0' }));
    expect(assistantOf(lastUpstream('anthropic').normalized)?.reasoning).toEqual([]);
  });

  it('Gemini upstream: its signed reasoning comes back to Gemini, not to Anthropic', async () => {
    const request = thinkingRequest('gemini');
    const answer = await client.messages.create(request);
    const thinking = answer.content.find((block) => block.type === 'thinking');
    expect(thinking).toMatchObject({ thinking: 'Three plus three is six.' });
    expect(assistantOf(lastUpstream('gemini').normalized)?.reasoning).toEqual([{ text: 'Adding small numbers.', signature: 'sig-earlier-thought' }]);
    expect(lastUpstream('gemini').normalized.reasoningBudget).toBe(2048);
  });
});

describe('models', () => {
  it('lists and retrieves in Anthropic\'s shape, page by page as the SDK pages; an unknown model is its not_found_error', async () => {
    const everyModel: string[] = [];
    for await (const model of client.models.list({ limit: 3 })) {
      expect(model).toMatchObject({ type: 'model', display_name: model.id, created_at: '1970-01-01T00:00:00Z' });
      everyModel.push(model.id);
    }
    expect(everyModel).toContain('anthropic/plain-text');
    expect(new Set(everyModel).size).toBe(everyModel.length); // no page repeats one
    const openaiList = (await (await fetch(`${harness.gateway.url}/v1/models`, { headers: { authorization: `Bearer ${harness.secret}` } })).json()) as { data: Array<{ id: string }> };
    expect(everyModel).toEqual(openaiList.data.map((model) => model.id)); // the same models the OpenAI shape lists
    const firstPage = await client.models.list({ limit: 2 });
    expect(firstPage.data.map((model) => model.id)).toEqual(everyModel.slice(0, 2));
    expect(firstPage.has_more).toBe(true);
    expect(firstPage.last_id).toBe(everyModel[1]);
    const before = await client.models.list({ limit: 5, before_id: everyModel[3]! });
    expect(before.data.map((model) => model.id)).toEqual(everyModel.slice(0, 3));
    expect(before.has_more).toBe(false);

    expect(await client.models.retrieve('anthropic/plain-text')).toMatchObject({ type: 'model', id: 'anthropic/plain-text', display_name: 'anthropic/plain-text' });
    const missing = await client.models.retrieve('anthropic/no-such-model').catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(Anthropic.NotFoundError);
    expect((missing as InstanceType<typeof Anthropic.NotFoundError>).error).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    const badLimit = await client.models.list({ limit: 0 }).catch((error: unknown) => error);
    expect(badLimit).toBeInstanceOf(Anthropic.BadRequestError);
  });
});

describe('count_tokens', () => {
  it('counts through the upstream when it can (exact), else with the gateway tokenizer (estimated)', async () => {
    const params = { messages: [{ role: 'user' as const, content: 'Say hello' }], system: 'Be brief.', tools: [weatherTool] };
    const exact = await client.messages.countTokens({ model: 'anthropic/plain-text', ...params }).withResponse();
    expect(exact.data).toEqual({ input_tokens: 9 });
    expect(exact.response.headers.get('x-gateway-token-count-method')).toBe('provider:anthropic');
    const upstream = harness.fixture('anthropic').received.at(-1)!;
    expect(upstream.path).toBe('/v1/messages/count_tokens');
    expect(upstream.body).toMatchObject({ model: 'plain-text', system: [{ type: 'text', text: 'Be brief.' }] });

    const estimated = await client.messages.countTokens({ model: 'openai/plain-text', ...params }).withResponse();
    expect(estimated.data.input_tokens).toBeGreaterThan(0);
    expect(estimated.response.headers.get('x-gateway-token-count-method')).toMatch(/^tokenizer:/);
  });
});
