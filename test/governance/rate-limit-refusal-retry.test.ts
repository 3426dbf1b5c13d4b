// A rate-limit refusal (the key's requests/minute, tokens/minute or
// concurrency) passes: it says so with `x-should-retry: true` beside its
// retry-after on every surface (docs/errors.md, "The key's own limits") — the
// OpenAI shim (openai SDK), the Anthropic shim (@anthropic-ai/sdk), the Gemini
// shim and Connect (connect-node). A request larger than the whole limit never
// fits: `x-should-retry: false`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRoutingHarness, type RoutingHarness } from '../routing/routing-harness.js';
import { refusalsOnEverySurface } from './refusal-surfaces.js';

let harness: RoutingHarness;
beforeAll(async () => {
  harness = await startRoutingHarness();
});
afterAll(() => harness?.close());

const keyWith = async (name: string, rateLimits: object): Promise<string> =>
  String((await harness.admin('KeysService/CreateKey', { name, rateLimits }))['secret']);

describe('a rate-limit refusal', () => {
  it('says retrying helps once the minute has passed', async () => {
    const secret = await keyWith('one-a-minute', { requestsPerMinute: 1 });
    await harness.openai.withOptions({ apiKey: secret }).chat.completions.create({ model: 'fault/ok-c', messages: [{ role: 'user', content: 'Hi' }] });
    expect(await refusalsOnEverySurface({ gatewayUrl: harness.gateway.url, secret, model: 'fault/ok-c', maxTokens: 16 }))
      .toEqual({ openai: '429 true', anthropic: '429 true', gemini: '429 true', connect: '8 true' });
  });

  it('says retrying cannot help a request larger than the whole limit', async () => {
    const secret = await keyWith('few-tokens', { tokensPerMinute: 100 });
    expect(await refusalsOnEverySurface({ gatewayUrl: harness.gateway.url, secret, model: 'fault/ok-c', maxTokens: 1_000 }))
      .toEqual({ openai: '429 false', anthropic: '429 false', gemini: '429 false', connect: '8 false' });
  });
});
