// One vendor's own request fields on another vendor's model (README: "OpenAI and Anthropic clients,
// unchanged"): an OpenAI client's store / safety_identifier / verbosity … on Claude or Gemini, a
// Gemini client's safetySettings / cachedContent on an OpenAI model. Never sent to a vendor that refuses
// unknown fields: mapped where there is a counterpart, left out with a warning where they change nothing,
// refused before any call where the answer asked for cannot be given.
import { ApiError, HarmBlockThreshold, HarmCategory } from '@google/genai';
import { BadRequestError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderFamily } from '../fixtures/scenarios.js';
import { geminiClient } from './gemini/gemini-harness.js';
import { createClaudeThenOpenAIRoute, startShimHarness, type ShimHarness } from './shim-harness.js';
import { rejection } from '../helpers/rejection.js';

let harness: ShimHarness;

beforeAll(async () => {
  harness = await startShimHarness(['openai', 'anthropic', 'gemini']);
  await createClaudeThenOpenAIRoute(harness, 'claude-then-openai');
});
afterAll(async () => harness?.close());

const chatRequests = (family: ProviderFamily) => harness.fixture(family).received.filter((request) => request.normalized);
const lastBody = (family: ProviderFamily) => chatRequests(family).at(-1)!.body as Record<string, unknown>;
const warningsOf = (headers: Headers): Array<{ code: string; param: string }> => JSON.parse(headers.get('x-gateway-warnings') ?? '[]');
const hello = (model: string) => ({ model, messages: [{ role: 'user' as const, content: 'Say hello' }] });

/** What OpenAI's own clients send: defaults and fields only OpenAI knows. */
const OPENAI_HABITS = {
  store: false,
  logprobs: false,
  top_logprobs: 0,
  safety_identifier: 'user-hash-1',
  prompt_cache_key: 'tenant-7',
  verbosity: 'low' as const,
  service_tier: 'default' as const,
};
const OPENAI_ONLY = ['store', 'safety_identifier', 'prompt_cache_key', 'verbosity'];
/** logprobs / top_logprobs are the canonical request's own (test/http/logprobs.test.ts): their defaults ask for nothing, anywhere. */
const { logprobs: _logprobs, top_logprobs: _topLogprobs, ...OPENAI_SENT_AS_IS } = OPENAI_HABITS;

describe('an OpenAI client’s own fields on Claude and Gemini', () => {
  it('Claude: left out with warnings; safety_identifier becomes metadata.user_id, service_tier "default" standard_only; OpenAI gets them as sent', async () => {
    for (const stream of [false, true]) {
      const { response } = await harness.client.chat.completions.create({ ...hello('anthropic/plain-text'), ...OPENAI_HABITS, user: 'legacy-user', stream }).withResponse();
      expect(response.status).toBe(200);
      const body = lastBody('anthropic');
      for (const name of [...OPENAI_ONLY, 'logprobs', 'top_logprobs']) expect(body).not.toHaveProperty(name);
      expect(body).toMatchObject({ metadata: { user_id: 'user-hash-1' }, service_tier: 'standard_only' });
      const warnings = warningsOf(response.headers);
      expect(warnings).toEqual(
        expect.arrayContaining([
          { code: 'ignored_provider_option', param: 'store', message: expect.stringContaining('default') },
          { code: 'unsupported_parameter', param: 'verbosity', message: expect.any(String) },
          { code: 'unsupported_parameter', param: 'prompt_cache_key', message: expect.any(String) },
        ]),
      );
      expect(warnings.map((warning) => warning.param)).not.toContain('logprobs');
    }
    await harness.client.chat.completions.create({ ...hello('openai/plain-text'), ...OPENAI_HABITS });
    expect(lastBody('openai')).toMatchObject(OPENAI_SENT_AS_IS);
    expect(lastBody('openai')).not.toHaveProperty('logprobs');
  });

  it('Gemini: left out with warnings (no end-user field, no service tier)', async () => {
    const { response } = await harness.client.chat.completions.create({ ...hello('gemini/plain-text'), ...OPENAI_HABITS }).withResponse();
    expect(response.status).toBe(200);
    const body = lastBody('gemini');
    for (const name of [...OPENAI_ONLY, 'service_tier']) expect(body).not.toHaveProperty(name);
    expect(warningsOf(response.headers).map((warning) => warning.param)).toEqual(expect.arrayContaining([...OPENAI_ONLY, 'service_tier']));
  });

  it('logprobs: true on Claude is a 400 on logprobs before any call (Gemini serves them); a route passes over Claude to its OpenAI model', async () => {
    const before = chatRequests('anthropic').length;
    const error = await rejection(harness.client.chat.completions.create({ ...hello('anthropic/plain-text'), logprobs: true, top_logprobs: 2 }));
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).param).toBe('logprobs');
    expect((error as BadRequestError).message).toContain('cannot return log probabilities');
    expect(chatRequests('anthropic').length).toBe(before);
    const { response } = await harness.client.chat.completions.create({ ...hello('claude-then-openai'), logprobs: true }).withResponse();
    expect(response.headers.get('x-gateway-provider')).toBe('openai');
    expect(lastBody('openai')).toMatchObject({ logprobs: true });
  });
});

describe('a Gemini client’s own fields on OpenAI and Claude', () => {
  const safetySettings = [{ category: HarmCategory.HARM_CATEGORY_HARASSMENT, threshold: HarmBlockThreshold.BLOCK_ONLY_HIGH }];

  it('safetySettings are left out with a warning', async () => {
    for (const family of ['openai', 'anthropic'] as const) {
      const answer = await geminiClient(harness).models.generateContent({ model: `${family}/plain-text`, contents: 'Say hello', config: { safetySettings } });
      expect(answer.text).toBe('Hello, world!');
      expect(lastBody(family)).not.toHaveProperty('safetySettings');
      expect(answer.sdkHttpResponse?.headers?.['x-gateway-warnings']).toContain('safetySettings');
    }
  });

  it('cachedContent (a prompt held at Google) is a 400 before any call', async () => {
    const before = chatRequests('openai').length;
    const error = await rejection(
      geminiClient(harness).models.generateContent({ model: 'openai/plain-text', contents: 'Say hello', config: { cachedContent: 'cachedContents/abc' } }),
    );
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    expect((error as ApiError).message).toContain('cachedContent');
    expect(chatRequests('openai').length).toBe(before);
  });
});
