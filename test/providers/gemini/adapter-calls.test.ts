// Cancellation, credentials, embeddings, token counting, model listing,
// provider_options and warnings — through the real SDK and the fixture.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create } from '@bufbuild/protobuf';
import { ChatRequestSchema, Role } from '../../../gen/llmgateway/v1/chat_pb.js';
import { GatewayError } from '../../../src/domain/gateway-error.js';
import type { ProviderAdapter } from '../../../src/domain/provider-adapter.js';
import type { FixtureUpstream } from '../../fixtures/fixture-upstream.js';
import { startGeminiFixture } from '../../fixtures/gemini-upstream.js';
import { SCENARIOS, scenarioByName } from '../../fixtures/scenarios.js';
import type { GeminiClient } from '../../../src/providers/gemini/gemini-client.js';
import { createGeminiAdapter } from '../../../src/providers/gemini/index.js';
import { adapterFor, collect, connectionFor, context, PROVIDER_ID, requestFor, target } from './helpers.js';

type Body = Record<string, any>; // Raw request JSON.

let fixture: FixtureUpstream;
let adapter: ProviderAdapter;

beforeAll(async () => {
  fixture = await startGeminiFixture();
  adapter = adapterFor(fixture);
});
afterAll(() => fixture.close());

const lastBody = () => fixture.received.at(-1)!.body as Body;

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  for (let attempt = 0; attempt < 200 && !condition(); attempt++) await new Promise((resolve) => setTimeout(resolve, 25));
  expect(condition(), what).toBe(true);
}

const slowRequest = () =>
  create(ChatRequestSchema, { model: 'slow-stream', messages: [{ role: Role.USER, content: [{ kind: { case: 'text', value: { text: 'wait' } } }] }] });

describe('cancellation', () => {
  it('aborting the signal during a stream closes the upstream connection and throws canceled', async () => {
    const before = fixture.abortedStreams();
    const controller = new AbortController();
    const chunks: string[] = [];
    const consume = (async () => {
      for await (const chunk of adapter.stream(slowRequest(), target('slow-stream'), context(controller.signal))) {
        chunks.push(chunk.event.case ?? '');
        if (chunk.event.case === 'textDelta') controller.abort();
      }
    })();
    const error = await consume.then(() => undefined, (failure: unknown) => failure);
    // The first event's prompt count leads (inputUsage), then its text.
    expect(chunks).toEqual(['inputUsage', 'textDelta']);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ kind: 'canceled', provider: PROVIDER_ID });
    await waitFor(() => fixture.abortedStreams() > before, 'the fixture saw the disconnect');
  });

  it('a consumer that stops reading early also closes the upstream connection', async () => {
    const before = fixture.abortedStreams();
    for await (const chunk of adapter.stream(slowRequest(), target('slow-stream'), context())) {
      if (chunk.event.case === 'textDelta') break;
    }
    await waitFor(() => fixture.abortedStreams() > before, 'the fixture saw the disconnect');
  });

  it('an already aborted signal fails the unary call as canceled', async () => {
    const controller = new AbortController();
    controller.abort();
    const call = adapter.complete(requestFor(scenarioByName('plain-text')!), target('plain-text'), context(controller.signal));
    await expect(call).rejects.toMatchObject({ kind: 'canceled' });
  });
});

describe('credentials and errors', () => {
  it('a wrong key (Gemini: 400 API_KEY_INVALID) is the gateway credential problem, without the key', async () => {
    const wrongKey = 'AIzaSyWrongKeyForTheFixture000000000000';
    const wrong = adapterFor(fixture, { apiKey: wrongKey });
    for (const call of [
      () => wrong.complete(requestFor(scenarioByName('plain-text')!), target('plain-text'), context()),
      () => collect(wrong.stream(requestFor(scenarioByName('plain-text')!), target('plain-text'), context())),
      () => wrong.listModels(context()),
    ]) {
      const error = (await call().then(() => undefined, (failure: unknown) => failure)) as GatewayError;
      expect(error).toBeInstanceOf(GatewayError);
      expect(error).toMatchObject({ kind: 'failed_precondition', upstreamStatus: 400, provider: PROVIDER_ID, retryable: false });
      expect(error.message).toContain(`provider ${PROVIDER_ID} rejected the gateway's credentials (HTTP 400)`);
      expect(error.message).not.toContain(wrongKey);
      expect(error.message).not.toContain('AIza');
    }
  });

  it('an unknown model is not_found', async () => {
    const call = adapter.complete(requestFor(scenarioByName('plain-text')!, 'no-such-model'), target('no-such-model'), context());
    await expect(call).rejects.toMatchObject({ kind: 'not_found', upstreamStatus: 404 });
  });

  it('an unreachable host is unavailable and retryable', async () => {
    const closed = await startGeminiFixture();
    await closed.close();
    const call = adapterFor(closed).complete(requestFor(scenarioByName('plain-text')!), target('plain-text'), context());
    await expect(call).rejects.toMatchObject({ kind: 'unavailable', retryable: true, upstreamStatus: 0 });
  });
});

