// Shared by the adapter tests: scenario → ChatRequest, an adapter wired to the
// fixture upstream, and a stream collector that folds canonical chunks back
// into text, reasoning, tool calls, finish and usage.
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { ChatRequestSchema, type ChatRequest, type StreamChunk, type Usage, type Warning } from '../../../gen/llmgateway/v1/chat_pb.js';
import { createAnthropicAdapter } from '../../../src/providers/anthropic/index.js';
import type { ProviderAdapter, UpstreamTarget } from '../../../src/domain/provider-adapter.js';
import type { FixtureUpstream } from '../../fixtures/fixture-upstream.js';
import type { Scenario, ScenarioUsage } from '../../fixtures/scenarios.js';

export const PROVIDER_ID = 'anthropic-fixture';

export function adapterFor(fixture: FixtureUpstream, overrides: { apiKey?: string; extraHeaders?: Record<string, string> } = {}): ProviderAdapter {
  return createAnthropicAdapter({
    id: PROVIDER_ID,
    type: 'anthropic',
    baseUrl: fixture.baseUrl,
    apiKey: overrides.apiKey ?? fixture.apiKey,
    extraHeaders: overrides.extraHeaders ?? {},
    azureApiVersion: '',
  });
}

export const target = (model: string): UpstreamTarget => ({ upstreamModel: model, deployment: '' });

/** The scenario's request, with the 'FAMILY' placeholder of reasoning parts set to this family. */
export function requestFor(scenario: Scenario): ChatRequest {
  const init = { ...scenario.request, model: scenario.name } as MessageInitShape<typeof ChatRequestSchema>;
  const request = create(ChatRequestSchema, init);
  for (const message of request.messages) {
    for (const part of message.content) {
      if (part.kind.case === 'reasoning' && part.kind.value.providerType === 'FAMILY') part.kind.value.providerType = 'anthropic';
    }
  }
  return request;
}

export interface CollectedStream {
  chunks: StreamChunk[];
  text: string;
  reasoning: Array<{ text: string; signature: string }>;
  toolCalls: Array<{ index: number; id: string; name: string; argumentsJson: string }>;
  finishes: Array<{ reason: number; rawReason: string }>;
  usages: Usage[];
  warnings: Warning[];
}

export async function collect(stream: AsyncIterable<StreamChunk>, onChunk?: (chunk: StreamChunk) => void): Promise<CollectedStream> {
  const collected: CollectedStream = { chunks: [], text: '', reasoning: [], toolCalls: [], finishes: [], usages: [], warnings: [] };
  let openReasoning: { text: string; signature: string } | undefined;
  for await (const chunk of stream) {
    collected.chunks.push(chunk);
    onChunk?.(chunk);
    const event = chunk.event;
    switch (event.case) {
      case 'textDelta':
        collected.text += event.value.text;
        break;
      case 'reasoningDelta':
        openReasoning ??= { text: '', signature: '' };
        openReasoning.text += event.value.text;
        if (event.value.signature !== '') {
          openReasoning.signature = event.value.signature;
          collected.reasoning.push(openReasoning);
          openReasoning = undefined;
        }
        break;
      case 'toolCallStart':
        collected.toolCalls.push({ index: event.value.index, id: event.value.id, name: event.value.name, argumentsJson: '' });
        break;
      case 'toolCallDelta': {
        const call = collected.toolCalls.find((candidate) => candidate.index === event.value.index);
        if (call === undefined) throw new Error(`delta for unknown tool index ${event.value.index}`);
        call.argumentsJson += event.value.argumentsDelta;
        break;
      }
      case 'finish':
        collected.finishes.push({ reason: event.value.reason, rawReason: event.value.rawReason });
        break;
      case 'usage':
        collected.usages.push(event.value);
        break;
      case 'warning':
        collected.warnings.push(event.value);
        break;
      default:
        break;
    }
  }
  return collected;
}

/** The canonical usage the adapter must report: Anthropic reports every field (thinking via output_tokens_details). */
export function expectedUsage(usage: ScenarioUsage): Record<string, number> {
  return {
    inputTokens: usage.input,
    outputTokens: usage.output,
    cachedInputTokens: usage.cachedInput,
    cacheWriteTokens: usage.cacheWrite,
    reasoningTokens: usage.reasoning,
    totalTokens: usage.input + usage.output,
  };
}

export async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}
