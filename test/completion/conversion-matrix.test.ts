// The conversion matrix: every scenario × every provider family × {unary,
// stream}, through CompletionService (Connect, in memory) → the real adapter
// and SDK → a fixture upstream speaking the vendor's wire format. Each cell
// checks the canonical answer and what the upstream received; a cell a
// provider cannot support by design asserts its warning or error instead.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Code, ConnectError, createClient, type Client } from '@connectrpc/connect';
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { ChatRequestSchema, FinishReason, type ChatResponse, type ChatRequest } from '../../gen/llmgateway/v1/chat_pb.js';
import { CompletionService } from '../../gen/llmgateway/v1/completion_service_pb.js';
import { StreamAssembler } from '../../src/core/completion/assemble-stream.js';
import type { FixtureUpstream } from '../fixtures/fixture-upstream.js';
import { PROVIDER_FAMILIES, SCENARIOS, type ProviderFamily, type Scenario, type ScenarioUsage } from '../fixtures/scenarios.js';
import { createInMemoryServices, type InMemoryServices } from '../helpers/in-memory-services.js';
import { createCallerKey, registerFixtureProvider, startFixture } from './matrix-setup.js';
import { checkUpstreamRequest } from './upstream-checks.js';

type Mode = 'unary' | 'stream';
const outcomes = new Map<string, boolean>();

let services: InMemoryServices;
let completion: Client<typeof CompletionService>;
let secret: string;
const fixtures = new Map<ProviderFamily, FixtureUpstream>();

beforeAll(async () => {
  services = await createInMemoryServices();
  completion = createClient(CompletionService, services.transport);
  for (const family of PROVIDER_FAMILIES) {
    const fixture = await startFixture(family);
    fixtures.set(family, fixture);
    await registerFixtureProvider(services, fixture);
  }
  secret = await createCallerKey(services);
});

afterAll(async () => {
  for (const fixture of fixtures.values()) await fixture.close();
  await services?.close();
  printMatrix();
});

function requestFor(family: ProviderFamily, scenario: Scenario): ChatRequest {
  const request = create(ChatRequestSchema, { ...(scenario.request as MessageInitShape<typeof ChatRequestSchema>), model: `${family}/${scenario.name}` });
  // The reasoning scenario's earlier turn was produced by the family under test.
  for (const message of request.messages) {
    for (const part of message.content) {
      if (part.kind.case === 'reasoning' && part.kind.value.providerType === 'FAMILY') part.kind.value.providerType = family;
    }
  }
  return request;
}

async function run(family: ProviderFamily, scenario: Scenario, mode: Mode): Promise<ChatResponse> {
  const headers = { authorization: `Bearer ${secret}` };
  const chat = requestFor(family, scenario);
  if (mode === 'unary') return (await completion.complete({ chat }, { headers })).response!;
  const assembler = new StreamAssembler();
  for await (const message of completion.streamComplete({ chat }, { headers })) assembler.add(message.chunk!);
  return assembler.response;
}

/** The usage a family can report: fields its wire format lacks are 0. */
function expectedUsage(family: ProviderFamily, usage: ScenarioUsage) {
  return {
    inputTokens: usage.input,
    outputTokens: usage.output,
    cachedInputTokens: usage.cachedInput,
    cacheWriteTokens: family === 'anthropic' ? usage.cacheWrite : 0,
    reasoningTokens: usage.reasoning,
    totalTokens: usage.input + usage.output,
  };
}