describe('warnings and provider_options', () => {
  it('stream: request warnings come before the first delta', async () => {
    const request = requestFor(scenarioByName('plain-text')!);
    request.user = 'end-user-1';
    request.parallelToolCalls = false;
    const { chunks } = await collect(adapter.stream(request, target('plain-text'), context()));
    const kinds = chunks.map((chunk) => chunk.event.case);
    expect(kinds.slice(0, 2)).toEqual(['warning', 'warning']);
    expect(kinds.slice(2)).toEqual(['inputUsage', 'textDelta', 'textDelta', 'textDelta', 'finish', 'usage']);
  });

  it('provider_options reach the body (deep-merged) and gateway-controlled ones are refused', async () => {
    const request = requestFor(scenarioByName('plain-text')!);
    request.temperature = 0.5;
    request.providerOptions = {
      safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
      generationConfig: { mediaResolution: 'MEDIA_RESOLUTION_LOW', responseLogprobs: true },
      contents: [],
    };
    const result = await adapter.complete(request, target('plain-text'), context());
    const body = lastBody();
    expect(body.safetySettings).toEqual([{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }]);
    expect(body.generationConfig).toMatchObject({ mediaResolution: 'MEDIA_RESOLUTION_LOW', temperature: 0.5 });
    // Log probabilities are the request's own fields (logprobs, top_logprobs), never a provider option.
    expect(body.generationConfig).not.toHaveProperty('responseLogprobs');
    expect(body.contents).toHaveLength(1);
    expect(result.warnings.map((warning) => warning.param)).toEqual(
      expect.arrayContaining(['provider_options.contents', 'provider_options.generationConfig.responseLogprobs']),
    );
  });

  it('accepts a base URL that already ends in /v1beta', async () => {
    const versioned = adapterFor(fixture, { baseUrl: `${fixture.baseUrl}/v1beta/` });
    const result = await versioned.complete(requestFor(scenarioByName('plain-text')!), target('plain-text'), context());
    expect(result.choices[0]?.message?.content[0]?.kind.value).toMatchObject({ text: 'Hello, world!' });
    expect(fixture.received.at(-1)!.path).toBe('/v1beta/models/plain-text:generateContent');
  });
});

describe('embeddings, token counting, model listing', () => {
  it('embeds a batch with outputDimensionality from dimensions', async () => {
    const result = await adapter.embed(
      { inputs: ['alpha', 'beta'], dimensions: 4, user: 'someone', providerOptions: { taskType: 'RETRIEVAL_QUERY' }, inputOptions: [] },
      target('embedding-model'),
      context(),
    );
    expect(fixture.received.at(-1)!.path).toBe('/v1beta/models/embedding-model:batchEmbedContents');
    expect(lastBody().requests).toEqual([
      { content: { parts: [{ text: 'alpha' }], role: 'user' }, model: 'models/embedding-model', outputDimensionality: 4, taskType: 'RETRIEVAL_QUERY' },
      { content: { parts: [{ text: 'beta' }], role: 'user' }, model: 'models/embedding-model', outputDimensionality: 4, taskType: 'RETRIEVAL_QUERY' },
    ]);
    expect(result.vectors).toHaveLength(2);
    expect(result.vectors.every((vector) => vector.length === 4)).toBe(true);
    expect(result.vectors[0]).not.toEqual(result.vectors[1]);
    expect(result.usage).toBeUndefined();
    expect(result.warnings.map((warning) => warning.param)).toEqual(['user']);
  });

  it('counts tokens of the whole request (system instruction and tools included)', async () => {
    const tokens = await adapter.countTokens!(requestFor(scenarioByName('system-prompt')!), target('system-prompt'), context());
    expect(tokens).toBe(20);
    expect(fixture.received.at(-1)!.path).toBe('/v1beta/models/system-prompt:countTokens');
    const body = lastBody();
    expect(body.contents).toBeUndefined(); // contents and generateContentRequest are mutually exclusive
    expect(body.generateContentRequest).toEqual({
      model: 'models/system-prompt',
      contents: [{ role: 'user', parts: [{ text: 'Hi' }] }],
      systemInstruction: { parts: [{ text: 'You are terse.' }, { text: 'Answer in English.' }] },
    });
    await adapter.countTokens!(requestFor(scenarioByName('one-tool-call')!), target('one-tool-call'), context());
    expect(lastBody().generateContentRequest.tools[0].functionDeclarations[0].name).toBe('get_weather');
  });

  it('lists the models without the models/ prefix', async () => {
    expect(await adapter.listModels(context())).toEqual(SCENARIOS.map((scenario) => scenario.name));
    expect(fixture.received.at(-1)).toMatchObject({ method: 'GET', path: '/v1beta/models' });
  });
});

describe('a stream that ends without a finish reason', () => {
  it('fails the call with a retryable unavailable error, after the deltas it got', async () => {
    // A client whose stream stops after one unfinished event, as when a proxy ends the response early.
    const events = async function* () {
      yield { candidates: [{ content: { role: 'model', parts: [{ text: 'partial' }] }, index: 0 }] };
    };
    const client = { generateStream: async () => events() } as unknown as GeminiClient;
    const cut = createGeminiAdapter(connectionFor(fixture), client);
    const texts: string[] = [];
    const failure = await (async () => {
      for await (const chunk of cut.stream(requestFor(scenarioByName('broken-stream')!), target('any'), context())) {
        if (chunk.event.case === 'textDelta') texts.push(chunk.event.value.text);
      }
    })().then(() => undefined, (error: unknown) => error);
    expect(texts).toEqual(['partial']);
    expect(failure).toBeInstanceOf(GatewayError);
    expect(failure).toMatchObject({ kind: 'unavailable', retryable: true, provider: PROVIDER_ID, upstreamStatus: 200 });
    expect((failure as Error).message).toBe(`provider ${PROVIDER_ID} ended the stream before the answer was complete (no finishReason)`);
  });
});
