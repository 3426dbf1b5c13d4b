// Adapter behaviour beyond the matrix: cancellation, credentials, embeddings,
// model listing, candidates, headers and configuration errors.
import { create } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatRequestSchema, FinishReason, Role } from '../../../gen/llmgateway/v1/chat_pb.js';
import { GatewayError } from '../../../src/domain/gateway-error.js';
import { createOpenAIAdapter } from '../../../src/providers/openai/index.js';
import { embedding } from '../../fixtures/openai-upstream.js';
import { SCENARIOS, scenarioByName, type Scenario } from '../../fixtures/scenarios.js';
import { context, DEPLOYMENTS, eventually, foldStream, scenarioRequest, startHarness, targetFor, type Harness } from './adapter-harness.js';

const slowRequest = () =>
  create(ChatRequestSchema, { model: 'slow-stream', messages: [{ role: Role.USER, content: [{ kind: { case: 'text', value: { text: 'Hi' } } }] }] });

const rejection = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);

describe.each(DEPLOYMENTS)('OpenAI adapter behaviour: $name', (deployment) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness(deployment);
  });
  afterAll(async () => {
    await harness.fixture.close();
  });

  it('aborts the upstream stream at once when the signal fires', async () => {
    const controller = new AbortController();
    const before = harness.fixture.abortedStreams();
    const iterator = harness.adapter.stream(slowRequest(), targetFor(deployment, 'slow-stream'), context(controller.signal))[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value?.event).toEqual({ case: 'textDelta', value: expect.objectContaining({ text: 'Hello' }) });
    const pending = rejection(iterator.next());
    controller.abort();
    const error = await pending;
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ kind: 'canceled', provider: harness.connection.id });
    expect(await eventually(() => harness.fixture.abortedStreams() > before)).toBe(true);
  });

  it.each([
    // An error event stands for the status it names (a server_error: 500); a clean end without finish_reason nor [DONE] is a truncated stream (200).
    ['mid-stream-error', 'failed mid-stream (server_error): The server had an error', 500],
    ['stream-without-finish', 'ended the stream before the answer was complete (no finish_reason)', 200],
  ])('turns %s into a retryable unavailable error after the deltas', async (model, message, upstreamStatus) => {
    const request = create(ChatRequestSchema, { model, messages: slowRequest().messages });
    let text = '';
    const error = await rejection(
      (async () => {
        for await (const chunk of harness.adapter.stream(request, targetFor(deployment, model), context())) {
          if (chunk.event.case === 'textDelta') text += chunk.event.value.text;
        }
      })(),
    );
    expect(text).toBe('Par');
    expect(error).toMatchObject({ kind: 'unavailable', retryable: true, upstreamStatus });
    expect((error as GatewayError).message).toContain(message);
  });

  it('finishes a stream ended by [DONE] without any finish_reason as stop', async () => {
    const request = create(ChatRequestSchema, { model: 'done-without-finish', messages: slowRequest().messages });
    const folded = await foldStream(harness.adapter.stream(request, targetFor(deployment, 'done-without-finish'), context()));
    expect(folded.choices.get(0)).toMatchObject({ text: 'Par', finish: { reason: FinishReason.STOP, raw: '' } });
  });

  it('answers canceled for a signal aborted before the call', async () => {
    const controller = new AbortController();
    controller.abort();
    const request = scenarioRequest(scenarioByName('plain-text') as Scenario, deployment.family);
    const error = await rejection(harness.adapter.complete(request, targetFor(deployment, 'plain-text'), context(controller.signal)));
    expect(error).toMatchObject({ kind: 'canceled' });
  });

  it('maps a rejected key to failed_precondition without any part of the key', async () => {
    const wrongKey = 'sk-fixture-wrong-key-zq9x';
    const adapter = createOpenAIAdapter({ ...harness.connection, apiKey: wrongKey });
    const request = scenarioRequest(scenarioByName('plain-text') as Scenario, deployment.family);
    const error = await rejection(adapter.complete(request, targetFor(deployment, 'plain-text'), context()));
    expect(error).toMatchObject({ kind: 'failed_precondition', upstreamStatus: 401, retryable: false });
    const message = (error as GatewayError).message;
    expect(message).toContain(`provider ${harness.connection.id} rejected the gateway's credentials (HTTP 401)`);
    for (const fragment of [wrongKey, 'sk-fixtu', 'zq9x']) expect(message).not.toContain(fragment);
  });

  it('maps an unknown model to not_found', async () => {
    const request = create(ChatRequestSchema, { model: 'nope', messages: slowRequest().messages });
    const error = await rejection(harness.adapter.complete(request, targetFor(deployment, 'no-such-model'), context()));
    expect(error).toMatchObject({ kind: 'not_found', upstreamStatus: 404 });
  });

  it('embeds (floats requested, dimensions passed through, input order kept)', async () => {
    const result = await harness.adapter.embed(
      { inputs: ['alpha', 'beta gamma'], dimensions: 5, user: 'u-1', providerOptions: undefined, inputOptions: [] },
      targetFor(deployment, 'text-embedding-3-small'),
      context(),
    );
    expect(result.vectors).toEqual([embedding('alpha', 5), embedding('beta gamma', 5)]);
    expect(result.usage).toMatchObject({ inputTokens: 3, totalTokens: 3 });
    const body = harness.fixture.received.at(-1)?.body as Record<string, unknown>;
    expect(body).toMatchObject({ encoding_format: 'float', dimensions: 5, user: 'u-1', input: ['alpha', 'beta gamma'] });
  });

  it('decodes base64 embeddings when provider_options ask for them', async () => {
    const result = await harness.adapter.embed(
      { inputs: ['alpha'], dimensions: undefined, user: '', providerOptions: { encoding_format: 'base64' }, inputOptions: [] },
      targetFor(deployment, 'text-embedding-3-small'),
      context(),
    );
    expect(result.vectors).toEqual([embedding('alpha', 3)]);
  });

  it('lists the upstream model ids', async () => {
    const ids = await harness.adapter.listModels(context());
    expect(ids).toEqual(SCENARIOS.map((scenario) => scenario.name));
  });

  it('asks for n candidates and returns one choice per candidate', async () => {
    const request = scenarioRequest(scenarioByName('plain-text') as Scenario, deployment.family);
    request.candidateCount = 2;
    const target = targetFor(deployment, 'plain-text');
    const unary = await harness.adapter.complete(request, target, context());
    expect(unary.choices.map((choice) => choice.index)).toEqual([0, 1]);
    expect((harness.fixture.received.at(-1)?.body as Record<string, unknown>)['n']).toBe(2);
    const folded = await foldStream(harness.adapter.stream(request, target, context()));
    expect([...folded.choices.keys()].sort()).toEqual([0, 1]);
    for (const choice of folded.choices.values()) expect(choice).toMatchObject({ text: 'Hello, world!', finish: { raw: 'stop' } });
  });

  it('sends the connection extra headers on every request', async () => {
    const adapter = createOpenAIAdapter({ ...harness.connection, extraHeaders: { 'x-fixture-tenant': 'tenant-7' } });
    await adapter.listModels(context());
    expect(harness.fixture.received.at(-1)?.headers['x-fixture-tenant']).toBe('tenant-7');
    const request = scenarioRequest(scenarioByName('plain-text') as Scenario, deployment.family);
    await foldStream(adapter.stream(request, targetFor(deployment, 'plain-text'), context()));
    expect(harness.fixture.received.at(-1)?.headers['x-fixture-tenant']).toBe('tenant-7');
  });
});

