// How OpenAI-compatible hosts end an answer, as every surface shows it, with
// the official clients against a started gateway and fixture hosts speaking
// DeepSeek's and llama.cpp's dialects (fixtures/compatible-dialects-upstream.ts):
// - DeepSeek's finish_reason "insufficient_system_resource" (the answer was
//   cut for lack of resources: https://api-docs.deepseek.com/api/create-chat-completion)
//   is the upstream's transient fault, like a truncated answer (docs/errors.md):
//   before any output it fails over, after output the stream ends with the
//   surface's error event, and the request-log row records it with the usage
//   the host reported.
// - A stream that never names a finish_reason but ends with `data: [DONE]`
//   (llama-cpp-python, LocalAI) is complete: stop, or tool_calls after a
//   streamed call, with the host's usage. Without [DONE] it stays truncated.
import Anthropic from '@anthropic-ai/sdk';
import { Code, ConnectError } from '@connectrpc/connect';
import { ApiError } from '@google/genai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FinishReason, Role } from '../../gen/llmgateway/v1/chat_pb.js';
import {
  CUT_SHORT_TEXT,
  DEEPSEEK_ANSWER,
  FIXTURE_USAGE,
  LLAMACPP_ANSWER,
  startCompatibleDialects,
  type CompatibleDialectsFixture,
} from '../fixtures/compatible-dialects-upstream.js';
import { adminCaller, type AdminCall } from '../helpers/admin-call.js';
import { keyClients, type KeyClients } from '../helpers/key-clients.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';

interface LoggedRow {
  requestedModel: string;
  surface: string;
  stream?: boolean;
  status: string;
  errorKind?: string;
  errorMessage?: string;
  inputTokens?: number;
  outputTokens?: number;
  estimated?: boolean;
}

let gateway: StartedGateway;
let fixture: CompatibleDialectsFixture;
let admin: AdminCall;
let clients: KeyClients;

beforeAll(async () => {
  // Every cut answer counts toward its target's breaker; these tests repeat them on purpose.
  gateway = await startGateway({ GATEWAY_LOG_LEVEL: 'info', GATEWAY_BREAKER_FAILURES: '1000' });
  fixture = await startCompatibleDialects();
  admin = adminCaller(gateway.url, gateway.adminToken);
  const provider = (id: string, dialect: 'deepseek' | 'llamacpp', models: string[]) =>
    admin('ProvidersService/CreateProvider', {
      id,
      name: id,
      type: 'PROVIDER_TYPE_OPENAI_COMPATIBLE',
      baseUrl: fixture.baseUrl(dialect),
      models: models.map((upstreamModel) => ({ upstreamModel })),
    });
  await provider('deepseek', 'deepseek', ['deepseek-v4-flash', 'cut-short', 'cut-short-at-once']);
  await provider('backup', 'deepseek', ['deepseek-v4-flash']);
  await provider('llama', 'llamacpp', ['local-model', 'with-tools', 'no-done']);
  await admin('RoutesService/CreateRoute', {
    name: 'resilient',
    strategy: 'ROUTE_STRATEGY_PRIORITY',
    targets: [
      { providerId: 'deepseek', upstreamModel: 'cut-short-at-once' },
      { providerId: 'backup', upstreamModel: 'deepseek-v4-flash' },
    ],
  });
  const secret = String((await admin('KeysService/CreateKey', { name: 'endings' }))['secret']);
  clients = keyClients(gateway.url, secret);
});
afterAll(async () => {
  await fixture?.close();
  await gateway?.close();
});

const settle = <T>(work: Promise<T>): Promise<T | unknown> => work.catch((error: unknown) => error);
const rpcChat = (model: string) => ({ chat: { model, messages: [{ role: Role.USER, content: [{ kind: { case: 'text' as const, value: { text: 'Hi' } } }] }] } });

