// Every conversion-matrix scenario, unary and stream, through the real
// @google/genai SDK against the Gemini fixture upstream.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FinishReason, type ChatResponse } from '../../../gen/llmgateway/v1/chat_pb.js';
import { GatewayError } from '../../../src/domain/gateway-error.js';
import type { ProviderAdapter } from '../../../src/domain/provider-adapter.js';
import type { FixtureUpstream } from '../../fixtures/fixture-upstream.js';
import { startGeminiFixture } from '../../fixtures/gemini-upstream.js';
import { SCENARIOS, type Scenario } from '../../fixtures/scenarios.js';
import { adapterFor, collect, context, PROVIDER_ID, requestFor, target } from './helpers.js';

let fixture: FixtureUpstream;
let adapter: ProviderAdapter;

beforeAll(async () => {
  fixture = await startGeminiFixture();
  adapter = adapterFor(fixture);
});
afterAll(() => fixture.close());

const EXPECTED_KIND: Record<number, GatewayError['kind']> = {
  400: 'invalid_argument',
  401: 'failed_precondition',
  429: 'resource_exhausted',
  500: 'unavailable',
};

async function run(scenario: Scenario, mode: 'unary' | 'stream'): Promise<ChatResponse> {
  const request = requestFor(scenario);
  if (mode === 'stream') return (await collect(adapter.stream(request, target(scenario.name), context()))).response;
  const result = await adapter.complete(request, target(scenario.name), context());
  return { choices: result.choices, usage: result.usage, warnings: result.warnings } as ChatResponse;
}

function checkAnswer(scenario: Scenario, response: ChatResponse): void {
  const output = scenario.output!;
  expect(response.choices).toHaveLength(1);
  const choice = response.choices[0]!;
  const parts = choice.message!.content;
  const text = parts.map((part) => (part.kind.case === 'text' ? part.kind.value.text : '')).join('');
  expect(text).toBe((output.textPieces ?? []).join(''));
  if (scenario.name === 'json-schema') expect(JSON.parse(text)).toEqual({ name: 'Ada', age: 36, address: { city: 'London' } });
  expect(choice.finishReason).toBe(scenario.expectedFinish ?? FinishReason.STOP);
  expect(choice.rawFinishReason).toBe(output.finish === 'length' ? 'MAX_TOKENS' : 'STOP');

  const calls = parts.flatMap((part) => (part.kind.case === 'toolCall' ? [part.kind.value] : []));
  const expectedCalls = output.toolCalls ?? [];
  expect(calls.map((call) => call.name)).toEqual(expectedCalls.map((call) => call.name));
  expect(calls.map((call) => JSON.parse(call.argumentsJson))).toEqual(expectedCalls.map((call) => call.arguments));
  expect(calls.map((call) => call.signature)).toEqual(expectedCalls.map((call) => call.signature ?? ''));
  // The fixture sends no ids (like the Developer API): minted, unique, non-empty.
  expect(new Set(calls.map((call) => call.id)).size).toBe(calls.length);
  for (const call of calls) expect(call.id).toMatch(/^call_\d+_[0-9a-f]+$/);

  const reasoning = parts.flatMap((part) => (part.kind.case === 'reasoning' ? [part.kind.value] : []));
  if (output.reasoning) {
    expect(reasoning.map((part) => part.text).join('')).toBe(output.reasoning.pieces.join(''));
    expect(reasoning.every((part) => part.providerType === 'gemini')).toBe(true);
    // Gemini 3 signs the turn on its last text part: the signature stays there.
    const textPart = parts.find((part) => part.kind.case === 'text');
    expect(textPart?.kind.value).toMatchObject({ text: '6', signature: output.reasoning.signature });
    // Order as produced: thoughts, then the answer.
    expect(parts.map((part) => part.kind.case)).toEqual(['reasoning', 'text']);
  } else {
    expect(reasoning).toEqual([]);
  }
  expect(response.usage).toMatchObject({
    inputTokens: output.usage.input,
    outputTokens: output.usage.output,
    cachedInputTokens: output.usage.cachedInput,
    cacheWriteTokens: 0, // Gemini reports no cache writes.
    reasoningTokens: output.usage.reasoning,
    totalTokens: output.usage.input + output.usage.output,
  });
}

describe.each(SCENARIOS)('$name', (scenario) => {
  it.each(['unary', 'stream'] as const)('%s', async (mode) => {
    if (scenario.failure) {
      const error = await run(scenario, mode).then(() => undefined, (failure: unknown) => failure);
      expect(error).toBeInstanceOf(GatewayError);
      const gatewayError = error as GatewayError;
      expect(gatewayError.kind).toBe(EXPECTED_KIND[scenario.failure.status]);
      expect(gatewayError.upstreamStatus).toBe(scenario.failure.status);
      expect(gatewayError.provider).toBe(PROVIDER_ID);
      expect(gatewayError.retryable).toBe(scenario.failure.status === 429 || scenario.failure.status >= 500);
      expect(gatewayError.retryAfterSeconds).toBe(scenario.failure.retryAfterSeconds);
      expect(gatewayError.message).not.toContain(fixture.apiKey);
      expect(gatewayError.message).toContain(scenario.failure.message);
      if (scenario.failure.status === 401) expect(gatewayError.message).toContain(`provider ${PROVIDER_ID} rejected the gateway's credentials (HTTP 401)`);
      return;
    }
    if (scenario.brokenStream && mode === 'stream') {
      const error = await run(scenario, mode).then(() => undefined, (failure: unknown) => failure);
      expect(error).toBeInstanceOf(GatewayError);
      expect(error).toMatchObject({ kind: 'unavailable', retryable: true, provider: PROVIDER_ID });
      return;
    }
    checkAnswer(scenario, await run(scenario, mode));
  });
});