describe('OpenAI adapter configuration', () => {
  it('sends no credential header to a keyless compatible host', async () => {
    const compatible = DEPLOYMENTS.find((deployment) => deployment.family === 'openai-compatible');
    if (!compatible) throw new Error('no compatible deployment');
    const harness = await startHarness(compatible, { apiKey: '' });
    try {
      const request = scenarioRequest(scenarioByName('plain-text') as Scenario, compatible.family);
      const result = await harness.adapter.complete(request, targetFor(compatible, 'plain-text'), context());
      expect(result.choices[0]?.finishReason).toBeDefined();
      const headers = harness.fixture.received.at(-1)?.headers ?? {};
      expect(headers['authorization']).toBeUndefined();
      expect(headers['api-key']).toBeUndefined();
    } finally {
      await harness.fixture.close();
    }
  });

  it('accepts an Azure endpoint configured with the API path already on it', async () => {
    for (const deployment of DEPLOYMENTS.filter((candidate) => candidate.family === 'azure-openai')) {
      const harness = await startHarness(deployment);
      try {
        const suffix = deployment.azureApiVersion ? '/openai/' : '/openai/v1';
        const adapter = createOpenAIAdapter({ ...harness.connection, baseUrl: `${harness.fixture.baseUrl}${suffix}` });
        const request = scenarioRequest(scenarioByName('plain-text') as Scenario, deployment.family);
        const result = await adapter.complete(request, targetFor(deployment, 'plain-text'), context());
        expect(result.choices).toHaveLength(1);
      } finally {
        await harness.fixture.close();
      }
    }
  });

  it('fails the calls (not the factory) of an Azure provider without endpoint', async () => {
    const adapter = createOpenAIAdapter({ id: 'azure-x', type: 'azure-openai', baseUrl: '', apiKey: 'fixture', extraHeaders: {}, azureApiVersion: '' });
    const error = await rejection(adapter.listModels(context()));
    expect(error).toMatchObject({ kind: 'failed_precondition', provider: 'azure-x' });
  });

  it('refuses provider types of other families', () => {
    expect(() => createOpenAIAdapter({ id: 'a', type: 'anthropic', baseUrl: '', apiKey: 'k', extraHeaders: {}, azureApiVersion: '' })).toThrow(GatewayError);
  });
});
