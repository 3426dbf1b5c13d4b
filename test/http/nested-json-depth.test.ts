// Deeply nested JSON on the REST surfaces: a value that becomes a google.protobuf.Struct (a tool's
// parameters, a response schema, an unknown top-level field passed through as provider_options) nested
// past the RPC surface's limit is each API's own 400 naming the field, before any upstream call; one just
// under it is served. Deeper still (thousands of levels), any top-level field is refused the same way
// instead of overflowing a recursive walk into a 500. The limit is the RPC surface's (protobuf-es's JSON
// recursion limit of 100), checked here against the RPC surface itself.
import Anthropic from '@anthropic-ai/sdk';
import { ApiError } from '@google/genai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { geminiClient } from './gemini/gemini-harness.js';
import { startShimHarness, type ShimHarness } from './shim-harness.js';

/** `depth` levels counted as the limit counts them: the value and every array, object or scalar inside it. */
const lists = (depth: number): unknown => {
  let value: unknown = [];
  for (let level = 1; level < depth; level += 1) value = [value];
  return value;
};
/** An object schema of `depth` levels, its innermost level a scalar. */
const schema = (depth: number): Record<string, unknown> => {
  let value: unknown = 'string';
  for (let level = 1; level < depth; level += 1) value = { type: value };
  return value as Record<string, unknown>;
};
const ABUSIVE = 20_000;
const abusive = '['.repeat(ABUSIVE) + ']'.repeat(ABUSIVE);

let harness: ShimHarness;
let anthropic: Anthropic;
const upstreamCalls = () => [...harness.fixtures.values()].reduce((sum, fixture) => sum + fixture.received.length, 0);

beforeAll(async () => {
  harness = await startShimHarness(['openai', 'anthropic', 'gemini']);
  anthropic = new Anthropic({ baseURL: harness.gateway.url, apiKey: harness.secret, maxRetries: 0 });
}, 60_000);
afterAll(async () => {
  await harness?.close();
});

/** The client's rejection, asserting that nothing reached an upstream. */
async function refused(call: () => Promise<unknown>): Promise<unknown> {
  const before = upstreamCalls();
  const thrown = await call().then(() => undefined, (error: unknown) => error);
  expect(thrown).toBeDefined();
  expect(upstreamCalls()).toBe(before);
  return thrown;
}

describe('the RPC surface, the reference', () => {
  const complete = (chat: object) => harness.post('/llmgateway.v1.CompletionService/Complete', { chat: { model: 'openai/plain-text', messages: [{ role: 'ROLE_USER', content: [{ text: { text: 'hi' } }] }], ...chat } });

  it('takes 97 levels in provider_options and in a tool schema, and refuses 98', async () => {
    expect((await complete({ providerOptions: { extra: lists(97) } })).status).toBe(200);
    expect((await complete({ providerOptions: { extra: lists(98) } })).status).toBe(400);
    expect((await complete({ tools: [{ name: 'f', parameters: schema(97) }] })).status).toBe(200);
    expect((await complete({ tools: [{ name: 'f', parameters: schema(98) }] })).status).toBe(400);
  });
});

describe('OpenAI surfaces', () => {
  const chat = (extra: object) =>
    harness.client.chat.completions.create({ model: 'openai/plain-text', messages: [{ role: 'user', content: 'hi' }], ...extra } as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming);
  const tool = (parameters: Record<string, unknown>) => ({ tools: [{ type: 'function' as const, function: { name: 'f', parameters } }] });

  it('chat completions: 97 levels served, 98 refused naming the parameter', async () => {
    expect((await chat({ extra_nested: lists(97) })).choices[0]?.message.content).toBe('Hello, world!');
    expect((await chat(tool(schema(97)))).choices).toHaveLength(1);
    const format = (depth: number) => ({ response_format: { type: 'json_schema', json_schema: { name: 'x', schema: schema(depth) } } });
    expect((await chat(format(97))).choices).toHaveLength(1);

    for (const [body, param] of [
      [{ extra_nested: lists(98) }, 'extra_nested'],
      [tool(schema(98)), 'tools[0].function.parameters'],
      [format(98), 'response_format.json_schema.schema'],
    ] as const) {
      const error = (await refused(() => chat(body))) as InstanceType<typeof OpenAI.APIError>;
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect(error.param).toBe(param);
      expect(error.message).toContain(`Invalid value for '${param}': nested deeper than 97 levels.`);
    }
  });

  it('the Responses API and legacy completions likewise', async () => {
    const responses = (parameters: Record<string, unknown>) =>
      harness.client.responses.create({ model: 'openai/plain-text', input: 'hi', store: false, tools: [{ type: 'function', name: 'f', parameters, strict: false }] });
    expect((await responses(schema(97))).status).toBe('completed');
    expect(((await refused(() => responses(schema(98)))) as InstanceType<typeof OpenAI.APIError>).param).toBe('tools[0].parameters');

    const completion = (extra: unknown) => harness.client.completions.create({ model: 'openai/plain-text', prompt: 'hi', extra } as OpenAI.CompletionCreateParamsNonStreaming);
    expect((await completion(lists(97))).choices).toHaveLength(1);
    expect(((await refused(() => completion(lists(98)))) as InstanceType<typeof OpenAI.APIError>).param).toBe('extra');
  });

  it('thousands of levels are a 400, not a 500 (raw: the SDK could not serialize them)', async () => {
    for (const path of ['/v1/chat/completions', '/v1/completions', '/v1/embeddings', '/v1/responses']) {
      const before = upstreamCalls();
      const response = await harness.post(path, `{"model":"openai/plain-text","prompt":"hi","input":"hi","messages":[{"role":"user","content":"hi"}],"extra":${abusive}}`);
      expect(response.status, path).toBe(400);
      expect(((await response.json()) as { error: { param: string } }).error.param).toBe('extra');
      expect(upstreamCalls()).toBe(before);
    }
    const deepTool = `{"model":"openai/plain-text","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":${'{"a":'.repeat(ABUSIVE)}1${'}'.repeat(ABUSIVE)}}}]}`;
    const response = await harness.post('/v1/chat/completions', deepTool);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { type: 'invalid_request_error', param: 'tools', message: "Invalid value for 'tools': nested deeper than 128 levels." } });
  });
});

