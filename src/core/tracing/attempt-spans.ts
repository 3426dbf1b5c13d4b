// One span per upstream attempt (kind client): the GenAI conventions'
// inference span, named `{operation} {upstream model}`, with the provider, the
// request's parameters, then what the upstream answered (usage, finish
// reasons) or how the attempt failed (error.type = the GatewayError kind, the
// upstream's HTTP status). The dispatcher starts and ends these spans
// (routing/attempt-run.ts); completion-core records the answer on them. Only
// built when the request has a span: tracing off costs a check for undefined.
import type { Attempt, ChatRequest, Choice, StreamChunk, Usage } from '../../../gen/llmgateway/v1/chat_pb.js';
import { GatewayError } from '../../domain/gateway-error.js';
import type { CallContext } from '../../domain/provider-adapter.js';
import type { TraceAttributes, TraceSpan } from '../../domain/trace-span.js';
import { StreamAssembler } from '../completion/assemble-stream.js';
import type { PlannedTarget } from '../routing/route-plan.js';
import { embeddingInputContent, inputContent, outputContent } from './message-content.js';
import { finishReasonName, GATEWAY, GEN_AI, genAiProviderName, HTTP_RESPONSE_STATUS_CODE, SERVER_ADDRESS, SERVER_PORT } from './gen-ai-attributes.js';

export type StartAttemptSpan = (target: PlannedTarget) => TraceSpan;

export type AttemptRequest =
  | { operation: 'chat'; request: ChatRequest; stream: boolean }
  | { operation: 'embeddings'; inputs: readonly string[] };

/** Starts each attempt's span under `parent`; the request's content is serialised once, for the first attempt. */
export function attemptSpansUnder(parent: TraceSpan, attempt: AttemptRequest): StartAttemptSpan {
  let content: TraceAttributes | undefined;
  const parameters: TraceAttributes =
    attempt.operation === 'chat'
      ? {
          [GEN_AI.requestMaxTokens]: attempt.request.maxOutputTokens,
          [GEN_AI.requestTemperature]: attempt.request.temperature,
          [GEN_AI.requestTopP]: attempt.request.topP,
          [GEN_AI.requestStream]: attempt.stream,
        }
      : {};
  return (target) => {
    const model = target.target.upstreamModel;
    const record = target.provider.record;
    const span = parent.startChild(`${attempt.operation} ${model}`, 'client', {
      [GEN_AI.operationName]: attempt.operation,
      [GEN_AI.providerName]: genAiProviderName(record.type),
      [GEN_AI.requestModel]: model,
      [GATEWAY.providerId]: record.id,
      [GATEWAY.providerType]: record.type,
      ...serverOf(record.baseUrl),
      ...parameters,
    });
    if (span.recordsContent) {
      content ??= attempt.operation === 'chat' ? inputContent(attempt.request) : embeddingInputContent(attempt.inputs);
      span.setAttributes(content);
    }
    return span;
  };
}

/** server.address / server.port of a configured base URL (the vendor's default endpoint is not spelled out). */
function serverOf(baseUrl: string): TraceAttributes {
  if (!baseUrl) return {};
  try {
    const url = new URL(baseUrl);
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    return { [SERVER_ADDRESS]: url.hostname, [SERVER_PORT]: port };
  } catch {
    return {};
  }
}

function usageAttributes(usage: Usage): TraceAttributes {
  return {
    [GEN_AI.usageInputTokens]: usage.inputTokens,
    [GEN_AI.usageOutputTokens]: usage.outputTokens,
    [GEN_AI.usageCacheReadInputTokens]: usage.cachedInputTokens || undefined,
    [GEN_AI.usageReasoningOutputTokens]: usage.reasoningTokens || undefined,
  };
}

/** The adapter's call context: the attempt's signal, and its trace headers when the attempt has a span. */
export function callContextOf(signal: AbortSignal, span: TraceSpan | undefined): CallContext {
  return span ? { signal, traceHeaders: span.propagationHeaders() } : { signal };
}

type Answer = { choices?: readonly Choice[]; usage: Usage | undefined };

/** The adapter's answer, recorded on the attempt's span once it arrives (no span: the same promise). */
export function recordedAnswer<T extends Answer>(span: TraceSpan | undefined, target: PlannedTarget, answer: Promise<T>): Promise<T> {
  if (!span) return answer;
  return answer.then((value) => {
    recordAnswer(span, target.target.upstreamModel, value);
    return value;
  });
}

/** The adapter's stream, its events recorded on the attempt's span as they pass (no span: the same stream). */
export function recordedStream(span: TraceSpan | undefined, target: PlannedTarget, chunks: AsyncIterable<StreamChunk>): AsyncIterable<StreamChunk> {
  return span ? recordStream(span, target.target.upstreamModel, chunks) : chunks;
}

/** A unary answer: the model that served, its usage (when the upstream reported one), finish reasons, content. */
function recordAnswer(span: TraceSpan, model: string, answer: Answer): void {
  const reasons = (answer.choices ?? []).map((choice) => finishReasonName(choice.finishReason)).filter((reason) => reason !== undefined);
  span.setAttributes({
    [GEN_AI.responseModel]: model,
    [GEN_AI.responseFinishReasons]: reasons.length > 0 ? reasons : undefined,
    ...(answer.usage ? usageAttributes(answer.usage) : {}),
  });
  if (span.recordsContent && answer.choices) span.setAttributes(outputContent(answer.choices));
}

/** A stream passed through unchanged, its finish reasons, usage and (content on) output recorded as they pass. */
async function* recordStream(span: TraceSpan, model: string, chunks: AsyncIterable<StreamChunk>): AsyncGenerator<StreamChunk> {
  span.setAttributes({ [GEN_AI.responseModel]: model });
  const assembler = span.recordsContent ? new StreamAssembler() : undefined;
  const reasons: string[] = [];
  for await (const chunk of chunks) {
    const { event } = chunk;
    if (event.case === 'finish') {
      const reason = finishReasonName(event.value.reason);
      if (reason) reasons.push(reason);
      span.setAttributes({ [GEN_AI.responseFinishReasons]: [...reasons] });
    } else if (event.case === 'usage') {
      span.setAttributes(usageAttributes(event.value));
    }
    assembler?.add(chunk);
    yield chunk;
  }
  if (assembler) span.setAttributes(outputContent(assembler.response.choices));
}

/** Ends an attempt's span with the attempt's record: its outcome, the upstream status, and the failure. */
export function endAttemptSpan(span: TraceSpan, attempt: Attempt, error: unknown): void {
  span.setAttributes({
    [GATEWAY.attemptOutcome]: attempt.outcome,
    [HTTP_RESPONSE_STATUS_CODE]: attempt.upstreamStatus > 0 ? attempt.upstreamStatus : undefined,
  });
  if (error !== undefined) {
    const failure = error instanceof GatewayError ? error : undefined;
    span.fail(failure?.kind ?? 'internal', failure?.message);
  }
  span.end();
}
