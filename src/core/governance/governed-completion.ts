// The governance steps around the completion pipeline: rate limits and
// budget up front, the response cache, then usage settled against limits and
// budget and one request-log row written behind the request.
import { toJson } from '@bufbuild/protobuf';
import { ChatRequestSchema, ChatResponseSchema, type ChatRequest, type ChatResponse, type StreamChunk, type Usage, type RouteInfo } from '../../../gen/llmgateway/v1/chat_pb.js';
import { EmbedRequestSchema } from '../../../gen/llmgateway/v1/completion_service_pb.js';
import type { RequestLogRecord } from '../../domain/request-log.js';
import type { VirtualKeyRecord } from '../../domain/virtual-key.js';
import { cacheKeyFor, resolvedModelOf } from '../cache/cache-key.js';
import type { ResponseCache } from '../cache/response-cache.js';
import { StreamAssembler } from '../completion/assemble-stream.js';
import type { CompletionCore } from '../completion/completion-core.js';
import { requestMeta, type RequestMeta } from '../completion/request-meta.js';
import { GatewayError } from '../../domain/gateway-error.js';
import { chooseExpert, type ExpertSelection } from './choose-expert.js';
import { applyPromptRules } from '../prompt-rules/apply-prompt-rules.js';
import type { PromptRuleTable } from '../prompt-rules/prompt-rule-table.js';
import { redactBody } from '../usage-log/redact-body.js';
import { abandon, admit, estimateChatTokens, settle, type Admission, type AdmissionControl } from './admission.js';
import { buildLogRecord, type LogFacts } from './log-record.js';

export interface GovernanceOptions extends AdmissionControl {
  core: CompletionCore;
  /** Prompt rules of the key and of the route the client named. */
  rules: PromptRuleTable;
  /** Expert routes: the route table, the classifier, and where decisions are recorded. */
  experts: ExpertSelection;
  /** Absent: no response cache. */
  cache: ResponseCache | undefined;
  log: { write(record: RequestLogRecord): void };
  now?: () => number;
}

const OUTPUT_EVENTS = new Set<StreamChunk['event']['case']>(['textDelta', 'reasoningDelta', 'toolCallStart', 'toolCallDelta']);
const spentOf = (usage: Usage | undefined, cacheHit: boolean) =>
  cacheHit || !usage ? { tokens: 0, costUsd: 0 } : { tokens: usage.inputTokens + usage.outputTokens, costUsd: usage.costUsd };

