// The service tier an upstream reports serving a request (OpenAI's `service_tier` on a chat completion
// and on every stream chunk, Anthropic's `usage.service_tier`) reaches the client, named as the client's
// API names it: the official openai and @anthropic-ai/sdk clients against the shims, fixture upstreams
// on 127.0.0.1 (the OpenAI one answers the tier asked for, "default" for none).
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShimHarness, type ShimHarness } from './shim-harness.js';

let harness: ShimHarness;
let anthropic: Anthropic;

beforeAll(async () => {
  harness = await startShimHarness(['openai', 'anthropic', 'openai-compatible']);
  anthropic = new Anthropic({ baseURL: harness.gateway.url, apiKey: harness.secret, maxRetries: 0 });
});
afterAll(async () => harness?.close());

const messages = [{ role: 'user' as const, content: 'Say hello' }];

describe('the OpenAI surface', () => {
  it('a chat completion carries the tier the OpenAI upstream served it with', async () => {
    const flex = await harness.client.chat.completions.create({ model: 'openai/plain-text', messages, service_tier: 'flex' });
    expect(flex.service_tier).toBe('flex');
    const plain = await harness.client.chat.completions.create({ model: 'openai/plain-text', messages });
    expect(plain.service_tier).toBe('default');
  });

  it('every stream chunk carries it, the usage chunk too', async () => {
    const stream = await harness.client.chat.completions.create({
      model: 'openai/plain-text',
      messages,
      service_tier: 'flex',
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.at(-1)?.usage).toBeTruthy();
    expect(chunks.map((chunk) => chunk.service_tier)).toEqual(chunks.map(() => 'flex'));
  });

  it('Anthropic’s "standard" is OpenAI’s "default"; an upstream that names no tier gives none', async () => {
    const claude = await harness.client.chat.completions.create({ model: 'anthropic/plain-text', messages });
    expect(claude.service_tier).toBe('default');
    const compatible = await harness.client.chat.completions.create({ model: 'openai-compatible/plain-text', messages });
    expect(compatible.service_tier ?? null).toBeNull();
  });
});

describe('the Anthropic surface', () => {
  const hello = (tier?: string) => ({ model: 'openai/plain-text', max_tokens: 64, messages, ...(tier ? { service_tier: tier as 'auto' } : {}) });

  it('usage.service_tier is the tier the OpenAI upstream reported ("default" is Anthropic’s "standard")', async () => {
    expect((await anthropic.messages.create(hello('flex'))).usage.service_tier).toBe('flex');
    expect((await anthropic.messages.create(hello())).usage.service_tier).toBe('standard');
  });

  it('streamed: message_start already says it', async () => {
    const events = [];
    for await (const event of await anthropic.messages.create({ ...hello('flex'), stream: true })) events.push(event);
    const start = events.find((event) => event.type === 'message_start');
    expect(start?.type === 'message_start' && start.message.usage.service_tier).toBe('flex');
  });
});
