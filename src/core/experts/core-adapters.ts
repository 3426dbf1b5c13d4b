// The classifier functions over the gateway's own pipeline, so the judge and the embedding model get
// routing, retries and usage like any request of the same key; the pipeline handed in logs and charges
// them (governance/classifier-calls.ts), without the key's rate limits, cache or prompt rules.
import { create } from '@bufbuild/protobuf';
import { ContentPartSchema, MessageSchema, Role, type ChatRequest } from '../../../gen/llmgateway/v1/chat_pb.js';
import { EmbedRequestSchema } from '../../../gen/llmgateway/v1/completion_service_pb.js';
import type { VirtualKeyRecord } from '../../domain/virtual-key.js';
import type { CompletionCore } from '../completion/completion-core.js';
import type { RequestContext } from '../../domain/request-context.js';
import type { ClassifierDeps, ExpertConfig } from './expert-types.js';

export function classifierDepsVia(core: Pick<CompletionCore, 'complete' | 'embed'>, key: VirtualKeyRecord, context?: RequestContext): ClassifierDeps {
  return {
    complete: (request, signal) => core.complete({ request, key, signal, context }),
    async embed(model, texts, signal) {
      const response = await core.embed({ request: create(EmbedRequestSchema, { model, inputs: texts }), key, signal, context });
      const vectors: number[][] = texts.map(() => []);
      for (const embedding of response.embeddings) {
        if (embedding.index >= 0 && embedding.index < vectors.length) vectors[embedding.index] = [...embedding.values];
      }
      return { vectors, tokens: response.usage?.inputTokens ?? 0 };
    },
  };
}

/** Where the chosen expert sends the request: a route name or a provider model. */
export function expertTarget(expert: ExpertConfig): { route: string } | { providerId: string; upstreamModel: string } {
  return expert.route !== '' ? { route: expert.route } : { providerId: expert.providerId, upstreamModel: expert.upstreamModel };
}

/** The request with the expert's system prompt added as a leading system message (unchanged without one). */
export function withExpertSystemPrompt(request: ChatRequest, expert: ExpertConfig): ChatRequest {
  if (expert.systemPrompt === null || expert.systemPrompt === '') return request;
  const system = create(MessageSchema, {
    role: Role.SYSTEM,
    content: [create(ContentPartSchema, { kind: { case: 'text', value: { text: expert.systemPrompt, signature: '' } } })],
  });
  return { ...request, messages: [system, ...request.messages] };
}
