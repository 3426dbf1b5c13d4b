// DeepSeek's own API behind an OpenAI-compatible provider (base URL on api.deepseek.com), with the
// official clients against a started gateway and a fixture speaking DeepSeek's dialect
// (fixtures/compatible-dialects-upstream.ts) under DeepSeek's host name (helpers/loopback-host.ts):
// - reasoning on/off reaches DeepSeek's documented switch, `thinking: {type: "enabled" | "disabled"}`
//   (https://api-docs.deepseek.com/guides/thinking_mode), never `reasoning_effort: "none"`, which is not
//   one of its values; an effort goes along as `reasoning_effort`.
// - a JSON schema (OpenAI `response_format: json_schema`, Gemini `responseJsonSchema`) is sent as DeepSeek's
//   JSON output, `json_object` (the only JSON format DeepSeek takes:
//   https://api-docs.deepseek.com/guides/json_mode; json_schema is a 400), with the schema in the system
//   prompt, and a warning says it is not enforced.
// - a request is charged at DeepSeek's published prices (the built-in table), cache hits at DeepSeek's
//   cache-hit rate.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEEPSEEK_ANSWER, FIXTURE_USAGE, startCompatibleDialects, type CompatibleDialectsFixture } from '../fixtures/compatible-dialects-upstream.js';
import { adminCaller, type AdminCall } from '../helpers/admin-call.js';
import { keyClients, type KeyClients } from '../helpers/key-clients.js';
import { resolveToLoopback } from '../helpers/loopback-host.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';

let gateway: StartedGateway;
let fixture: CompatibleDialectsFixture;
let admin: AdminCall;
let clients: KeyClients;
let restoreLookup: () => void;

beforeAll(async () => {
  restoreLookup = resolveToLoopback(['api.deepseek.com']);
  gateway = await startGateway({ GATEWAY_LOG_LEVEL: 'info' });
  fixture = await startCompatibleDialects();
  admin = adminCaller(gateway.url, gateway.adminToken);
  const deepseekUrl = fixture.baseUrl('deepseek').replace('127.0.0.1', 'api.deepseek.com');
  await admin('ProvidersService/CreateProvider', {
    id: 'deepseek',
    name: 'DeepSeek',
    type: 'PROVIDER_TYPE_OPENAI_COMPATIBLE',
    baseUrl: deepseekUrl,
    apiKey: 'sk-fixture-deepseek-0000',
    models: [{ upstreamModel: 'deepseek-v4-flash' }],
  });
  // Its own provider, so that its request-log row is told apart.
  await admin('ProvidersService/CreateProvider', {
    id: 'priced',
    name: 'DeepSeek (billing)',
    type: 'PROVIDER_TYPE_OPENAI_COMPATIBLE',
    baseUrl: deepseekUrl,
    models: [{ upstreamModel: 'deepseek-v4-flash' }],
  });
  // Another host serving a model that is not DeepSeek's by name: a compatible host the gateway does not know
  // to be DeepSeek (by base URL or model id, compatible-host.ts), though the fixture answers in its dialect.
  await admin('ProvidersService/CreateProvider', {
    id: 'elsewhere',
    name: 'Elsewhere',
    type: 'PROVIDER_TYPE_OPENAI_COMPATIBLE',
    baseUrl: fixture.baseUrl('deepseek'),
    models: [{ upstreamModel: 'qwen3-32b' }],
  });
  const secret = String((await admin('KeysService/CreateKey', { name: 'deepseek' }))['secret']);
  clients = keyClients(gateway.url, secret);
});
afterAll(async () => {
  await fixture?.close();
  await gateway?.close();
  restoreLookup?.();
});

interface LoggedRow {
  requestedModel: string;
  inputTokens?: number;
  cachedInputTokens?: number;
  outputTokens?: number;
  costUsd?: number;
}