export function createGovernedCompletion(options: GovernanceOptions): CompletionCore {
  const now = options.now ?? Date.now;
  const { core, cache } = options;
  const useCache = (request: ChatRequest, key: VirtualKeyRecord, meta: RequestMeta) =>
    cache !== undefined && key.cacheEnabled && !meta.cacheBypass && !request.gateway?.cacheBypass;
  const bodyOf = (key: VirtualKeyRecord, body: () => unknown) => (key.logRequestBodies ? redactBody(body()) : null);

  /**
   * Before the cache lookup and the dispatch: an expert route picks its expert
   * (the request then targets the expert's model), the request is planned, and
   * the prompt rules of the key and of the route the client named are applied.
   */
  const prepare = async (original: ChatRequest, key: VirtualKeyRecord, meta: RequestMeta, signal: AbortSignal) => {
    const chosen = await chooseExpert(options.experts, original, key, meta, signal);
    const routed = chosen?.request ?? original;
    const plan = await core.plan(routed, key, meta);
    const routeName = chosen ? chosen.routeName : plan.routeName;
    const rules = await options.rules.rulesFor(key.id, routeName);
    const expert = chosen?.expert ?? '';
    if (rules.length === 0) return { plan, request: routed, applied: [] as string[], expert };
    const rewritten = applyPromptRules(routed, rules, { keyName: key.name, keyMetadata: key.metadata, now: now() });
    return { plan, request: rewritten.request, applied: rewritten.applied, expert };
  };

  const record = (facts: Omit<LogFacts, 'finishedAt'>) => {
    try {
      options.log.write(buildLogRecord({ ...facts, finishedAt: now() }));
    } catch {
      // The writer never throws by contract; a log row is never worth failing a request.
    }
  };

  return {
    ...core,

    async complete(original, key, signal, meta = requestMeta({ surface: 'rpc' })) {
      let admission: Admission | undefined;
      let response: ChatResponse | undefined;
      let cacheHit = false;
      let failure: unknown;
      let request = original;
      try {
        // Limits first: a refused key must not even cost a classifier call.
        admission = await admit(options, key, estimateChatTokens(original, key), meta);
        const prepared = await prepare(original, key, meta, signal);
        request = prepared.request;
        const { plan } = prepared;
        if (useCache(request, key, meta)) {
          const cacheKey = cacheKeyFor(request, { keyId: key.id, resolvedModel: resolvedModelOf(plan), mode: 'unary' });
          const cached = await cache!.getOrCompute(cacheKey, (shared) => core.complete(request, key, shared, meta), { signal });
          response = cached.response;
          cacheHit = cached.hit;
          meta.report.cache = cached.hit ? 'hit' : 'miss';
        } else {
          response = await core.complete(request, key, signal, meta);
        }
        if (response.route) {
          response.route.rulesApplied = prepared.applied;
          response.route.expert = prepared.expert;
        }
        settle(options, admission, spentOf(response.usage, cacheHit), meta);
        return response;
      } catch (error) {
        failure = error;
        abandon(options, admission);
        throw error;
      } finally {
        record({
          meta, key, requestedModel: request.model, operation: 'chat', stream: false,
          route: response?.route, usage: response?.usage, cacheHit, error: failure,
          firstOutputAt: null,
          requestBody: bodyOf(key, () => toJson(ChatRequestSchema, request)),
          responseBody: response ? bodyOf(key, () => toJson(ChatResponseSchema, response!)) : null,
        });
      }
    },

    async *stream(original, key, signal, meta = requestMeta({ surface: 'rpc' })) {
      let admission: Admission | undefined;
      let route: RouteInfo | undefined;
      let usage: Usage | undefined;
      let firstOutputAt: number | null = null;
      let cacheHit = false;
      let failure: unknown;
      let completed = false;
      const assembler = key.logRequestBodies ? new StreamAssembler() : undefined;
      let request = original;
      try {
        // Limits first: a refused key must not even cost a classifier call.
        admission = await admit(options, key, estimateChatTokens(original, key), meta);
        const prepared = await prepare(original, key, meta, signal);
        request = prepared.request;
        const { plan } = prepared;
        let chunks: AsyncIterable<StreamChunk>;
        if (useCache(request, key, meta)) {
          const cacheKey = cacheKeyFor(request, { keyId: key.id, resolvedModel: resolvedModelOf(plan), mode: 'stream' });
          const cached = cache!.stream(cacheKey, (shared) => core.stream(request, key, shared, meta), { signal });
          chunks = cached.chunks;
          meta.report.cache = cached.hit ? 'hit' : 'miss';
        } else {
          chunks = core.stream(request, key, signal, meta);
        }
        for await (const chunk of chunks) {
          const event = chunk.event;
          if (firstOutputAt === null && OUTPUT_EVENTS.has(event.case)) firstOutputAt = now();
          if (event.case === 'usage') usage = event.value;
          // The last route event is authoritative (attempts, and whether the cache answered).
          if (event.case === 'route') {
            event.value.rulesApplied = prepared.applied;
            event.value.expert = prepared.expert;
            route = event.value;
            cacheHit = event.value.cacheHit;
          }
          assembler?.add(chunk);
          yield chunk;
        }
        completed = true;
        settle(options, admission, spentOf(usage, cacheHit), meta);
      } catch (error) {
        failure = error;
        abandon(options, admission);
        throw error;
      } finally {
        if (!completed && failure === undefined) {
          // The consumer stopped early (client left): nothing more will come.
          abandon(options, admission);
          failure = new GatewayError('canceled', 'the client stopped reading the stream');
        }
        record({
          meta, key, requestedModel: request.model, operation: 'chat', stream: true,
          route, usage, cacheHit, error: failure, firstOutputAt,
          requestBody: bodyOf(key, () => toJson(ChatRequestSchema, request)),
          responseBody: assembler && completed ? bodyOf(key, () => toJson(ChatResponseSchema, assembler.response)) : null,
        });
      }
    },

    async embed(request, key, signal, meta = requestMeta({ surface: 'rpc' })) {
      let admission: Admission | undefined;
      let response: Awaited<ReturnType<CompletionCore['embed']>> | undefined;
      let failure: unknown;
      try {
        admission = await admit(options, key, 0, meta);
        response = await core.embed(request, key, signal, meta);
        settle(options, admission, spentOf(response.usage, false), meta);
        return response;
      } catch (error) {
        failure = error;
        abandon(options, admission);
        throw error;
      } finally {
        record({
          meta, key, requestedModel: request.model, operation: 'embeddings', stream: false,
          route: response?.route, usage: response?.usage, cacheHit: false, error: failure,
          firstOutputAt: null,
          requestBody: bodyOf(key, () => toJson(EmbedRequestSchema, request)),
          responseBody: null,
        });
      }
    },
  };
}
