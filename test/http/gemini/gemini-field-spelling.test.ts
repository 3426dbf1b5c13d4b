// The Gemini API reads protobuf JSON, whose field names may be sent in
// lowerCamelCase (what @google/genai sends) or as the original snake_case
// proto names (what Google's REST examples send: `system_instruction`,
// `inline_data: {mime_type}`, `generation_config`). The gateway reads both
// alike, keeps the keys of free-form values (schemas, call arguments,
// function responses) as sent, refuses a field sent under both spellings, and
// still passes a top-level field the Gemini API does not define to the
// upstream under its own name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FunctionCallingConfigMode, Type, type Content, type GenerateContentConfig } from '@google/genai';
import type { ProviderFamily } from '../../fixtures/scenarios.js';
import { startShimHarness, type ShimHarness } from '../shim-harness.js';
import { geminiClient, lastUpstreamRequest, postGemini } from './gemini-harness.js';

const FAMILIES = ['openai', 'gemini'] as const satisfies readonly ProviderFamily[];
let harness: ShimHarness;

beforeAll(async () => {
  harness = await startShimHarness([...FAMILIES]);
});
afterAll(async () => harness?.close());

type GoogleError = { error: { code: number; message: string; status: string } };
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const weatherParameters = { type: Type.OBJECT, properties: { city_name: { type: Type.STRING } }, required: ['city_name'] };
const answerSchema = { type: Type.OBJECT, properties: { first_name: { type: Type.STRING } } };

/** A conversation with every kind of part, in camelCase, as @google/genai sends it. */
const camelContents: Content[] = [
  {
    role: 'user',
    parts: [{ text: 'Who is on these pictures?' }, { inlineData: { mimeType: 'image/png', data: PNG } }, { fileData: { mimeType: 'image/jpeg', fileUri: 'https://example.com/cat.jpg' } }],
  },
  { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city_name: 'Paris' } } }] },
  { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { temp_c: 18 } } }] },
];
const camelConfig: GenerateContentConfig = {
  systemInstruction: { parts: [{ text: 'You are terse.' }] },
  maxOutputTokens: 50,
  temperature: 0.1,
  topP: 0.9,
  stopSequences: ['END'],
  responseMimeType: 'application/json',
  responseSchema: answerSchema,
  thinkingConfig: { thinkingBudget: 1024, includeThoughts: true },
  tools: [{ functionDeclarations: [{ name: 'get_weather', description: 'Current weather', parameters: weatherParameters }] }],
  toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY, allowedFunctionNames: ['get_weather'] } },
};

/** The same request as Google's REST examples spell it. */
const snakeRequest = {
  system_instruction: { parts: [{ text: 'You are terse.' }] },
  contents: [
    {
      role: 'user',
      parts: [{ text: 'Who is on these pictures?' }, { inline_data: { mime_type: 'image/png', data: PNG } }, { file_data: { mime_type: 'image/jpeg', file_uri: 'https://example.com/cat.jpg' } }],
    },
    { role: 'model', parts: [{ function_call: { name: 'get_weather', args: { city_name: 'Paris' } } }] },
    { role: 'user', parts: [{ function_response: { name: 'get_weather', response: { temp_c: 18 } } }] },
  ],
  generation_config: {
    max_output_tokens: 50,
    temperature: 0.1,
    top_p: 0.9,
    stop_sequences: ['END'],
    response_mime_type: 'application/json',
    response_schema: answerSchema,
    thinking_config: { thinking_budget: 1024, include_thoughts: true },
  },
  tools: [{ function_declarations: [{ name: 'get_weather', description: 'Current weather', parameters: weatherParameters }] }],
  tool_config: { function_calling_config: { mode: 'ANY', allowed_function_names: ['get_weather'] } },
};

const lastBody = (family: ProviderFamily) => harness.fixture(family).received.at(-1)?.body as Record<string, unknown>;
const hello = [{ role: 'user', parts: [{ text: 'Say hello' }] }];

describe.each(FAMILIES)('snake_case field names → %s upstream', (family) => {
  it('reach the upstream as the same request @google/genai sends in camelCase, free-form keys kept', async () => {
    const camel = await geminiClient(harness).models.generateContent({ model: `${family}/plain-text`, contents: camelContents, config: camelConfig });
    const fromClient = lastUpstreamRequest(harness, family);

    const response = await postGemini(harness, `/v1beta/models/${family}/plain-text:generateContent`, snakeRequest);
    expect(response.status).toBe(200);
    const fromSnakeCase = lastUpstreamRequest(harness, family);
    expect(fromSnakeCase).toEqual(fromClient);
    expect(response.headers.get('x-gateway-warnings')).toBe(camel.sdkHttpResponse?.headers?.['x-gateway-warnings'] ?? null);

    expect(fromSnakeCase.system).toBe('You are terse.');
    expect(fromSnakeCase).toMatchObject({ maxOutputTokens: 50, temperature: 0.1, stop: ['END'], toolChoice: 'tool:get_weather' });
    expect(fromSnakeCase.messages[0]?.images).toHaveLength(2);
    expect(fromSnakeCase.messages[1]?.toolCalls[0]?.arguments).toEqual({ city_name: 'Paris' });
    expect(fromSnakeCase.messages[2]?.toolResults[0]?.text).toContain('temp_c');
    expect(Object.keys((fromSnakeCase.tools[0]?.parameters['properties'] ?? {}) as object)).toEqual(['city_name']);
    expect(Object.keys((fromSnakeCase.responseFormat.schema?.['properties'] ?? {}) as object)).toEqual(['first_name']);
    // Nothing of the request travelled on as an unknown option.
    for (const name of ['system_instruction', 'generation_config', 'tool_config']) expect(lastBody(family)).not.toHaveProperty(name);
  });

  it('streamed too', async () => {
    const response = await postGemini(harness, `/v1beta/models/${family}/plain-text:streamGenerateContent?alt=sse`, {
      system_instruction: { parts: [{ text: 'You are terse.' }] },
      contents: hello,
      generation_config: { max_output_tokens: 20 },
    });
    expect(response.status).toBe(200);
    await response.text();
    expect(lastUpstreamRequest(harness, family)).toMatchObject({ system: 'You are terse.', maxOutputTokens: 20, stream: true });
  });
});