/** The newest row for `model` once the writer has it (rows are written behind the answer). */
async function rowFor(model: string): Promise<LoggedRow> {
  for (let tries = 0; tries < 50; tries += 1) {
    await gateway.gateway.requestLog.flush();
    const listed = (await admin('UsageService/ListRequests', { pageSize: 200 })) as { requests?: LoggedRow[] };
    const row = listed.requests?.find((entry) => entry.requestedModel === model);
    if (row) return row;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no request-log row for ${model}`);
}

describe('DeepSeek prices', () => {
  it('charges the built-in DeepSeek prices: misses at the input rate, hits at the cache-hit rate', async () => {
    const answer = await clients.openai.chat.completions.create({ model: 'priced/deepseek-v4-flash', messages: [{ role: 'user', content: 'Hi' }] });
    expect(answer.usage).toMatchObject({ prompt_tokens: FIXTURE_USAGE.prompt, prompt_tokens_details: { cached_tokens: FIXTURE_USAGE.cacheHit } });
    const row = await rowFor('priced/deepseek-v4-flash');
    expect(row).toMatchObject({ inputTokens: FIXTURE_USAGE.prompt, cachedInputTokens: FIXTURE_USAGE.cacheHit, outputTokens: FIXTURE_USAGE.completion });
    // deepseek-v4-flash, billed as deepseek-flash at its peak rates: $0.30 miss, $0.006 hit, $1.20 output per million.
    const misses = FIXTURE_USAGE.prompt - FIXTURE_USAGE.cacheHit;
    expect(row.costUsd).toBeCloseTo((misses * 0.3 + FIXTURE_USAGE.cacheHit * 0.006 + FIXTURE_USAGE.completion * 1.2) / 1_000_000, 12);
  });
});

const GREETING_SCHEMA = { type: 'object', properties: { greeting: { type: 'string' } }, required: ['greeting'], additionalProperties: false };

describe('DeepSeek JSON output', () => {
  it('the openai SDK: json_schema goes as json_object with the schema in the system prompt, and a warning says so', async () => {
    const { data, response } = await clients.openai.chat.completions
      .create({
        model: 'deepseek/deepseek-v4-flash',
        messages: [{ role: 'user', content: 'Greet me.' }],
        response_format: { type: 'json_schema', json_schema: { name: 'greeting', schema: GREETING_SCHEMA, strict: true } },
      })
      .withResponse();
    expect(JSON.parse(data.choices[0]?.message.content ?? '')).toEqual({ greeting: 'hello' });
    const body = fixture.lastBody('deepseek');
    expect(body['response_format']).toEqual({ type: 'json_object' });
    const messages = body['messages'] as Array<{ role: string; content: string }>;
    expect(messages.map((message) => message.role)).toEqual(['system', 'user']);
    expect(messages[0]?.content).toContain(JSON.stringify(GREETING_SCHEMA));
    expect(messages[0]?.content).toContain('JSON');
    expect(response.headers.get('x-gateway-warnings')).toContain('response_format');
  });

  it('a system prompt of the client’s keeps its place: the schema follows it in the same message', async () => {
    await clients.openai.chat.completions.create({
      model: 'deepseek/deepseek-v4-flash',
      messages: [{ role: 'system', content: 'Be terse.' }, { role: 'user', content: 'Greet me.' }],
      response_format: { type: 'json_schema', json_schema: { name: 'greeting', schema: GREETING_SCHEMA } },
    });
    const messages = fixture.lastBody('deepseek')['messages'] as Array<{ role: string; content: string }>;
    expect(messages.map((message) => message.role)).toEqual(['system', 'user']);
    expect(messages[0]?.content.startsWith('Be terse.')).toBe(true);
    expect(messages[0]?.content).toContain(JSON.stringify(GREETING_SCHEMA));
  });

  it('the Gemini surface: responseJsonSchema goes the same way', async () => {
    const answer = await clients.gemini.models.generateContent({
      model: 'deepseek/deepseek-v4-flash',
      contents: 'Greet me.',
      config: { responseMimeType: 'application/json', responseJsonSchema: GREETING_SCHEMA },
    });
    expect(JSON.parse(answer.text ?? '')).toEqual({ greeting: 'hello' });
    expect(fixture.lastBody('deepseek')['response_format']).toEqual({ type: 'json_object' });
  });

  it('another compatible host gets json_schema as the client sent it', async () => {
    const failure = await clients.openai.chat.completions
      .create({
        model: 'elsewhere/qwen3-32b',
        messages: [{ role: 'user', content: 'Greet me.' }],
        response_format: { type: 'json_schema', json_schema: { name: 'greeting', schema: GREETING_SCHEMA } },
      })
      .catch((error: unknown) => error);
    // The fixture answers as DeepSeek would: such a host must be DeepSeek's own to be spoken to in its dialect.
    expect((failure as { status?: number }).status).toBe(400);
    expect(fixture.lastBody('deepseek')['response_format']).toMatchObject({ type: 'json_schema' });
  });
});

describe('DeepSeek thinking mode', () => {
  it('Anthropic thinking disabled → thinking {type: "disabled"}, no reasoning_effort; DeepSeek answers without reasoning', async () => {
    const message = await clients.anthropic.messages.create({
      model: 'deepseek/deepseek-v4-flash',
      max_tokens: 200,
      thinking: { type: 'disabled' },
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(message.content).toEqual([expect.objectContaining({ type: 'text', text: DEEPSEEK_ANSWER })]);
    const body = fixture.lastBody('deepseek');
    expect(body['thinking']).toEqual({ type: 'disabled' });
    expect(body).not.toHaveProperty('reasoning_effort');
  });

  it('Anthropic thinking enabled with a budget → thinking {type: "enabled"} and the nearest reasoning_effort', async () => {
    const message = await clients.anthropic.messages.create({
      model: 'deepseek/deepseek-v4-flash',
      max_tokens: 4096,
      thinking: { type: 'enabled', budget_tokens: 2048 },
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(message.content.map((block) => block.type)).toEqual(['thinking', 'text']);
    expect(fixture.lastBody('deepseek')).toMatchObject({ thinking: { type: 'enabled' }, reasoning_effort: 'medium' });
  });

  it('the openai SDK: reasoning_effort "none" → thinking disabled; "high" → enabled with high', async () => {
    await clients.openai.chat.completions.create({ model: 'deepseek/deepseek-v4-flash', reasoning_effort: 'none', messages: [{ role: 'user', content: 'Hi' }] });
    const off = fixture.lastBody('deepseek');
    expect(off['thinking']).toEqual({ type: 'disabled' });
    expect(off).not.toHaveProperty('reasoning_effort');

    await clients.openai.chat.completions.create({ model: 'deepseek/deepseek-v4-flash', reasoning_effort: 'high', messages: [{ role: 'user', content: 'Hi' }] });
    expect(fixture.lastBody('deepseek')).toMatchObject({ thinking: { type: 'enabled' }, reasoning_effort: 'high' });
  });

  it('the Gemini surface: thinkingBudget 0 → thinking disabled', async () => {
    await clients.gemini.models.generateContent({ model: 'deepseek/deepseek-v4-flash', contents: 'Hi', config: { thinkingConfig: { thinkingBudget: 0 } } });
    expect(fixture.lastBody('deepseek')['thinking']).toEqual({ type: 'disabled' });
  });

  it('no reasoning asked: nothing sent, DeepSeek’s default applies', async () => {
    await clients.openai.chat.completions.create({ model: 'deepseek/deepseek-v4-flash', messages: [{ role: 'user', content: 'Hi' }] });
    const body = fixture.lastBody('deepseek');
    expect(body).not.toHaveProperty('thinking');
    expect(body).not.toHaveProperty('reasoning_effort');
  });

  it('another compatible host gets reasoning_effort as before, no DeepSeek switch', async () => {
    await clients.openai.chat.completions.create({ model: 'elsewhere/qwen3-32b', reasoning_effort: 'low', messages: [{ role: 'user', content: 'Hi' }] });
    const body = fixture.lastBody('deepseek');
    expect(body['reasoning_effort']).toBe('low');
    expect(body).not.toHaveProperty('thinking');
  });
});
