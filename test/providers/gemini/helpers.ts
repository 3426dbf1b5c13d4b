// Shared helpers of the Gemini adapter tests: a canonical request for a
// scenario, and a stream folded into the ChatResponse shape.
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { ChatRequestSchema, type ChatRequest, type ChatResponse, type StreamChunk } from '../../../gen/llmgateway/v1/chat_pb.js';
import { StreamAssembler } from '../../../src/core/completion/assemble-stream.js';
import type { ProviderAdapter, ProviderConnection } from '../../../src/domain/provider-adapter.js';
import { createGeminiAdapter } from '../../../src/providers/gemini/index.js';
import type { FixtureUpstream } from '../../fixtures/fixture-upstream.js';
import type { Scenario } from '../../fixtures/scenarios.js';

export const PROVIDER_ID = 'gemini-under-test';

export function connectionFor(fixture: FixtureUpstream, overrides: Partial<ProviderConnection> = {}): ProviderConnection {
  return {
    id: PROVIDER_ID,
    type: 'gemini',
    baseUrl: fixture.baseUrl,
    apiKey: fixture.apiKey,
    extraHeaders: { 'x-gateway-test': 'gemini' },
    azureApiVersion: '',
    ...overrides,
  };
}

export const adapterFor = (fixture: FixtureUpstream, overrides: Partial<ProviderConnection> = {}): ProviderAdapter =>
  createGeminiAdapter(connectionFor(fixture, overrides));

export function requestFor(scenario: Scenario, model = scenario.name): ChatRequest {
  const request = create(ChatRequestSchema, { ...(scenario.request as MessageInitShape<typeof ChatRequestSchema>), model });
  // The reasoning scenario's earlier turn came from the family under test.
  for (const message of request.messages) {
    for (const part of message.content) {
      if (part.kind.case === 'reasoning' && part.kind.value.providerType === 'FAMILY') part.kind.value.providerType = 'gemini';
    }
  }
  return request;
}

export const target = (model: string) => ({ upstreamModel: model, deployment: '' });
export const context = (signal: AbortSignal = new AbortController().signal) => ({ signal });

export async function collect(chunks: AsyncIterable<StreamChunk>): Promise<{ response: ChatResponse; chunks: StreamChunk[] }> {
  const assembler = new StreamAssembler();
  const seen: StreamChunk[] = [];
  for await (const chunk of chunks) {
    seen.push(chunk);
    assembler.add(chunk);
  }
  return { response: assembler.response, chunks: seen };
}