describe('the other methods', () => {
  it('countTokens reads a generate_content_request, counting its system instruction as generateContentRequest’s', async () => {
    const instruction = { parts: [{ text: 'You are a very verbose assistant who explains everything at length.' }] };
    const count = async (body: object) => {
      const response = await postGemini(harness, '/v1beta/models/openai/plain-text:countTokens', body);
      expect(response.status).toBe(200);
      return ((await response.json()) as { totalTokens: number }).totalTokens;
    };
    const camel = await count({ generateContentRequest: { contents: hello, systemInstruction: instruction } });
    expect(await count({ generate_content_request: { contents: hello, system_instruction: instruction } })).toBe(camel);
    expect(camel).toBeGreaterThan(await count({ contents: hello }));
  });

  it('embedContent and batchEmbedContents read output_dimensionality, and task_type comes back as a warning', async () => {
    const one = await postGemini(harness, '/v1beta/models/openai/embedding-model:embedContent', {
      content: { parts: [{ text: 'hello' }] },
      output_dimensionality: 8,
      task_type: 'RETRIEVAL_DOCUMENT',
    });
    expect(one.status).toBe(200);
    expect(((await one.json()) as { embedding: { values: number[] } }).embedding.values).toHaveLength(8);
    expect((JSON.parse(one.headers.get('x-gateway-warnings') ?? '[]') as Array<{ param: string }>).map((warning) => warning.param)).toEqual(['taskType']);

    const batch = await postGemini(harness, '/v1beta/models/openai/embedding-model:batchEmbedContents', {
      requests: ['hello', 'world'].map((text) => ({ model: 'models/openai/embedding-model', content: { parts: [{ text }] }, output_dimensionality: 8 })),
    });
    expect(batch.status).toBe(200);
    expect(((await batch.json()) as { embeddings: Array<{ values: number[] }> }).embeddings.map((embedding) => embedding.values.length)).toEqual([8, 8]);
  });
});

describe('both spellings, and fields the Gemini API does not define', () => {
  it.each([
    ['at the top level', { contents: hello, systemInstruction: { parts: [{ text: 'A' }] }, system_instruction: { parts: [{ text: 'B' }] } }, 'system_instruction', 'systemInstruction'],
    ['inside generationConfig', { contents: hello, generationConfig: { maxOutputTokens: 5, max_output_tokens: 6 } }, 'generationConfig.max_output_tokens', 'generationConfig.maxOutputTokens'],
    ['inside a part', { contents: [{ parts: [{ inlineData: { mimeType: 'image/png', mime_type: 'image/png', data: PNG } }] }] }, 'contents[0].parts[0].inlineData.mime_type', 'contents[0].parts[0].inlineData.mimeType'],
  ])('a field sent in both spellings %s is refused with 400 INVALID_ARGUMENT naming both', async (_where, body, snake, camel) => {
    const response = await postGemini(harness, '/v1beta/models/openai/plain-text:generateContent', body);
    expect(response.status).toBe(400);
    const error = ((await response.json()) as GoogleError).error;
    expect(error.status).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain(`'${snake}'`);
    expect(error.message).toContain(`'${camel}'`);
  });

  it('one spelling set and the other null is the set one', async () => {
    const response = await postGemini(harness, '/v1beta/models/openai/plain-text:generateContent', {
      contents: hello,
      system_instruction: { parts: [{ text: 'You are terse.' }] },
      systemInstruction: null,
    });
    expect(response.status).toBe(200);
    expect(lastUpstreamRequest(harness, 'openai').system).toBe('You are terse.');
  });

  it('safety_settings travels on as safetySettings; an unknown top-level field keeps its name and value', async () => {
    const safety = [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }];
    const response = await postGemini(harness, '/v1beta/models/gemini/plain-text:generateContent', { contents: hello, safety_settings: safety, vendor_option: { keep_me: 1 } });
    expect(response.status).toBe(200);
    const body = lastBody('gemini');
    expect(body['safetySettings']).toEqual(safety);
    expect(body['vendor_option']).toEqual({ keep_me: 1 });
    expect(body).not.toHaveProperty('safety_settings');
    expect(body).not.toHaveProperty('vendorOption');
  });
});
