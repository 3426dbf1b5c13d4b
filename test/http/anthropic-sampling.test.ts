// Sampling parameters against a Claude model, on every surface (the OpenAI
// and Anthropic SDKs on the shims, the Connect client on CompletionService):
// under API version 2026-10-21, which refuses temperature / top_p / top_k
// with 400 (the fixture does too), the answer is a 200 with a warning; a
// provider pinned to an older anthropic-version gets them as sent.
import Anthropic from '@anthropic-ai/sdk';
import { createClient, type Client } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../gen/llmgateway/v1/chat_pb.js';
import { CompletionService } from '../../gen/llmgateway/v1/completion_service_pb.js';
import { startShimHarness, type ShimHarness } from './shim-harness.js';

let harness: ShimHarness;
let anthropic: Anthropic;
let connect: Client<typeof CompletionService>;

beforeAll(async () => {
  harness = await startShimHarness(['anthropic']);
  const fixture = harness.fixture('anthropic');
  await harness.admin('ProvidersService/CreateProvider', {
    id: 'claude-pinned',
    name: 'Anthropic pinned to an older API version',
    type: 'PROVIDER_TYPE_ANTHROPIC',
    baseUrl: fixture.baseUrl,
    apiKey: fixture.apiKey,
    extraHeaders: { 'anthropic-version': '2023-06-01' },
    models: [{ upstreamModel: 'plain-text' }],
  });
  anthropic = new Anthropic({ baseURL: harness.gateway.url, apiKey: harness.secret, maxRetries: 0 });
  connect = createClient(
    CompletionService,
    createConnectTransport({
      baseUrl: harness.gateway.url,
      httpVersion: '1.1',
      interceptors: [(next) => (request) => (request.header.set('authorization', `Bearer ${harness.secret}`), next(request))],
    }),
  );
});
afterAll(async () => harness?.close());

type Entry = { code: string; param: string; message: string };
const warningsOf = (headers: Headers): Entry[] => JSON.parse(headers.get('x-gateway-warnings') ?? '[]') as Entry[];
const upstream = () => {
  const recorded = harness.fixture('anthropic').received.filter((request) => request.normalized).at(-1)!;
  return { body: recorded.body as Record<string, unknown>, version: recorded.headers['anthropic-version'] };
};
const sampledParams = (warnings: Array<{ param: string }>) =>
  warnings.map((warning) => warning.param).filter((param) => ['temperature', 'top_p', 'top_k'].includes(param));
const say = 'Say hello';
/** The SDK 1.x types no longer name the sampling fields; applications on older types still send them. */
const withSampling = <T>(params: T, sampling: Record<string, number>) => ({ ...params, ...sampling }) as T;

describe('a Claude model under API version 2026-10-21', () => {
  it('OpenAI SDK: 200 with the temperature / top_p warnings (unary and stream); the upstream got neither', async () => {
    const { data, response } = await harness.client.chat.completions
      .create({ model: 'anthropic/plain-text', messages: [{ role: 'user', content: say }], temperature: 0.3, top_p: 0.9 })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('Hello, world!');
    const warnings = warningsOf(response.headers);
    expect(warnings).toContainEqual(expect.objectContaining({ code: 'unsupported_parameter', param: 'temperature' }));
    expect(warnings).toContainEqual(expect.objectContaining({ code: 'unsupported_parameter', param: 'top_p' }));
    expect(warnings.find((warning) => warning.param === 'temperature')?.message).toContain('anthropic-version');
    expect(upstream().version).toBe('2026-10-21');
    expect(upstream().body).not.toHaveProperty('temperature');
    expect(upstream().body).not.toHaveProperty('top_p');

    const stream = await harness.client.chat.completions
      .create({ model: 'anthropic/plain-text', messages: [{ role: 'user', content: say }], temperature: 0, stream: true })
      .withResponse();
    let text = '';
    for await (const chunk of stream.data) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Hello, world!');
    expect(warningsOf(stream.response.headers)).toContainEqual(expect.objectContaining({ param: 'temperature' }));
  });

  it('Anthropic SDK: 200 with the temperature / top_k warnings in x-gateway-warnings', async () => {
    const params = withSampling<Anthropic.MessageCreateParamsNonStreaming>(
      { model: 'anthropic/plain-text', max_tokens: 256, messages: [{ role: 'user', content: say }] },
      { temperature: 0.3, top_k: 5 },
    );
    const { data, response } = await anthropic.messages.create(params).withResponse();
    expect(data.content).toEqual([{ type: 'text', text: 'Hello, world!', citations: null }]);
    expect(warningsOf(response.headers).map((warning) => warning.param)).toEqual(expect.arrayContaining(['temperature', 'top_k']));
    expect(upstream().body).not.toHaveProperty('temperature');
    expect(upstream().body).not.toHaveProperty('top_k');
  });

  it('Connect client: the answer carries the warning in `warnings`', async () => {
    const { response } = await connect.complete({
      chat: { model: 'anthropic/plain-text', temperature: 0, messages: [{ role: Role.USER, content: [{ kind: { case: 'text', value: { text: say } } }] }] },
    });
    expect(response?.choices[0]?.message?.content[0]?.kind.value).toMatchObject({ text: 'Hello, world!' });
    expect(response?.warnings).toContainEqual(expect.objectContaining({ code: 'unsupported_parameter', param: 'temperature' }));
    expect(upstream().body).not.toHaveProperty('temperature');
  });
});

describe('a provider pinned to anthropic-version 2023-06-01', () => {
  it('gets the sampling fields as sent, on every surface, and no sampling warning is given', async () => {
    const openai = await harness.client.chat.completions
      .create({ model: 'claude-pinned/plain-text', messages: [{ role: 'user', content: say }], temperature: 0.3, top_p: 0.9 })
      .withResponse();
    expect(sampledParams(warningsOf(openai.response.headers))).toEqual([]);
    expect(upstream()).toMatchObject({ version: '2023-06-01', body: { temperature: 0.3, top_p: 0.9 } });

    const params = withSampling<Anthropic.MessageCreateParamsNonStreaming>(
      { model: 'claude-pinned/plain-text', max_tokens: 256, messages: [{ role: 'user', content: say }] },
      { temperature: 0.7, top_k: 5 },
    );
    const message = await anthropic.messages.create(params).withResponse();
    expect(sampledParams(warningsOf(message.response.headers))).toEqual([]);
    expect(upstream()).toMatchObject({ version: '2023-06-01', body: { temperature: 0.7, top_k: 5 } });

    const { response } = await connect.complete({
      chat: { model: 'claude-pinned/plain-text', temperature: 0, messages: [{ role: Role.USER, content: [{ kind: { case: 'text', value: { text: say } } }] }] },
    });
    expect(sampledParams(response?.warnings ?? [])).toEqual([]);
    expect(upstream()).toMatchObject({ version: '2023-06-01', body: { temperature: 0 } });
  });
});
