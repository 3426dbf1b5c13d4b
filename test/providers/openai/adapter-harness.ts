// Shared set-up for the adapter tests: the four ways this family is deployed
// (OpenAI, Azure classic, Azure v1, an OpenAI-compatible host), each against
// its fixture upstream, plus helpers to build requests and fold streams.
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import type { ChatRequest, FinishReason, InputUsage, StreamChunk, Usage, Warning } from '../../../gen/llmgateway/v1/chat_pb.js';
import { ChatRequestSchema } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { ProviderAdapter, ProviderConnection, UpstreamTarget } from '../../../src/domain/provider-adapter.js';
import { createOpenAIAdapter } from '../../../src/providers/openai/index.js';
import { startOpenAIFixture, type OpenAIFixture, type OpenAIFixtureFamily } from '../../fixtures/openai-upstream.js';
import type { Scenario } from '../../fixtures/scenarios.js';

export interface Deployment {
  name: string;
  family: OpenAIFixtureFamily;
  azureApiVersion: string;
}

export const AZURE_API_VERSION = '2024-10-21';

export const DEPLOYMENTS: Deployment[] = [
  { name: 'openai', family: 'openai', azureApiVersion: '' },
  { name: 'azure-classic', family: 'azure-openai', azureApiVersion: AZURE_API_VERSION },
  { name: 'azure-v1', family: 'azure-openai', azureApiVersion: '' },
  { name: 'openai-compatible', family: 'openai-compatible', azureApiVersion: '' },
];

export interface Harness {
  fixture: OpenAIFixture;
  adapter: ProviderAdapter;
  connection: ProviderConnection;
}

export async function startHarness(deployment: Deployment, overrides: Partial<ProviderConnection> = {}): Promise<Harness> {
  const fixture = await startOpenAIFixture({
    family: deployment.family,
    ...(deployment.azureApiVersion ? { azureApiVersion: deployment.azureApiVersion } : {}),
    ...(overrides.apiKey === '' ? { apiKey: '' } : {}),
  });
  const connection: ProviderConnection = {
    id: `fixture-${deployment.name}`,
    type: deployment.family,
    baseUrl: fixture.baseUrl,
    apiKey: fixture.apiKey,
    extraHeaders: {},
    azureApiVersion: deployment.azureApiVersion,
    ...overrides,
  };
  return { fixture, adapter: createOpenAIAdapter(connection), connection };
}

export function targetFor(deployment: Deployment, model: string): UpstreamTarget {
  return { upstreamModel: model, deployment: deployment.family === 'azure-openai' ? model : '' };
}

/** The scenario's request, with the 'FAMILY' placeholder set to the family under test. */
export function scenarioRequest(scenario: Scenario, family: string): ChatRequest {
  const request = create(ChatRequestSchema, { ...(scenario.request as MessageInitShape<typeof ChatRequestSchema>), model: scenario.name });
  for (const message of request.messages) {
    for (const part of message.content) {
      if (part.kind.case === 'reasoning' && part.kind.value.providerType === 'FAMILY') part.kind.value.providerType = family;
    }
  }
  return request;
}

export const context = (signal: AbortSignal = new AbortController().signal) => ({ signal });

export interface FoldedChoice {
  text: string;
  reasoning: Array<{ text: string; signature: string; providerType: string }>;
  toolCalls: Array<{ index: number; id: string; name: string; argumentsJson: string }>;
  finish: { reason: FinishReason; raw: string } | undefined;
}

export interface FoldedStream {
  choices: Map<number, FoldedChoice>;
  usage: Usage | undefined;
  /** What the stream told of the input before the output (OpenAI: the service tier alone). */
  inputUsage: InputUsage | undefined;
  usageChunks: number;
  warnings: Warning[];
  /** Event kinds in arrival order, for ordering checks. */
  kinds: string[];
}

export async function foldStream(stream: AsyncIterable<StreamChunk>): Promise<FoldedStream> {
  const folded: FoldedStream = { choices: new Map(), usage: undefined, inputUsage: undefined, usageChunks: 0, warnings: [], kinds: [] };
  const choice = (index: number): FoldedChoice => {
    let value = folded.choices.get(index);
    if (!value) {
      value = { text: '', reasoning: [], toolCalls: [], finish: undefined };
      folded.choices.set(index, value);
    }
    return value;
  };
  for await (const chunk of stream) {
    const { event } = chunk;
    folded.kinds.push(event.case ?? 'none');
    const current = choice(chunk.choiceIndex);
    switch (event.case) {
      case 'textDelta':
        current.text += event.value.text;
        break;
      case 'reasoningDelta': {
        const open = current.reasoning.at(-1);
        if (open && !open.signature) {
          open.text += event.value.text;
          open.signature = event.value.signature;
        } else current.reasoning.push({ text: event.value.text, signature: event.value.signature, providerType: event.value.providerType });
        break;
      }
      case 'toolCallStart':
        current.toolCalls.push({ index: event.value.index, id: event.value.id, name: event.value.name, argumentsJson: '' });
        break;
      case 'toolCallDelta': {
        const call = current.toolCalls.find((candidate) => candidate.index === event.value.index);
        if (!call) throw new Error(`delta for unknown tool call ${event.value.index}`);
        call.argumentsJson += event.value.argumentsDelta;
        break;
      }
      case 'finish':
        if (current.finish) throw new Error('two finish chunks for one choice');
        current.finish = { reason: event.value.reason, raw: event.value.rawReason };
        break;
      case 'usage':
        folded.usage = event.value;
        folded.usageChunks += 1;
        break;
      case 'warning':
        folded.warnings.push(event.value);
        break;
      case 'inputUsage':
        folded.inputUsage = event.value;
        break;
      default:
        throw new Error(`unexpected chunk ${event.case}`);
    }
  }
  return folded;
}

/** Polls until `check` holds or the bound passes (no timing is asserted). */
export async function eventually(check: () => boolean, boundMs = 5000): Promise<boolean> {
  const deadline = Date.now() + boundMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return check();
}
