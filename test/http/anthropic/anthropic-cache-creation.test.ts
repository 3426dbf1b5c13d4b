// The Anthropic surface renders the cache writes' split by lifetime as
// Anthropic's usage object has it (cache_creation: ephemeral_5m_input_tokens,
// ephemeral_1h_input_tokens, the parts of cache_creation_input_tokens): in the
// message, in the stream's message_start (and message_delta, beside its totals)
// and so in the SDK's finalMessage(). Read through @anthropic-ai/sdk from an
// Anthropic upstream that reports one-hour writes, and from an OpenAI one that
// writes no cache.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CACHE_WRITE_1H_MODEL } from '../../fixtures/anthropic-dynamic.js';
import { startShimHarness, type ShimHarness } from '../shim-harness.js';

let harness: ShimHarness;
let client: Anthropic;

beforeAll(async () => {
  harness = await startShimHarness(['anthropic', 'openai']);
  const fixture = harness.fixture('anthropic');
  await harness.admin('ProvidersService/CreateProvider', {
    id: 'claude', name: 'Claude with prompt caching', type: 'PROVIDER_TYPE_ANTHROPIC', baseUrl: fixture.baseUrl, apiKey: fixture.apiKey,
    models: [{ upstreamModel: CACHE_WRITE_1H_MODEL }],
  });
  client = new Anthropic({ baseURL: harness.gateway.url, apiKey: harness.secret, maxRetries: 0 });
});
afterAll(async () => harness?.close());

const request = (model: string) => ({ model, max_tokens: 64, messages: [{ role: 'user' as const, content: 'The long cached document' }] });
/** The fixture's 1500 cache writes: 900 with the five-minute lifetime, 600 with the one-hour one. */
const SPLIT: Anthropic.CacheCreation = { ephemeral_5m_input_tokens: 900, ephemeral_1h_input_tokens: 600 };
const NONE: Anthropic.CacheCreation = { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 };

describe('cache_creation on the Anthropic surface', () => {
  it('a message carries the split of its cache writes', async () => {
    const message = await client.messages.create(request(`claude/${CACHE_WRITE_1H_MODEL}`));
    expect(message.usage).toMatchObject({ input_tokens: 1500, cache_read_input_tokens: 1000, cache_creation_input_tokens: 1500, cache_creation: SPLIT });
    // An upstream that writes no prompt cache: the split says so, as Anthropic's own answers do.
    const plain = await client.messages.create(request('openai/plain-text'));
    expect(plain.usage).toMatchObject({ cache_creation_input_tokens: 0, cache_creation: NONE });
  });

  it('a stream carries it in message_start and message_delta, and finalMessage() keeps it', async () => {
    const stream = await client.messages.create({ ...request(`claude/${CACHE_WRITE_1H_MODEL}`), stream: true });
    const events: Anthropic.RawMessageStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    const start = events.find((event) => event.type === 'message_start');
    expect(start?.type === 'message_start' && start.message.usage).toMatchObject({ cache_creation_input_tokens: 1500, cache_creation: SPLIT });
    const delta = events.find((event) => event.type === 'message_delta');
    // Beyond the SDK's MessageDeltaUsage type, beside the totals it repeats.
    expect(delta?.type === 'message_delta' && delta.usage).toMatchObject({ cache_creation_input_tokens: 1500, cache_creation: SPLIT });

    const final = await client.messages.stream(request(`claude/${CACHE_WRITE_1H_MODEL}`)).finalMessage();
    expect(final.usage).toMatchObject({ cache_creation_input_tokens: 1500, cache_creation: SPLIT });
  });
});
