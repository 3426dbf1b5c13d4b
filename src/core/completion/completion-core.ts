// The plain completion pipeline: plan → dispatch → usage and cost.
// The edges call it through the governance steps (core/governance:
// limits and budget, expert choice and prompt rules, cache, request log),
// which plan the request and hand the plan down; the expert classifier's own
// calls use it directly.
import { create } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import {
  AttemptSchema,
  ChatResponseSchema,
  StreamChunkSchema,
  StreamStartSchema,
  type ChatRequest,
  type ChatResponse,
  type StreamChunk,
  type Usage,
} from '../../../gen/llmgateway/v1/chat_pb.js';
import {
  CountTokensResponseSchema,
  EmbedResponseSchema,
  EmbeddingSchema,
  type CountTokensResponse,
  type EmbedRequest,
  type EmbedResponse,
  type ModelInfo,
} from '../../../gen/llmgateway/v1/completion_service_pb.js';
import type { MediaRequest, MediaResponse } from '../../domain/media.js';
import type { ProviderModelRecord } from '../../domain/provider.js';
import type { VirtualKeyRecord } from '../../domain/virtual-key.js';
import { GatewayError, invalidArgument } from '../../domain/gateway-error.js';
import { newCompletionId } from './completion-ids.js';
import type { CoreCall } from './completion-call.js';
import { requestCostUsd } from './compute-cost.js';
import { estimateEmbeddingUsage, estimateUsage, generatedTextsOf, type GeneratedTexts } from '../usage/estimate-usage.js';
import { countChatTokens } from './count-tokens.js';
import type { ProviderCatalog } from './provider-catalog.js';
import { listedModels } from './listed-models.js';
import { routeInfoFor } from './route-info.js';
import type { Dispatcher } from '../routing/dispatcher.js';
import { attemptsBehind, withAttempts } from '../routing/failed-attempts.js';
import { callerOf, planRoute, type CallerContext } from '../routing/plan-route.js';
import type { RoutePlan } from '../routing/route-plan.js';
import type { RouteTable } from '../routing/route-table.js';
import { servableTargets } from '../routing/servable-targets.js';
import { validateChatRequest } from './validate-chat-request.js';
import { noticeUnpriced, unpricedReporter, type UnpricedReporterOptions } from './unpriced-model.js';
import { dispatchMedia } from './media-dispatch.js';
import { attemptSpansUnder, callContextOf, recordedAnswer, recordedStream } from '../tracing/attempt-spans.js';
import { chatQuotaTokens, usedTokensOf } from '../quotas/quota-tokens.js';

export interface CompletionCore {
  /** Dispatched to `call.plan` when given, else planned here. */
  complete(call: CoreCall<ChatRequest>): Promise<ChatResponse>;
  stream(call: CoreCall<ChatRequest>): AsyncIterable<StreamChunk>;
  embed(call: CoreCall<EmbedRequest>): Promise<EmbedResponse>;
  /** OpenAI's media endpoints, served by the OpenAI family only (media-dispatch.ts). */
  media(call: CoreCall<MediaRequest>): Promise<MediaResponse>;
  countTokens(request: ChatRequest, key: VirtualKeyRecord, signal: AbortSignal): Promise<CountTokensResponse>;
  listModels(key: VirtualKeyRecord): Promise<ModelInfo[]>;
  /** The targets a chat request would be dispatched to (validates the request and the key's access). */
  plan(call: CoreCall<ChatRequest>): Promise<RoutePlan>;
  /** plan() without waiting: undefined when the routes or the providers must be loaded first. */
  planInMemory(call: CoreCall<ChatRequest>): RoutePlan | undefined;
}

export interface CompletionCoreOptions {
  catalog: ProviderCatalog;
  routes: RouteTable;
  dispatcher: Dispatcher;
  now?: () => number;
  /** Told of each answer served by a model without a price (unpriced-model.ts). */
  unpriced?: UnpricedReporterOptions;
}

const chunk = (event: StreamChunk['event'], choiceIndex = 0) => create(StreamChunkSchema, { choiceIndex, event });

