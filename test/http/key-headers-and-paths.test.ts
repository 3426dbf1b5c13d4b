// Every way a client may send its virtual key, on every surface, and the
// OpenAI paths without `/v1` through the official client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShimHarness, type ShimHarness } from './shim-harness.js';

let harness: ShimHarness;

beforeAll(async () => {
  harness = await startShimHarness(['openai', 'anthropic'], { GATEWAY_LOG_LEVEL: 'debug' });
});
afterAll(async () => harness?.close());

const KEY_HEADERS = ['x-api-key', 'api-key', 'x-goog-api-key', 'x-google-api-key'];

describe('key headers', () => {
  it.each(KEY_HEADERS)('%s authenticates on the OpenAI and Anthropic surfaces and the RPC', async (header) => {
    const models = await fetch(`${harness.gateway.url}/v1/models`, { headers: { [header]: harness.secret } });
    expect(models.status).toBe(200);
    const message = await fetch(`${harness.gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { [header]: harness.secret, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'anthropic/plain-text', max_tokens: 50, messages: [{ role: 'user', content: 'Say hello' }] }),
    });
    expect(message.status).toBe(200);
    const rpc = await fetch(`${harness.gateway.url}/llmgateway.v1.CompletionService/ListModels`, {
      method: 'POST',
      headers: { [header]: harness.secret, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(rpc.status).toBe(200);
    const wrong = await fetch(`${harness.gateway.url}/v1/models`, { headers: { [header]: 'sk-gw-not-a-real-key' } });
    expect(wrong.status).toBe(401);
  });

  it('a ?key= query parameter is not a credential on the OpenAI surface', async () => {
    const response = await fetch(`${harness.gateway.url}/v1/models?key=${harness.secret}`);
    expect(response.status).toBe(401);
  });

  it('no key header is ever logged', async () => {
    const secretTail = harness.secret.slice(-12);
    expect(harness.gateway.logLines.filter((line) => line.includes(secretTail))).toEqual([]);
  });
});

describe('OpenAI paths without /v1', () => {
  it('the official client with a base URL lacking /v1: chat, stream, models, embeddings', async () => {
    const client = harness.clientWith({ baseURL: harness.gateway.url });
    const answer = await client.chat.completions.create({ model: 'openai/plain-text', messages: [{ role: 'user', content: 'Say hello' }] });
    expect(answer.choices[0]?.message.content).toBe('Hello, world!');
    const stream = await client.chat.completions.create({ model: 'openai/plain-text', messages: [{ role: 'user', content: 'Say hello' }], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Hello, world!');
    const ids = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toContain('anthropic/plain-text');
    expect((await client.models.retrieve('openai/plain-text')).id).toBe('openai/plain-text');
    const embedded = await client.embeddings.create({ model: 'openai/embedding-model', input: 'hello' });
    expect(embedded.data[0]?.embedding.length).toBeGreaterThan(0);
  });

  it('routes added by other surfaces under /v1 are mirrored too: the Responses API without /v1', async () => {
    const client = harness.clientWith({ baseURL: harness.gateway.url });
    const response = await client.responses.create({ model: 'openai/plain-text', input: 'Say hello', store: false });
    expect(response.output_text).toBe('Hello, world!');
  });

  it('answers errors in the same shape as with the prefix', async () => {
    const response = await harness.post('/chat/completions', { model: 'openai/no-such-model', messages: [{ role: 'user', content: 'x' }] });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('model_not_found');
  });
});
