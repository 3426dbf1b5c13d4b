// The legacy `/v1/completions` through the official openai client, served
// through chat by every family (JSON and SSE), with and without /v1 in the
// base URL; what chat cannot do is a clear 400.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadRequestError } from 'openai';
import { checkUpstreamRequest } from '../completion/upstream-checks.js';
import type { ProviderFamily } from '../fixtures/scenarios.js';
import { startShimHarness, type ShimHarness } from './shim-harness.js';

const FAMILIES = ['openai', 'anthropic', 'gemini'] as const;
let harness: ShimHarness;

beforeAll(async () => {
  harness = await startShimHarness([...FAMILIES]);
});
afterAll(async () => harness?.close());

const lastUpstream = (family: ProviderFamily) => {
  const recorded = harness.fixture(family).received.filter((request) => request.normalized).at(-1);
  if (!recorded?.normalized) throw new Error(`the ${family} upstream received no chat request`);
  return recorded.normalized;
};

describe.each(FAMILIES)('completions.create → %s upstream', (family) => {
  it('JSON: the prompt as a user turn, the text back, max_tokens 16 by default', async () => {
    const { data, response } = await harness.client.completions.create({ model: `${family}/plain-text`, prompt: 'Say hello' }).withResponse();
    expect(data.object).toBe('text_completion');
    expect(data.id).toMatch(/^cmpl-/);
    expect(data.choices).toEqual([{ text: 'Hello, world!', index: 0, logprobs: null, finish_reason: 'stop' }]);
    expect(data.usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 });
    expect(response.headers.get('x-gateway-provider')).toBe(family);
    const received = lastUpstream(family);
    checkUpstreamRequest('plain-text', received, family, false);
    expect(received.maxOutputTokens).toBe(16);
  });

  it('SSE: text_completion chunks, the finish reason last, usage on request, then [DONE]', async () => {
    const stream = await harness.client.completions.create({ model: `${family}/plain-text`, prompt: 'Say hello', stream: true, stream_options: { include_usage: true }, max_tokens: 50 });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.every((chunk) => chunk.object === 'text_completion')).toBe(true);
    expect(chunks.map((chunk) => chunk.choices[0]?.text ?? '').join('')).toBe('Hello, world!');
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.at(-1)?.choices).toEqual([]);
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 4 });
    checkUpstreamRequest('plain-text', lastUpstream(family), family, true);
  });
});

describe('completions details', () => {
  it('echo puts the prompt before the text, unary and streamed; stop and max_tokens reach the upstream', async () => {
    const echoed = await harness.client.completions.create({ model: 'openai/plain-text', prompt: 'Say hello', echo: true });
    expect(echoed.choices[0]?.text).toBe('Say helloHello, world!');
    let streamed = '';
    for await (const chunk of await harness.client.completions.create({ model: 'anthropic/plain-text', prompt: 'Say hello', echo: true, stream: true })) streamed += chunk.choices[0]?.text ?? '';
    expect(streamed).toBe('Say helloHello, world!');
    await harness.client.completions.create({ model: 'gemini/stop-sequence', prompt: 'Count to ten', stop: ['5', 'END'] });
    expect(lastUpstream('gemini').stop).toEqual(['5', 'END']);
    const truncated = await harness.client.completions.create({ model: 'openai/max-tokens', prompt: 'Write an essay', max_tokens: 5 });
    expect(truncated.choices[0]?.finish_reason).toBe('length');
    expect(lastUpstream('openai').maxOutputTokens).toBe(5);
  });

  it('a base URL without /v1 works the same', async () => {
    const client = harness.clientWith({ baseURL: harness.gateway.url });
    expect((await client.completions.create({ model: 'gemini/plain-text', prompt: 'Say hello' })).choices[0]?.text).toBe('Hello, world!');
  });

  it.each([
    ['suffix', { suffix: 'end' }, 'suffix'],
    ['logprobs', { logprobs: 3 }, 'logprobs'],
    ['several prompts', { prompt: ['a', 'b'] }, 'prompt'],
    ['a token-array prompt', { prompt: [[1, 2, 3]] }, 'prompt'],
    ['best_of above n', { best_of: 3 }, 'best_of'],
  ])('%s is a 400 naming the parameter', async (_what, extra, param) => {
    const error = await harness.client.completions.create({ model: 'openai/plain-text', prompt: 'Say hello', ...(extra as object) }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).param).toBe(param);
  });

  it('a missing prompt is a 400 missing_required_parameter', async () => {
    const response = await harness.post('/v1/completions', { model: 'openai/plain-text' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string; param: string } }).error).toMatchObject({ code: 'missing_required_parameter', param: 'prompt' });
  });
});
