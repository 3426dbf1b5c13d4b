// A cache hit is an answer of its own: it has its own id (two requests never
// share one, on the OpenAI and the Anthropic surfaces, unary and streamed),
// and it says it made no upstream attempt — no x-gateway-attempts header (the
// original call's attempts are not replayed), and its request-log row counts 0
// attempts, while it still names who served the stored answer.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usageClient } from '../helpers/usage-client.js';
import { startRoutingHarness, type RoutingHarness } from '../routing/routing-harness.js';

let harness: RoutingHarness;
let keyId: string;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  harness = await startRoutingHarness();
  const created = (await harness.admin('KeysService/CreateKey', { name: 'cached', cacheEnabled: true })) as { secret: string; key: { id: string } };
  keyId = created.key.id;
  openai = new OpenAI({ baseURL: `${harness.gateway.url}/v1`, apiKey: created.secret, maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: harness.gateway.url, apiKey: created.secret, maxRetries: 0 });
});
afterAll(() => harness?.close());

const headersOf = (response: Response) => ({
  cache: response.headers.get('x-gateway-cache'),
  attempts: response.headers.get('x-gateway-attempts'),
  provider: response.headers.get('x-gateway-provider'),
});

describe('a cache hit', () => {
  it('has its own id and names no upstream attempt (OpenAI, unary and streamed)', async () => {
    const ask = () => openai.chat.completions.create({ model: 'fault/ok-x', messages: [{ role: 'user', content: 'Identity, unary' }] }).withResponse();
    const miss = await ask();
    expect(headersOf(miss.response)).toMatchObject({ cache: 'miss', provider: 'fault' });
    expect(headersOf(miss.response).attempts).toMatch(/^fault\/ok-x=ok 200 \d+ms$/);
    const hits = [await ask(), await ask()];
    for (const hit of hits) expect(headersOf(hit.response)).toEqual({ cache: 'hit', attempts: null, provider: 'fault' });
    expect(new Set([miss.data.id, ...hits.map((hit) => hit.data.id)]).size).toBe(3);

    const streamed = async () => {
      const { data, response } = await openai.chat.completions.create({ model: 'fault/ok-x', stream: true, messages: [{ role: 'user', content: 'Identity, streamed' }] }).withResponse();
      const ids = new Set<string>();
      for await (const chunk of data) ids.add(chunk.id);
      return { ids: [...ids], headers: headersOf(response) };
    };
    const streamMiss = await streamed();
    const streamHit = await streamed();
    expect(streamMiss.headers.attempts).toMatch(/^fault\/ok-x=/);
    expect(streamHit.headers).toEqual({ cache: 'hit', attempts: null, provider: 'fault' });
    expect(streamHit.ids).toHaveLength(1);
    expect(streamHit.ids[0]).not.toBe(streamMiss.ids[0]);
  });

  it('has its own id on the Anthropic surface, unary and streamed', async () => {
    const params = { model: 'fault/ok-x', max_tokens: 64, messages: [{ role: 'user' as const, content: 'Identity, Anthropic' }] };
    const miss = await anthropic.messages.create(params).withResponse();
    const hit = await anthropic.messages.create(params).withResponse();
    expect(headersOf(hit.response)).toEqual({ cache: 'hit', attempts: null, provider: 'fault' });
    expect(hit.data.id).toMatch(/^msg_/);
    expect(hit.data.id).not.toBe(miss.data.id);

    const streamMiss = await anthropic.messages.stream(params).finalMessage();
    const streamHit = await anthropic.messages.stream(params).finalMessage();
    expect(streamHit.id).not.toBe(streamMiss.id);
  });

  it('is logged with 0 attempts, the miss with its one', async () => {
    await harness.gateway.gateway.requestLog.flush();
    const { requests } = await usageClient(harness.gateway.url, harness.gateway.adminToken).listRequests({ filter: { keyId }, pageSize: 50 });
    const hits = requests.filter((row) => row.cacheHit);
    const misses = requests.filter((row) => !row.cacheHit);
    expect(hits.length).toBeGreaterThanOrEqual(5);
    expect(hits.every((row) => row.attempts === 0 && row.providerId === 'fault')).toBe(true);
    expect(misses.every((row) => row.attempts === 1)).toBe(true);
  });
});
