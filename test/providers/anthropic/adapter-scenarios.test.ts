// Every conversion-matrix scenario, unary and streamed, through the real
// @anthropic-ai/sdk against the Anthropic fixture upstream on loopback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContentPart } from '../../../gen/llmgateway/v1/chat_pb.js';
import { GatewayError } from '../../../src/domain/gateway-error.js';
import type { ProviderAdapter } from '../../../src/domain/provider-adapter.js';
import { startAnthropicFixture } from '../../fixtures/anthropic-upstream.js';
import type { FixtureUpstream } from '../../fixtures/fixture-upstream.js';
import { SCENARIOS, type Scenario } from '../../fixtures/scenarios.js';
import { adapterFor, collect, expectedUsage, PROVIDER_ID, requestFor, target } from './adapter-helpers.js';

const ERROR_KINDS: Record<number, { kind: string; retryable: boolean }> = {
  400: { kind: 'invalid_argument', retryable: false },
  401: { kind: 'failed_precondition', retryable: false },
  429: { kind: 'resource_exhausted', retryable: true },
  500: { kind: 'unavailable', retryable: true },
};

let fixture: FixtureUpstream;
let adapter: ProviderAdapter;

beforeAll(async () => {
  fixture = await startAnthropicFixture();
  adapter = adapterFor(fixture);
});
afterAll(async () => {
  await fixture.close();
});

const controller = () => ({ signal: new AbortController().signal });
const outputScenarios = SCENARIOS.filter((scenario) => scenario.output !== undefined);
const failureScenarios = SCENARIOS.filter((scenario) => scenario.failure !== undefined);

function expectFailure(error: unknown, scenario: Scenario): void {
  const failure = scenario.failure!;
  expect(error).toBeInstanceOf(GatewayError);
  const gatewayError = error as GatewayError;
  expect(gatewayError).toMatchObject({ ...ERROR_KINDS[failure.status], upstreamStatus: failure.status, provider: PROVIDER_ID });
  expect(gatewayError.message).not.toContain(fixture.apiKey);
  expect(gatewayError.message).not.toContain(fixture.apiKey.slice(-12));
  if (failure.retryAfterSeconds !== undefined) expect(gatewayError.retryAfterSeconds).toBe(failure.retryAfterSeconds);
  if (failure.status !== 401) expect(gatewayError.message).toContain(failure.message);
}

describe('anthropic adapter: unary', () => {
  it.each(outputScenarios.map((scenario) => [scenario.name, scenario] as const))('%s', async (_name, scenario) => {
    const output = scenario.output!;
    const result = await adapter.complete(requestFor(scenario), target(scenario.name), controller());
    expect(result.choices).toHaveLength(1);
    const choice = result.choices[0]!;
    const parts = choice.message?.content ?? [];
    const ofKind = <Case extends NonNullable<ContentPart['kind']['case']>>(kind: Case) =>
      parts.flatMap((part) => (part.kind.case === kind ? [part.kind.value as Extract<ContentPart['kind'], { case: Case }>['value']] : []));

    expect(ofKind('text').map((part) => part.text).join('')).toBe((output.textPieces ?? []).join(''));
    if (output.reasoning !== undefined) {
      expect(ofKind('reasoning')).toEqual([
        expect.objectContaining({ text: output.reasoning.pieces.join(''), signature: output.reasoning.signature, providerType: 'anthropic' }),
      ]);
      // Reasoning comes first, as the model produced it.
      expect(parts[0]?.kind.case).toBe('reasoning');
    } else {
      expect(ofKind('reasoning')).toEqual([]);
    }
    const calls = ofKind('toolCall');
    expect(calls.map((call) => ({ id: call.id, name: call.name, arguments: JSON.parse(call.argumentsJson) as unknown }))).toEqual(
      (output.toolCalls ?? []).map((call) => ({ id: call.id, name: call.name, arguments: call.arguments })),
    );
    expect(choice.finishReason).toBe(scenario.expectedFinish ?? choice.finishReason);
    expect(choice.rawFinishReason).toBe({ stop: 'end_turn', stop_sequence: 'stop_sequence', length: 'max_tokens', tool_calls: 'tool_use' }[output.finish]);
    expect(result.usage).toMatchObject(expectedUsage(output.usage));
  });

  it.each(failureScenarios.map((scenario) => [scenario.name, scenario] as const))('%s', async (_name, scenario) => {
    const error = await adapter.complete(requestFor(scenario), target(scenario.name), controller()).catch((caught: unknown) => caught);
    expectFailure(error, scenario);
  });
});

describe('anthropic adapter: stream', () => {
  it.each(outputScenarios.filter((scenario) => scenario.brokenStream !== true).map((scenario) => [scenario.name, scenario] as const))(
    '%s',
    async (_name, scenario) => {
      const output = scenario.output!;
      const streamed = await collect(adapter.stream(requestFor(scenario), target(scenario.name), controller()));
      expect(streamed.text).toBe((output.textPieces ?? []).join(''));
      // One upstream piece → one canonical delta, never batched.
      expect(streamed.chunks.filter((chunk) => chunk.event.case === 'textDelta')).toHaveLength(output.textPieces?.length ?? 0);
      expect(streamed.reasoning).toEqual(
        output.reasoning === undefined ? [] : [{ text: output.reasoning.pieces.join(''), signature: output.reasoning.signature }],
      );
      expect(
        streamed.toolCalls.map((call) => ({ index: call.index, id: call.id, name: call.name, arguments: JSON.parse(call.argumentsJson) as unknown })),
      ).toEqual((output.toolCalls ?? []).map((call, index) => ({ index, id: call.id, name: call.name, arguments: call.arguments })));
      for (const call of output.toolCalls ?? []) {
        const index = streamed.toolCalls.find((candidate) => candidate.id === call.id)!.index;
        const fragments = streamed.chunks.filter((chunk) => chunk.event.case === 'toolCallDelta' && chunk.event.value.index === index);
        expect(fragments.length).toBeGreaterThanOrEqual(2);
      }
      expect(streamed.finishes).toHaveLength(1);
      expect(streamed.finishes[0]?.reason).toBe(scenario.expectedFinish);
      expect(streamed.usages).toHaveLength(1);
      expect(streamed.usages[0]).toMatchObject(expectedUsage(output.usage));
      // finish, then usage, close the stream; warnings come before any delta.
      expect(streamed.chunks.slice(-2).map((chunk) => chunk.event.case)).toEqual(['finish', 'usage']);
      const firstDelta = streamed.chunks.findIndex((chunk) => chunk.event.case !== 'warning');
      expect(streamed.chunks.slice(firstDelta).some((chunk) => chunk.event.case === 'warning')).toBe(false);
    },
  );

  it.each(failureScenarios.map((scenario) => [scenario.name, scenario] as const))('%s', async (_name, scenario) => {
    const error = await collect(adapter.stream(requestFor(scenario), target(scenario.name), controller())).catch((caught: unknown) => caught);
    expectFailure(error, scenario);
  });

  it('broken-stream: deltas arrive, then the cut connection throws a retryable unavailable', async () => {
    const scenario = SCENARIOS.find((candidate) => candidate.brokenStream === true)!;
    const seen: string[] = [];
    const error = await collect(adapter.stream(requestFor(scenario), target(scenario.name), controller()), (chunk) => {
      if (chunk.event.case === 'textDelta') seen.push(chunk.event.value.text);
    }).catch((caught: unknown) => caught);
    expect(seen).toEqual(scenario.output!.textPieces);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ kind: 'unavailable', retryable: true, provider: PROVIDER_ID });
  });
});
