// Several choices (OpenAI `n`, Gemini `candidateCount`, canonical candidate_count) from a family that returns
// one per request (Anthropic): refused before any upstream call — nothing billed, the request log says the
// invalid_argument the client saw — and a route that mixes families is served by its targets that can.
import { ApiError } from '@google/genai';
import OpenAI, { BadRequestError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { geminiClient } from './gemini/gemini-harness.js';
import { createClaudeThenOpenAIRoute, keyRows, type ShimHarness, startShimHarness } from './shim-harness.js';
import { rejection } from '../helpers/rejection.js';

let harness: ShimHarness;

beforeAll(async () => {
  harness = await startShimHarness(['openai', 'anthropic', 'gemini']);
  await createClaudeThenOpenAIRoute(harness, 'claude-first');
});
afterAll(async () => harness?.close());

type Row = { requestId: string; status: string; errorKind?: string; costUsd?: number; inputTokens?: number; attempts?: number };

const rowsOf = (keyId: string, count: number) => keyRows<Row>(harness, keyId, count);

async function freshKey(): Promise<{ client: OpenAI; keyId: string }> {
  const created = (await harness.admin('KeysService/CreateKey', { name: 'choices' })) as { secret: string; key: { id: string } };
  return { client: harness.clientWith({ apiKey: created.secret }), keyId: created.key.id };
}

const anthropicCalls = () => harness.fixture('anthropic').received.filter((request) => request.normalized).length;
const hello = (model: string) => ({ model, messages: [{ role: 'user' as const, content: 'Say hello' }] });

describe('n > 1 on a model served by Anthropic', () => {
  it('is a 400 on n before any upstream call, unary and streamed: nothing charged, the log row says invalid_argument', async () => {
    const { client, keyId } = await freshKey();
    const before = anthropicCalls();
    const unary = await rejection(client.chat.completions.create({ ...hello('anthropic/plain-text'), n: 2 }, { headers: { 'x-request-id': 'n2-unary' } }));
    expect(unary).toBeInstanceOf(BadRequestError);
    expect((unary as BadRequestError).param).toBe('n');
    expect((unary as BadRequestError).message).toContain('one choice per request');
    const streamed = await rejection(
      client.chat.completions.create({ ...hello('anthropic/plain-text'), n: 2, stream: true }, { headers: { 'x-request-id': 'n2-stream' } }),
    );
    expect(streamed).toBeInstanceOf(BadRequestError);
    expect((streamed as BadRequestError).param).toBe('n');
    expect(anthropicCalls()).toBe(before);

    const rows = await rowsOf(keyId, 2);
    for (const requestId of ['n2-unary', 'n2-stream']) {
      const row = rows.find((entry) => entry.requestId === requestId);
      expect(row).toMatchObject({ status: 'REQUEST_STATUS_ERROR', errorKind: 'invalid_argument' });
      expect(row?.costUsd ?? 0).toBe(0);
      expect(row?.inputTokens ?? 0).toBe(0);
      expect(row?.attempts ?? 0).toBe(0);
    }
  });

  it('a route with Claude first and an OpenAI model after it serves n = 2 from the OpenAI model; n = 1 still from Claude', async () => {
    const before = anthropicCalls();
    const { data, response } = await harness.client.chat.completions.create({ ...hello('claude-first'), n: 2 }).withResponse();
    expect(data.choices.map((choice) => choice.index)).toEqual([0, 1]);
    expect(response.headers.get('x-gateway-provider')).toBe('openai');
    const stream = await harness.client.chat.completions.create({ ...hello('claude-first'), n: 2, stream: true });
    const indexes = new Set<number>();
    for await (const chunk of stream) for (const choice of chunk.choices) indexes.add(choice.index);
    expect([...indexes].sort()).toEqual([0, 1]);
    expect(anthropicCalls()).toBe(before);

    const single = await harness.client.chat.completions.create(hello('claude-first')).withResponse();
    expect(single.response.headers.get('x-gateway-provider')).toBe('anthropic');
  });

  it('the Gemini surface: candidateCount 2 on a Claude model is 400 INVALID_ARGUMENT, with no upstream call', async () => {
    const before = anthropicCalls();
    const error = await rejection(
      geminiClient(harness).models.generateContent({ model: 'anthropic/plain-text', contents: 'Say hello', config: { candidateCount: 2 } }),
    );
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    expect((error as ApiError).message).toContain('one choice per request');
    expect(anthropicCalls()).toBe(before);
  });
});