describe('Anthropic surface', () => {
  const messages = (extra: object) =>
    anthropic.messages.create({ model: 'anthropic/plain-text', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }], ...extra } as Anthropic.MessageCreateParamsNonStreaming);
  const tool = (depth: number) => ({ tools: [{ name: 'f', input_schema: { type: 'object' as const, properties: { a: schema(depth - 2) } } }] });

  it('messages and count_tokens: 97 levels served, 98 refused naming the field', async () => {
    expect((await messages(tool(97))).content).toHaveLength(1);
    expect((await messages({ extra: lists(97) })).content).toHaveLength(1);
    for (const [body, field] of [[tool(98), 'tools.0.input_schema'], [{ extra: lists(98) }, 'extra']] as const) {
      const error = (await refused(() => messages(body))) as InstanceType<typeof Anthropic.APIError>;
      expect(error).toBeInstanceOf(Anthropic.BadRequestError);
      expect(error.error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: `${field}: Input should be nested at most 97 levels deep` } });
    }
    const count = (extra: object) => anthropic.messages.countTokens({ model: 'anthropic/plain-text', messages: [{ role: 'user', content: 'hi' }], ...extra } as Anthropic.MessageCountTokensParams);
    expect((await count(tool(97))).input_tokens).toBeGreaterThan(0);
    expect(((await refused(() => count(tool(98)))) as InstanceType<typeof Anthropic.APIError>).status).toBe(400);
  });

  it('thousands of levels, also where no Struct is made (a tool_use input), are a 400', async () => {
    const deepInput = `{"model":"anthropic/plain-text","max_tokens":5,"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"f","input":{"a":${abusive}}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":"x"}]}]}`;
    const response = await harness.post('/v1/messages', deepInput, { 'x-api-key': harness.secret });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: 'messages: Input should be nested at most 128 levels deep' } });
  });
});

describe('Gemini surface', () => {
  const generate = (depth: number) =>
    geminiClient(harness).models.generateContent({
      model: 'gemini/plain-text',
      contents: 'hi',
      config: { tools: [{ functionDeclarations: [{ name: 'f', parametersJsonSchema: { type: 'object', properties: { a: schema(depth - 2) } } }] }] },
    });

  it('generateContent: 97 levels served, 98 refused naming the field', async () => {
    expect((await generate(97)).text).toBe('Hello, world!');
    const error = (await refused(() => generate(98))) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(400);
    expect(error.message).toContain("Invalid value at 'tools[0].functionDeclarations[0].parametersJsonSchema': nested deeper than 97 levels");
  });

  it('thousands of levels are a 400 on generateContent, streamGenerateContent, countTokens and embedContent', async () => {
    for (const method of ['generateContent', 'streamGenerateContent?alt=sse', 'countTokens', 'embedContent']) {
      const before = upstreamCalls();
      const response = await harness.post(`/v1beta/models/gemini/plain-text:${method}`, `{"contents":[{"parts":[{"text":"hi"}]}],"content":{"parts":[{"text":"hi"}]},"extraField":${abusive}}`, { 'x-goog-api-key': harness.secret });
      expect(response.status, method).toBe(400);
      expect(await response.json()).toEqual({ error: { code: 400, message: "Invalid value at 'extraField': nested deeper than 128 levels", status: 'INVALID_ARGUMENT' } });
      expect(upstreamCalls()).toBe(before);
    }
  });
});