/** The newest row for `model` on `surface` once the writer has it (rows are written behind the answer). */
async function rowFor(model: string, surface: string, stream: boolean): Promise<LoggedRow> {
  for (let tries = 0; tries < 50; tries += 1) {
    await gateway.gateway.requestLog.flush();
    const listed = (await admin('UsageService/ListRequests', { pageSize: 200 })) as { requests?: LoggedRow[] };
    const row = listed.requests?.find((entry) => entry.requestedModel === model && entry.surface === surface && (entry.stream ?? false) === stream);
    if (row) return row;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no request-log row for ${model} on ${surface}`);
}

describe('DeepSeek finish_reason "insufficient_system_resource": the answer was cut short', () => {
  it('the openai SDK: unary 503 service_unavailable; a stream ends with the error event after the text, never with "stop"', async () => {
    const unary = await settle(clients.openai.chat.completions.create({ model: 'deepseek/cut-short', messages: [{ role: 'user', content: 'Hi' }] }));
    expect(unary).toBeInstanceOf(OpenAI.APIError);
    expect((unary as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect((unary as InstanceType<typeof OpenAI.APIError>).message).toContain('insufficient_system_resource');

    let text = '';
    const finishes: string[] = [];
    const streamed = await settle(
      (async () => {
        const stream = await clients.openai.chat.completions.create({ model: 'deepseek/cut-short', messages: [{ role: 'user', content: 'Hi' }], stream: true });
        for await (const chunk of stream) {
          text += chunk.choices[0]?.delta.content ?? '';
          if (chunk.choices[0]?.finish_reason) finishes.push(chunk.choices[0].finish_reason);
        }
      })(),
    );
    expect(text).toBe(CUT_SHORT_TEXT);
    expect(finishes).toEqual([]);
    expect(streamed).toBeInstanceOf(OpenAI.APIError);
    expect((streamed as InstanceType<typeof OpenAI.APIError>).message).toContain('insufficient_system_resource');

    // The row says what the client saw, with the usage DeepSeek reported for the cut answer.
    const row = await rowFor('deepseek/cut-short', 'openai', true);
    expect(row).toMatchObject({ status: 'REQUEST_STATUS_ERROR', errorKind: 'unavailable', inputTokens: FIXTURE_USAGE.prompt, outputTokens: FIXTURE_USAGE.completion });
    expect(row.estimated ?? false).toBe(false);
    expect(row.errorMessage).toContain('insufficient_system_resource');
  });

  it('the Anthropic SDK: unary 529 overloaded_error; a stream ends with an error event, no end_turn', async () => {
    const unary = await settle(clients.anthropic.messages.create({ model: 'deepseek/cut-short', max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }] }));
    expect(unary).toBeInstanceOf(Anthropic.APIError);
    expect((unary as InstanceType<typeof Anthropic.APIError>).status).toBe(529);

    const stream = clients.anthropic.messages.stream({ model: 'deepseek/cut-short', max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }] });
    let text = '';
    const stops: Array<string | null> = [];
    stream.on('text', (delta) => (text += delta));
    stream.on('streamEvent', (event) => {
      if (event.type === 'message_delta') stops.push(event.delta.stop_reason);
    });
    const failure = await settle(stream.finalMessage());
    expect(failure).toBeInstanceOf(Error);
    expect(String((failure as Error).message)).toContain('overloaded_error');
    expect(text).toBe(CUT_SHORT_TEXT);
    expect(stops).toEqual([]);
  });

  it('the Gemini surface: unary 503; a stream ends with the error element, never finishReason STOP/OTHER', async () => {
    const unary = await settle(clients.gemini.models.generateContent({ model: 'deepseek/cut-short', contents: 'Hi' }));
    expect(unary).toBeInstanceOf(ApiError);
    expect((unary as ApiError).status).toBe(503);

    const finishes: string[] = [];
    let text = '';
    const streamed = await settle(
      (async () => {
        for await (const chunk of await clients.gemini.models.generateContentStream({ model: 'deepseek/cut-short', contents: 'Hi' })) {
          text += chunk.text ?? '';
          const finish = chunk.candidates?.[0]?.finishReason;
          if (finish) finishes.push(finish);
        }
      })(),
    );
    expect(text).toBe(CUT_SHORT_TEXT);
    expect(finishes).toEqual([]);
    expect(streamed).toBeInstanceOf(Error);
  });

  it('the Responses API (openai SDK): unary 503; a stream ends with response.failed, never completed', async () => {
    const unary = await settle(clients.openai.responses.create({ model: 'deepseek/cut-short', input: 'Hi', store: false }));
    expect(unary).toBeInstanceOf(OpenAI.APIError);
    expect((unary as InstanceType<typeof OpenAI.APIError>).status).toBe(503);

    const types: string[] = [];
    const streamed = await settle(
      (async () => {
        const stream = await clients.openai.responses.create({ model: 'deepseek/cut-short', input: 'Hi', store: false, stream: true });
        for await (const event of stream) types.push(event.type);
      })(),
    );
    expect(streamed).toBeInstanceOf(OpenAI.APIError);
    expect(types).toContain('response.output_text.delta');
    expect(types).toContain('response.failed');
    expect(types).not.toContain('response.completed');
  });

  it('the RPC: unary and stream are unavailable, as on the other surfaces (no FINISH_REASON_ERROR answer)', async () => {
    const unary = await settle(clients.rpc.complete(rpcChat('deepseek/cut-short')));
    expect(unary).toBeInstanceOf(ConnectError);
    expect((unary as ConnectError).code).toBe(Code.Unavailable);
    expect((unary as ConnectError).rawMessage).toContain('insufficient_system_resource');

    const finishes: FinishReason[] = [];
    let text = '';
    const streamed = await settle(
      (async () => {
        for await (const message of clients.rpc.streamComplete(rpcChat('deepseek/cut-short'))) {
          const event = message.chunk?.event;
          if (event?.case === 'textDelta') text += event.value.text;
          if (event?.case === 'finish') finishes.push(event.value.reason);
        }
      })(),
    );
    expect(text).toBe(CUT_SHORT_TEXT);
    expect(finishes).toEqual([]);
    expect(streamed).toBeInstanceOf(ConnectError);
    expect((streamed as ConnectError).code).toBe(Code.Unavailable);
  });

  it('before any output a route fails over to its next target, unary and streamed', async () => {
    const { data, response } = await clients.openai.chat.completions.create({ model: 'resilient', messages: [{ role: 'user', content: 'Hi' }] }).withResponse();
    expect(data.choices[0]?.message.content).toBe(DEEPSEEK_ANSWER);
    // Retried as a transient fault (the route's default retry), then the next target.
    const attempts = (response.headers.get('x-gateway-attempts') ?? '').split(', ').map((entry) => entry.replace(/ \d+ms$/, ''));
    expect(attempts).toEqual(['deepseek/cut-short-at-once=unavailable 200', 'deepseek/cut-short-at-once=unavailable 200', 'backup/deepseek-v4-flash=ok 200']);

    let text = '';
    const stream = await clients.openai.chat.completions.create({ model: 'resilient', messages: [{ role: 'user', content: 'Hi' }], stream: true });
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(DEEPSEEK_ANSWER);
  });
});

describe('a stream ended by [DONE] without any finish_reason (llama-cpp-python, LocalAI)', () => {
  it('is complete: finish_reason stop and the host’s usage (openai SDK), a successful row', async () => {
    const stream = await clients.openai.chat.completions.create({
      model: 'llama/local-model',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    const finishes: string[] = [];
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.choices[0]?.finish_reason) finishes.push(chunk.choices[0].finish_reason);
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(LLAMACPP_ANSWER);
    expect(finishes).toEqual(['stop']);
    expect(usage).toMatchObject({ prompt_tokens: FIXTURE_USAGE.prompt, completion_tokens: FIXTURE_USAGE.completion });

    const row = await rowFor('llama/local-model', 'openai', true);
    expect(row).toMatchObject({ status: 'REQUEST_STATUS_OK', inputTokens: FIXTURE_USAGE.prompt, outputTokens: FIXTURE_USAGE.completion });
    expect(row.estimated ?? false).toBe(false);
  });

  it('after a streamed tool call it ends as tool_calls (openai SDK) and tool_use (Anthropic SDK)', async () => {
    const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
    const stream = await clients.openai.chat.completions.create({ model: 'llama/with-tools', messages: [{ role: 'user', content: 'Weather?' }], tools, stream: true });
    const finishes: string[] = [];
    for await (const chunk of stream) if (chunk.choices[0]?.finish_reason) finishes.push(chunk.choices[0].finish_reason);
    expect(finishes).toEqual(['tool_calls']);

    const message = await clients.anthropic.messages
      .stream({
        model: 'llama/with-tools',
        max_tokens: 100,
        messages: [{ role: 'user', content: 'Weather?' }],
        tools: [{ name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
      })
      .finalMessage();
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([expect.objectContaining({ type: 'tool_use', name: 'get_weather', input: { city: 'Paris' } })]);
  });

  it('the Anthropic SDK reads end_turn and the host’s usage', async () => {
    const message = await clients.anthropic.messages.stream({ model: 'llama/local-model', max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }] }).finalMessage();
    expect(message.stop_reason).toBe('end_turn');
    expect(message.content).toEqual([expect.objectContaining({ type: 'text', text: LLAMACPP_ANSWER })]);
    expect(message.usage.input_tokens).toBe(FIXTURE_USAGE.prompt);
    expect(message.usage.output_tokens).toBe(FIXTURE_USAGE.completion);
  });

  it('without the [DONE] line the stream is still a truncated one: the error event after the text', async () => {
    let text = '';
    const streamed = await settle(
      (async () => {
        const stream = await clients.openai.chat.completions.create({ model: 'llama/no-done', messages: [{ role: 'user', content: 'Hi' }], stream: true });
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      })(),
    );
    expect(text).toBe(LLAMACPP_ANSWER);
    expect(streamed).toBeInstanceOf(OpenAI.APIError);
    expect((streamed as InstanceType<typeof OpenAI.APIError>).message).toContain('no finish_reason');
  });
});
