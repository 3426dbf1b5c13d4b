// Every matrix scenario, unary and stream, through the real `openai` SDK
// against the fixture upstream of each deployment of the family.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FinishReason, type Choice, type StreamChunk, type Usage } from '../../../gen/llmgateway/v1/chat_pb.js';
import { GatewayError } from '../../../src/domain/gateway-error.js';
import { SCENARIOS, type Scenario, type ScenarioOutput } from '../../fixtures/scenarios.js';
import { context, DEPLOYMENTS, foldStream, scenarioRequest, startHarness, targetFor, type Deployment, type FoldedChoice, type Harness } from './adapter-harness.js';

const FAILURE_KINDS: Record<number, { kind: string; retryable: boolean }> = {
  400: { kind: 'invalid_argument', retryable: false },
  401: { kind: 'failed_precondition', retryable: false },
  429: { kind: 'resource_exhausted', retryable: true },
  500: { kind: 'unavailable', retryable: true },
};

/** What this family can report of the canonical usage: cache writes are not reported (0). */
function expectedUsage(output: ScenarioOutput): Partial<Usage> {
  const { usage } = output;
  return {
    inputTokens: usage.input,
    outputTokens: usage.output,
    cachedInputTokens: usage.cachedInput,
    cacheWriteTokens: 0,
    reasoningTokens: usage.reasoning,
    totalTokens: usage.input + usage.output,
  };
}

/** Only compatible hosts return reasoning text (official Chat Completions never does); no signatures. */
function expectedReasoning(deployment: Deployment, output: ScenarioOutput) {
  if (!output.reasoning || deployment.family !== 'openai-compatible') return [];
  return [{ text: output.reasoning.pieces.join(''), signature: '', providerType: deployment.family }];
}

function expectedToolCalls(output: ScenarioOutput) {
  return (output.toolCalls ?? []).map((call) => ({ id: call.id, name: call.name, arguments: call.arguments }));
}

function unaryView(choice: Choice): FoldedChoice {
  const view: FoldedChoice = { text: '', reasoning: [], toolCalls: [], finish: { reason: choice.finishReason, raw: choice.rawFinishReason } };
  for (const part of choice.message?.content ?? []) {
    const { kind } = part;
    if (kind.case === 'text') view.text += kind.value.text;
    if (kind.case === 'reasoning') view.reasoning.push({ text: kind.value.text, signature: kind.value.signature, providerType: kind.value.providerType });
    if (kind.case === 'toolCall') view.toolCalls.push({ index: view.toolCalls.length, id: kind.value.id, name: kind.value.name, argumentsJson: kind.value.argumentsJson });
  }
  return view;
}

function expectChoice(deployment: Deployment, scenario: Scenario, choice: FoldedChoice | undefined): void {
  const output = scenario.output as ScenarioOutput;
  expect(choice).toBeDefined();
  expect(choice?.text).toBe((output.textPieces ?? []).join(''));
  expect(choice?.reasoning).toEqual(expectedReasoning(deployment, output));
  expect(choice?.toolCalls.map((call) => ({ id: call.id, name: call.name, arguments: JSON.parse(call.argumentsJson) }))).toEqual(expectedToolCalls(output));
  // broken-stream names no expectedFinish: its unary answer ends with a plain stop.
  expect(choice?.finish?.reason).toBe(scenario.expectedFinish ?? FinishReason.STOP);
  expect(choice?.finish?.raw).toBe(output.finish === 'stop_sequence' ? 'stop' : output.finish);
}

async function expectFailure(scenario: Scenario, harness: Harness, promise: Promise<unknown>): Promise<void> {
  const failure = scenario.failure as NonNullable<Scenario['failure']>;
  const error = await promise.then(() => undefined, (thrown: unknown) => thrown);
  expect(error).toBeInstanceOf(GatewayError);
  const gatewayError = error as GatewayError;
  expect(gatewayError.kind).toBe(FAILURE_KINDS[failure.status]?.kind);
  expect(gatewayError.retryable).toBe(FAILURE_KINDS[failure.status]?.retryable);
  expect(gatewayError.upstreamStatus).toBe(failure.status);
  expect(gatewayError.provider).toBe(harness.connection.id);
  expect(gatewayError.retryAfterSeconds).toBe(failure.retryAfterSeconds);
  expect(gatewayError.message).toContain(failure.message);
  expect(gatewayError.message).not.toContain(harness.connection.apiKey);
}

/** The deltas arrive, then the cut surfaces as a retryable error instead of a quiet end. */
async function expectBrokenStream(scenario: Scenario, harness: Harness, stream: AsyncIterable<StreamChunk>): Promise<void> {
  let text = '';
  let error: unknown;
  try {
    for await (const chunk of stream) if (chunk.event.case === 'textDelta') text += chunk.event.value.text;
  } catch (thrown) {
    error = thrown;
  }
  expect(text).toBe(scenario.output?.textPieces?.join(''));
  expect(error).toBeInstanceOf(GatewayError);
  expect(error).toMatchObject({ kind: 'unavailable', retryable: true, upstreamStatus: 200, provider: harness.connection.id });
}

describe.each(DEPLOYMENTS)('OpenAI adapter scenarios: $name', (deployment) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness(deployment);
  });
  afterAll(async () => {
    await harness.fixture.close();
  });

  describe.each(SCENARIOS)('$name', (scenario) => {
    const request = () => scenarioRequest(scenario, deployment.family);
    const target = targetFor(deployment, scenario.name);
    const servedTier = deployment.family === 'openai' ? 'default' : '';

    it('unary', async () => {
      const call = harness.adapter.complete(request(), target, context());
      if (scenario.failure) return expectFailure(scenario, harness, call);
      const result = await call;
      expect(result.choices).toHaveLength(1);
      expectChoice(deployment, scenario, result.choices[0] && unaryView(result.choices[0]));
      expect(result.usage).toMatchObject(expectedUsage(scenario.output as ScenarioOutput));
      // Only the OpenAI fixture names the tier that served the request, as OpenAI does.
      expect(result.usage?.serviceTier).toBe(servedTier);
    });

    it('stream', async () => {
      if (scenario.brokenStream) return expectBrokenStream(scenario, harness, harness.adapter.stream(request(), target, context()));
      const folded = foldStream(harness.adapter.stream(request(), target, context()));
      if (scenario.failure) return expectFailure(scenario, harness, folded);
      const result = await folded;
      expect([...result.choices.keys()]).toEqual([0]);
      expectChoice(deployment, scenario, result.choices.get(0));
      expect(result.usageChunks).toBe(1);
      expect(result.usage).toMatchObject(expectedUsage(scenario.output as ScenarioOutput));
      // Warnings come before the first delta; usage is last.
      const firstDelta = result.kinds.findIndex((kind) => kind !== 'warning');
      expect(result.kinds.slice(firstDelta)).not.toContain('warning');
      expect(result.kinds.at(-1)).toBe('usage');
      // The tier is told before the first output (as input usage without tokens), and again with the usage.
      expect(result.inputUsage?.serviceTier).toBe(servedTier || undefined);
      expect(result.inputUsage?.inputTokens ?? 0).toBe(0);
      expect(result.usage?.serviceTier).toBe(servedTier);
    });
  });
});