function checkAnswer(family: ProviderFamily, scenario: Scenario, response: ChatResponse): void {
  const output = scenario.output!;
  const choice = response.choices[0]!;
  const parts = choice.message!.content;
  const text = parts.map((part) => (part.kind.case === 'text' ? part.kind.value.text : '')).join('');
  const expectedText = (output.textPieces ?? []).join('');
  if (scenario.name === 'json-schema') expect(JSON.parse(text)).toEqual(JSON.parse(expectedText));
  else expect(text).toBe(expectedText);
  expect(choice.finishReason).toBe(scenario.expectedFinish ?? FinishReason.STOP);
  expect(choice.rawFinishReason).not.toBe('');

  const calls = parts.flatMap((part) => (part.kind.case === 'toolCall' ? [part.kind.value] : []));
  expect(calls.map((call) => call.name)).toEqual((output.toolCalls ?? []).map((call) => call.name));
  expect(calls.map((call) => JSON.parse(call.argumentsJson))).toEqual((output.toolCalls ?? []).map((call) => call.arguments));
  expect(new Set(calls.map((call) => call.id)).size).toBe(calls.length);
  for (const call of calls) expect(call.id).not.toBe('');
  if (family !== 'gemini') expect(calls.map((call) => call.id)).toEqual((output.toolCalls ?? []).map((call) => call.id));
  if (family === 'gemini' && output.toolCalls) {
    expect(calls.map((call) => call.signature)).toEqual(output.toolCalls.map((call) => call.signature ?? ''));
  }

  const reasoning = parts.flatMap((part) => (part.kind.case === 'reasoning' ? [part.kind.value] : []));
  if (output.reasoning && family !== 'openai' && family !== 'azure-openai') {
    expect(reasoning.map((part) => part.text).join('')).toBe(output.reasoning.pieces.join(''));
    expect(reasoning.every((part) => part.providerType === family)).toBe(true);
    if (family === 'anthropic') expect(reasoning.map((part) => part.signature)).toEqual([output.reasoning.signature]);
    if (family === 'gemini') {
      const signatures = parts.map((part) => (part.kind.case === 'text' || part.kind.case === 'reasoning' ? part.kind.value.signature : ''));
      expect(signatures).toContain(output.reasoning.signature);
    }
  }
  expect(response.usage).toMatchObject(expectedUsage(family, output.usage));
  expect(response.route?.providerId).toBe(family);
  expect(response.route?.upstreamModel).toBe(scenario.name);
}

const FAILURE_CODES: Record<number, Code> = {
  400: Code.InvalidArgument,
  401: Code.FailedPrecondition,
  429: Code.ResourceExhausted,
  500: Code.Unavailable,
};

describe.each(PROVIDER_FAMILIES)('%s', (family) => {
  describe.each(SCENARIOS)('$name', (scenario) => {
    it.each(['unary', 'stream'] as Mode[])('%s', async (mode) => {
      const cell = `${family}|${scenario.name}|${mode}`;
      outcomes.set(cell, false);
      const fixture = fixtures.get(family)!;
      const before = fixture.received.length;
      if (scenario.failure || (scenario.brokenStream && mode === 'stream')) {
        const error = await run(family, scenario, mode).then(
          () => undefined,
          (failure: unknown) => ConnectError.from(failure),
        );
        expect(error, 'the call must fail').toBeDefined();
        expect(error!.code).toBe(scenario.failure ? FAILURE_CODES[scenario.failure.status] : Code.Unavailable);
        expect(error!.rawMessage).not.toContain(fixture.apiKey);
        if (scenario.failure?.retryAfterSeconds) {
          expect(error!.metadata.get('retry-after')).toBe(String(scenario.failure.retryAfterSeconds));
        }
      } else {
        checkAnswer(family, scenario, await run(family, scenario, mode));
      }
      const chatRequests = fixture.received.slice(before).filter((request) => request.normalized);
      expect(chatRequests).toHaveLength(1);
      checkUpstreamRequest(scenario.name, chatRequests[0]!.normalized!, family, mode === 'stream');
      outcomes.set(cell, true);
    });
  });
});

function printMatrix(): void {
  const header = ['scenario', ...PROVIDER_FAMILIES.map((family) => family.padEnd(17))].join(' | ');
  const lines = SCENARIOS.map((scenario) =>
    [
      scenario.name.padEnd(22),
      ...PROVIDER_FAMILIES.map((family) =>
        (['unary', 'stream'] as Mode[])
          .map((mode) => (outcomes.get(`${family}|${scenario.name}|${mode}`) ? `${mode} ok` : `${mode} FAIL`))
          .join(' ')
          .padEnd(17),
      ),
    ].join(' | '),
  );
  const passed = [...outcomes.values()].filter(Boolean).length;
  console.log(`\nConversion matrix: ${passed}/${outcomes.size} cells pass\n${header}\n${lines.join('\n')}\n`);
}