export function createCompletionCore(options: CompletionCoreOptions): CompletionCore {
  const now = options.now ?? Date.now;
  const { catalog, dispatcher } = options;
  const onUnpriced = options.unpriced && unpricedReporter(options.unpriced);

  const callerFor = (call: CoreCall<ChatRequest>): CallerContext =>
    callerOf(call.request, call.key, call.context?.sessionId ?? '', call.accessGrantedFor);
  const plan = async (model: string, caller: CallerContext): Promise<RoutePlan> =>
    planRoute(model, caller, await options.routes.snapshot(), await catalog.snapshot());

  // A request is planned once: the governance plans it (cache key, prompt
  // rules) before the dispatch and hands the plan down with the call. Only the
  // targets able to serve the request are kept (servable-targets.ts).
  const planOf = (call: CoreCall<ChatRequest>): RoutePlan | Promise<RoutePlan> =>
    call.plan ?? plan(call.request.model, callerFor(call)).then((routePlan) => servableTargets(routePlan, call.request));

  return {
    async complete(call) {
      const { request, signal } = call;
      validateChatRequest(request);
      const routePlan = call.plan ?? (await planOf(call));
      const startedAt = now();
      try {
        const trace = call.context?.trace;
        const { value, served, attempts } = await dispatcher.unary(
          routePlan,
          (planned, attemptSignal, span) =>
            recordedAnswer(span, planned, planned.provider.adapter().complete(request, planned.target, callContextOf(attemptSignal, span))),
          signal,
          {
            startAttemptSpan: trace && attemptSpansUnder(trace, { operation: 'chat', request, stream: false }),
            quotaTokens: chatQuotaTokens(request),
            usedTokens: usedTokensOf,
          },
        );
        // Every completion ends with usage: the upstream's, else the tokenizer's (marked estimated).
        const usage = usageAt(value.usage ?? estimateUsage(request, served.target.upstreamModel, generatedTextsOf(value.choices)), served.model);
        const unpriced = noticeUnpriced(served, call.key, onUnpriced, usage.costUsd);
        return create(ChatResponseSchema, {
          id: newCompletionId(),
          created: timestampFromMs(startedAt),
          model: request.model,
          choices: value.choices,
          usage,
          route: routeInfoFor(routePlan, served, attempts),
          warnings: unpriced ? [...value.warnings, unpriced] : value.warnings,
          promptFeedback: value.promptFeedback,
        });
      } catch (error) {
        throw asCanceled(error, signal);
      }
    },

    async *stream(call) {
      const { request, signal } = call;
      validateChatRequest(request);
      const routePlan = call.plan ?? (await planOf(call));
      yield chunk({
        case: 'start',
        value: create(StreamStartSchema, { id: newCompletionId(), created: timestampFromMs(now()), model: request.model }),
      });
      const trace = call.context?.trace;
      const dispatch = dispatcher.stream(
        routePlan,
        (planned, attemptSignal, span) =>
          recordedStream(span, planned, planned.provider.adapter().stream(request, planned.target, callContextOf(attemptSignal, span))),
        signal,
        { startAttemptSpan: trace && attemptSpansUnder(trace, { operation: 'chat', request, stream: true }), quotaTokens: chatQuotaTokens(request) },
      );
      let announced = false;
      let sawUsage = false;
      let finished = false;
      const generated: GeneratedTexts = { output: [], reasoning: [] };
      try {
        for await (const upstreamChunk of dispatch.chunks) {
          const { served, attempts } = dispatch.result();
          if (!announced && upstreamChunk.event.case !== 'warning') {
            // The serving target is settled once output flows: say so before the first delta.
            announced = true;
            // Before the route event: the shims' headers go out with it, x-gateway-warnings among them.
            const unpriced = served && noticeUnpriced(served, call.key, onUnpriced);
            if (unpriced) yield chunk({ case: 'warning', value: unpriced });
            const current = create(AttemptSchema, {
              providerId: served?.provider.record.id ?? '',
              upstreamModel: served?.target.upstreamModel ?? '',
              outcome: 'streaming',
            });
            yield chunk({ case: 'route', value: routeInfoFor(routePlan, served, [...attempts, current]) });
          }
          const event = upstreamChunk.event;
          if (event.case === 'usage') {
            sawUsage = true;
            event.value.costUsd = served ? requestCostUsd(event.value, served.model) : 0;
          } else if (event.case === 'textDelta') generated.output.push(event.value.text);
          else if (event.case === 'reasoningDelta') generated.reasoning.push(event.value.text);
          else if (event.case === 'toolCallStart') generated.output.push(event.value.name);
          else if (event.case === 'toolCallDelta') generated.output.push(event.value.argumentsDelta);
          else if (event.case === 'inputUsage') generated.input = event.value;
          yield upstreamChunk;
        }
        finished = true;
      } catch (error) {
        throw asCanceled(error, signal);
      } finally {
        // Left early (the consumer stopped, or the upstream broke): still charge what was consumed.
        if (!sawUsage && !finished && call.onPartialUsage) {
          const { served } = dispatch.result();
          if (served) call.onPartialUsage(usageAt(estimateUsage(request, served.target.upstreamModel, generated), served.model));
        }
      }
      const { served, attempts } = dispatch.result();
      if (!sawUsage && served) {
        yield chunk({ case: 'usage', value: usageAt(estimateUsage(request, served.target.upstreamModel, generated), served.model) });
      }
      yield chunk({ case: 'route', value: routeInfoFor(routePlan, served, attempts) });
    },

    async embed(call) {
      const { request, key, signal } = call;
      if (request.inputs.length === 0) throw invalidArgument('inputs', 'must contain at least one text');
      if (request.inputs.length > 2048) throw invalidArgument('inputs', 'must have at most 2048 texts');
      if (request.dimensions !== undefined && request.dimensions < 1) throw invalidArgument('dimensions', 'must be ≥ 1');
      if (request.inputOptions.length > 0 && request.inputOptions.length !== request.inputs.length) {
        throw invalidArgument('input_options', `must have one entry per input (${request.inputs.length}), or none`);
      }
      const routePlan = await plan(request.model, {
        key,
        accessGranted: !!call.accessGrantedFor && call.accessGrantedFor === request.model,
        sessionId: call.context?.sessionId ?? '',
        user: request.user,
      });
      const { inputs, dimensions, user, providerOptions, inputOptions } = request;
      const input = { inputs, dimensions, user, providerOptions, inputOptions };
      try {
        const trace = call.context?.trace;
        const { value, served, attempts } = await dispatcher.unary(
          routePlan,
          (planned, attemptSignal, span) =>
            recordedAnswer(span, planned, planned.provider.adapter().embed(input, planned.target, callContextOf(attemptSignal, span))),
          signal,
          { startAttemptSpan: trace && attemptSpansUnder(trace, { operation: 'embeddings', inputs: request.inputs }), usedTokens: usedTokensOf },
        );
        const usage = usageAt(value.usage ?? estimateEmbeddingUsage(request.inputs, served.target.upstreamModel), served.model);
        const unpriced = noticeUnpriced(served, key, onUnpriced, usage.costUsd);
        return create(EmbedResponseSchema, {
          model: request.model,
          embeddings: value.vectors.map((values, index) => create(EmbeddingSchema, { index, values })),
          usage,
          route: routeInfoFor(routePlan, served, attempts),
          warnings: unpriced ? [...value.warnings, unpriced] : value.warnings,
        });
      } catch (error) {
        throw asCanceled(error, signal);
      }
    },

    async media(call) {
      try {
        return await dispatchMedia({ plan, dispatcher }, call);
      } catch (error) {
        throw asCanceled(error, call.signal);
      }
    },

    async countTokens(request, key, signal) {
      validateChatRequest(request);
      const routePlan = await plan(request.model, callerOf(request, key, ''));
      // Counting needs no failover: the route's first target answers for the route.
      const first = routePlan.targets[0]!;
      const adapter = first.provider.adapter();
      if (adapter.countTokens) {
        try {
          const tokens = await adapter.countTokens(request, first.target, { signal });
          return create(CountTokensResponseSchema, { inputTokens: tokens, estimated: false, method: `provider:${first.provider.record.type}` });
        } catch (error) {
          throw asCanceled(error, signal);
        }
      }
      const local = countChatTokens(request, first.target.upstreamModel);
      return create(CountTokensResponseSchema, { inputTokens: local.tokens, estimated: true, method: `tokenizer:${local.encoding}` });
    },

    async plan(call) {
      validateChatRequest(call.request);
      return planOf(call);
    },

    planInMemory(call) {
      validateChatRequest(call.request);
      if (call.plan) return call.plan;
      const routes = options.routes.peek?.();
      const snapshot = catalog.peek?.();
      if (!routes || !snapshot) return undefined;
      return servableTargets(planRoute(call.request.model, callerFor(call), routes, snapshot), call.request);
    },

    async listModels(key) {
      return listedModels(key, await options.routes.snapshot(), await catalog.snapshot());
    },
  };
}

/** A failure caused by the caller leaving is a cancellation, whatever the SDK called it (or its deadline: the expert classifier's timeout). */
function asCanceled(error: unknown, signal: AbortSignal): unknown {
  if (!signal.aborted) return error;
  const reason: unknown = signal.reason;
  if (reason instanceof GatewayError && reason.kind === 'deadline_exceeded') {
    return withAttempts(new GatewayError('deadline_exceeded', reason.message, { cause: error }), attemptsBehind(error));
  }
  if (error instanceof GatewayError && error.kind === 'canceled') return error;
  return withAttempts(new GatewayError('canceled', 'the request was canceled by the caller', { cause: error }), attemptsBehind(error));
}

/** The usage with its cost at the serving model's prices. */
function usageAt(usage: Usage, model: ProviderModelRecord): Usage {
  usage.costUsd = requestCostUsd(usage, model);
  return usage;
}
