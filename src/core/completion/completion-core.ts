// The completion pipeline every surface (RPC, REST shims) calls:
// authenticate (done by the edge) → plan → dispatch → usage and cost.
// Later steps (routing, prompt rules, cache, limits, logs) slot in here.
import { create } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import {
  ChatResponseSchema,
  StreamChunkSchema,
  StreamStartSchema,
  UsageSchema,
  type ChatRequest,
  type ChatResponse,
  type StreamChunk,
} from '../../../gen/llmgateway/v1/chat_pb.js';
import {
  CountTokensResponseSchema,
  EmbedResponseSchema,
  EmbeddingSchema,
  ModelInfoSchema,
  type CountTokensResponse,
  type EmbedRequest,
  type EmbedResponse,
  type ModelInfo,
} from '../../../gen/llmgateway/v1/completion_service_pb.js';
import type { VirtualKeyRecord } from '../../storage/records.js';
import { GatewayError, invalidArgument } from '../errors/gateway-error.js';
import { newCompletionId } from './completion-ids.js';
import { computeCostUsd } from './compute-cost.js';
import { countChatTokens } from './count-tokens.js';
import { isModelAllowed } from './model-access.js';
import { planRequest } from './plan-request.js';
import type { ProviderCatalog } from './provider-catalog.js';
import { namesOf } from './resolve-model.js';
import { routeInfoFor } from './route-info.js';
import { validateChatRequest } from './validate-chat-request.js';

export interface CompletionCore {
  complete(request: ChatRequest, key: VirtualKeyRecord, signal: AbortSignal): Promise<ChatResponse>;
  stream(request: ChatRequest, key: VirtualKeyRecord, signal: AbortSignal): AsyncIterable<StreamChunk>;
  embed(request: EmbedRequest, key: VirtualKeyRecord, signal: AbortSignal): Promise<EmbedResponse>;
  countTokens(request: ChatRequest, key: VirtualKeyRecord, signal: AbortSignal): Promise<CountTokensResponse>;
  listModels(key: VirtualKeyRecord): Promise<ModelInfo[]>;
}

export interface CompletionCoreOptions {
  catalog: ProviderCatalog;
  now?: () => number;
}

const chunk = (event: StreamChunk['event'], choiceIndex = 0) => create(StreamChunkSchema, { choiceIndex, event });

export function createCompletionCore(options: CompletionCoreOptions): CompletionCore {
  const now = options.now ?? Date.now;
  const { catalog } = options;

  return {
    async complete(request, key, signal) {
      validateChatRequest(request);
      const plan = await planRequest(request.model, key, catalog);
      const startedAt = now();
      try {
        const result = await plan.resolved.provider.adapter().complete(request, plan.target, { signal });
        const usage = result.usage;
        if (usage) usage.costUsd = computeCostUsd(usage, plan.resolved.model.prices);
        return create(ChatResponseSchema, {
          id: newCompletionId(),
          created: timestampFromMs(startedAt),
          model: request.model,
          choices: result.choices,
          usage,
          route: routeInfoFor(plan, startedAt, now()),
          warnings: result.warnings,
        });
      } catch (error) {
        throw asCanceled(error, signal);
      }
    },

    async *stream(request, key, signal) {
      validateChatRequest(request);
      const plan = await planRequest(request.model, key, catalog);
      const startedAt = now();
      yield chunk({
        case: 'start',
        value: create(StreamStartSchema, { id: newCompletionId(), created: timestampFromMs(startedAt), model: request.model }),
      });
      try {
        for await (const upstreamChunk of plan.resolved.provider.adapter().stream(request, plan.target, { signal })) {
          if (upstreamChunk.event.case === 'usage') {
            upstreamChunk.event.value.costUsd = computeCostUsd(upstreamChunk.event.value, plan.resolved.model.prices);
          }
          yield upstreamChunk;
        }
      } catch (error) {
        throw asCanceled(error, signal);
      }
      yield chunk({ case: 'route', value: routeInfoFor(plan, startedAt, now()) });
    },

    async embed(request, key, signal) {
      if (request.inputs.length === 0) throw invalidArgument('inputs', 'must contain at least one text');
      if (request.inputs.length > 2048) throw invalidArgument('inputs', 'must have at most 2048 texts');
      if (request.dimensions !== undefined && request.dimensions < 1) throw invalidArgument('dimensions', 'must be ≥ 1');
      const plan = await planRequest(request.model, key, catalog);
      const startedAt = now();
      try {
        const result = await plan.resolved.provider.adapter().embed(
          { inputs: request.inputs, dimensions: request.dimensions, user: request.user, providerOptions: request.providerOptions },
          plan.target,
          { signal },
        );
        const usage = result.usage ?? create(UsageSchema);
        usage.costUsd = computeCostUsd(usage, plan.resolved.model.prices);
        return create(EmbedResponseSchema, {
          model: request.model,
          embeddings: result.vectors.map((values, index) => create(EmbeddingSchema, { index, values })),
          usage,
          route: routeInfoFor(plan, startedAt, now()),
          warnings: result.warnings,
        });
      } catch (error) {
        throw asCanceled(error, signal);
      }
    },

    async countTokens(request, key, signal) {
      validateChatRequest(request);
      const plan = await planRequest(request.model, key, catalog);
      const adapter = plan.resolved.provider.adapter();
      if (adapter.countTokens) {
        try {
          const tokens = await adapter.countTokens(request, plan.target, { signal });
          return create(CountTokensResponseSchema, { inputTokens: tokens, estimated: false, method: `provider:${plan.resolved.provider.record.type}` });
        } catch (error) {
          throw asCanceled(error, signal);
        }
      }
      const local = countChatTokens(request, plan.target.upstreamModel);
      return create(CountTokensResponseSchema, { inputTokens: local.tokens, estimated: true, method: `tokenizer:${local.encoding}` });
    },

    async listModels(key) {
      const snapshot = await catalog.snapshot();
      const models: ModelInfo[] = [];
      for (const provider of snapshot.providers.values()) {
        if (!provider.record.enabled) continue;
        for (const model of provider.record.models) {
          if (!model.enabled || !isModelAllowed(key.allowedModels, namesOf({ provider, model }))) continue;
          const base = { providerId: provider.record.id, upstreamModel: model.upstreamModel, kind: 'model' };
          models.push(create(ModelInfoSchema, { ...base, id: `${provider.record.id}/${model.upstreamModel}` }));
          if (model.alias) models.push(create(ModelInfoSchema, { ...base, id: model.alias }));
        }
      }
      return models.sort((left, right) => left.id.localeCompare(right.id));
    },
  };
}

/** A failure caused by the caller leaving is a cancellation, whatever the SDK called it. */
function asCanceled(error: unknown, signal: AbortSignal): unknown {
  if (signal.aborted && !(error instanceof GatewayError && error.kind === 'canceled')) {
    return new GatewayError('canceled', 'the request was canceled by the caller', { cause: error });
  }
  return error;
}
