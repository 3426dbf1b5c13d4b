// What a Gemini client sends and gets back keeps Gemini's own shape when a
// Gemini model serves it (@google/genai against the gateway, fixture upstreams
// on 127.0.0.1): function responses as objects, enum mode, a blocked prompt's
// promptFeedback, candidates' safetyRatings, embedContent's taskType and title,
// and what other families and surfaces get instead.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, type Content } from '@google/genai';
import { rejection } from '../../helpers/rejection.js';
import { startShimHarness, type ShimHarness } from '../shim-harness.js';
import { geminiClient, lastUpstreamRequest } from './gemini-harness.js';
import { BLOCKED_PROMPT } from '../../fixtures/gemini-upstream.js';

let harness: ShimHarness;

beforeAll(async () => {
  harness = await startShimHarness(['openai', 'gemini']);
  // The Gemini fixture's safety answers, as a provider of their own.
  await harness.admin('ProvidersService/CreateProvider', {
    id: 'gemini-safety',
    name: 'Fixture gemini, safety answers',
    type: 'PROVIDER_TYPE_GEMINI',
    baseUrl: harness.fixture('gemini').baseUrl,
    apiKey: harness.fixture('gemini').apiKey,
    models: [{ upstreamModel: 'prompt-blocked' }, { upstreamModel: 'fault-content-filter' }],
  });
});
afterAll(async () => harness?.close());

type Json = Record<string, unknown>;
const lastGeminiBody = (method: string): Json => {
  const recorded = harness.fixture('gemini').received.filter((request) => request.path.includes(`:${method}`)).at(-1);
  if (!recorded) throw new Error(`the gemini upstream received no ${method}`);
  return recorded.body as Json;
};

describe('functionResponse.response', () => {
  const contents: Content[] = [
    { role: 'user', parts: [{ text: 'Weather in Paris?' }] },
    { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }] },
    { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { temperature: 15, unit: 'C', details: { wind: [3, 4] } } } }] },
  ];

  it('reaches a Gemini model as the object sent, not as JSON text', async () => {
    await geminiClient(harness).models.generateContent({ model: 'gemini/plain-text', contents });
    const sent = (lastGeminiBody('generateContent')['contents'] as Array<{ parts: Json[] }>)[2]!.parts[0]!;
    expect(sent['functionResponse']).toMatchObject({ name: 'get_weather', response: { temperature: 15, unit: 'C', details: { wind: [3, 4] } } });
  });

  it('reaches another family as its JSON text, as before', async () => {
    await geminiClient(harness).models.generateContent({ model: 'openai/plain-text', contents });
    const tool = lastUpstreamRequest(harness, 'openai').messages.find((message) => message.role === 'tool');
    expect(JSON.parse(tool?.toolResults[0]?.text ?? '')).toEqual({ temperature: 15, unit: 'C', details: { wind: [3, 4] } });
  });
});

describe('responseMimeType text/x.enum (enum mode)', () => {
  const config = { responseMimeType: 'text/x.enum', responseSchema: { type: 'STRING', enum: ['red', 'blue'] } } as const;

  it('reaches a Gemini model as enum mode, with its schema', async () => {
    await geminiClient(harness).models.generateContent({ model: 'gemini/plain-text', contents: 'Which color?', config: config as never });
    const generation = lastGeminiBody('generateContent')['generationConfig'] as Json;
    expect(generation['responseMimeType']).toBe('text/x.enum');
    expect(generation['responseSchema']).toEqual({ type: 'STRING', enum: ['red', 'blue'] });
    expect(generation['responseJsonSchema']).toBeUndefined();
  });

  it('is refused for another family, before any call, naming the field', async () => {
    const before = harness.fixture('openai').received.length;
    const thrown = await rejection(geminiClient(harness).models.generateContent({ model: 'openai/plain-text', contents: 'Which color?', config: config as never }));
    expect(thrown).toBeInstanceOf(ApiError);
    expect((thrown as ApiError).status).toBe(400);
    expect((thrown as ApiError).message).toContain('text/x.enum');
    expect((thrown as ApiError).message).toContain('generationConfig.responseMimeType');
    expect(harness.fixture('openai').received.length).toBe(before);
  });
});

