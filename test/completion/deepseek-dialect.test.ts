// DeepSeek's own API behind an OpenAI-compatible provider (base URL on api.deepseek.com), with the
// official clients against a started gateway and a fixture speaking DeepSeek's dialect
// (fixtures/compatible-dialects-upstream.ts) under DeepSeek's host name (helpers/loopback-host.ts):
// - reasoning on/off reaches DeepSeek's documented switch, `thinking: {type: "enabled" | "disabled"}`
//   (https://api-docs.deepseek.com/guides/thinking_mode), never `reasoning_effort: "none"`, which is not
//   one of its values; an effort goes along as `reasoning_effort`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEEPSEEK_ANSWER, startCompatibleDialects, type CompatibleDialectsFixture } from '../fixtures/compatible-dialects-upstream.js';
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
  // The same dialect on another host: a compatible host the gateway does not know to be DeepSeek.
  await admin('ProvidersService/CreateProvider', {
    id: 'elsewhere',
    name: 'Elsewhere',
    type: 'PROVIDER_TYPE_OPENAI_COMPATIBLE',
    baseUrl: fixture.baseUrl('deepseek'),
    models: [{ upstreamModel: 'deepseek-v4-flash' }],
  });
  const secret = String((await admin('KeysService/CreateKey', { name: 'deepseek' }))['secret']);
  clients = keyClients(gateway.url, secret);
});
afterAll(async () => {
  await fixture?.close();
  await gateway?.close();
  restoreLookup?.();
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
    await clients.openai.chat.completions.create({ model: 'elsewhere/deepseek-v4-flash', reasoning_effort: 'low', messages: [{ role: 'user', content: 'Hi' }] });
    const body = fixture.lastBody('deepseek');
    expect(body['reasoning_effort']).toBe('low');
    expect(body).not.toHaveProperty('thinking');
  });
});