describe('a blocked prompt', () => {
  const model = 'gemini-safety/prompt-blocked';

  it('comes back as Gemini answers it: no candidates, promptFeedback with the reason and ratings', async () => {
    const response = await geminiClient(harness).models.generateContent({ model, contents: 'x' });
    expect(response.candidates).toBeUndefined();
    expect(response.promptFeedback).toEqual(BLOCKED_PROMPT.promptFeedback);
    expect(response.usageMetadata?.promptTokenCount).toBe(7);
  });

  it('streamed, the same: one response, no candidates, promptFeedback', async () => {
    const chunks = [];
    for await (const chunk of await geminiClient(harness).models.generateContentStream({ model, contents: 'x' })) chunks.push(chunk);
    expect(chunks.every((chunk) => chunk.candidates === undefined)).toBe(true);
    expect(chunks.at(-1)?.promptFeedback).toEqual(BLOCKED_PROMPT.promptFeedback);
  });

  it('is still a content-filter finish on the OpenAI and Anthropic surfaces', async () => {
    const completion = await harness.client.chat.completions.create({ model, messages: [{ role: 'user', content: 'x' }] });
    expect(completion.choices.map((choice) => choice.finish_reason)).toEqual(['content_filter']);
    const messages = await harness.post('/v1/messages', { model, max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });
    expect(messages.status).toBe(200);
    expect(await messages.json()).toMatchObject({ content: [], stop_reason: 'refusal' });
  });
});

describe('a candidate’s safetyRatings', () => {
  // The fixture's filtered answer: finishReason SAFETY with the rating that blocked it.
  const model = 'gemini-safety/fault-content-filter';
  const ratings = [{ category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true }];

  it('come back on the candidate', async () => {
    const response = await geminiClient(harness).models.generateContent({ model, contents: 'x' });
    expect(response.candidates?.[0]?.finishReason).toBe('SAFETY');
    expect(response.candidates?.[0]?.safetyRatings).toEqual(ratings);
  });

  it('streamed, on the candidate’s last response', async () => {
    const chunks = [];
    for await (const chunk of await geminiClient(harness).models.generateContentStream({ model, contents: 'x' })) chunks.push(chunk);
    expect(chunks.at(-1)?.candidates?.[0]?.finishReason).toBe('SAFETY');
    expect(chunks.at(-1)?.candidates?.[0]?.safetyRatings).toEqual(ratings);
  });
});

describe('embedContent taskType and title', () => {
  const config = { taskType: 'RETRIEVAL_DOCUMENT', title: 'Weather report' };

  it('reach a Gemini provider', async () => {
    const response = await geminiClient(harness).models.embedContent({ model: 'gemini/embedding-model', contents: 'Sunny in Paris', config });
    expect(response.embeddings?.[0]?.values?.length).toBeGreaterThan(0);
    const sent = lastGeminiBody('batchEmbedContents')['requests'] as Json[];
    expect(sent[0]).toMatchObject(config);
    expect(response.sdkHttpResponse?.headers?.['x-gateway-warnings']).toBeUndefined();
  });

  it('are left out, with a warning, for another family', async () => {
    const response = await geminiClient(harness).models.embedContent({ model: 'openai/embedding-model', contents: 'Sunny in Paris', config });
    expect(response.embeddings?.[0]?.values?.length).toBeGreaterThan(0);
    const warnings = JSON.parse(response.sdkHttpResponse?.headers?.['x-gateway-warnings'] ?? '[]') as Array<{ param: string }>;
    expect(warnings.map((warning) => warning.param).sort()).toEqual(['taskType', 'title']);
    const sent = harness.fixture('openai').received.at(-1)?.body as Json;
    expect(sent['taskType']).toBeUndefined();
    expect(sent['title']).toBeUndefined();
  });
});
