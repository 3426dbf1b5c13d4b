// The attribute names the gateway's spans carry: the OpenTelemetry GenAI
// semantic conventions (gen_ai.*, as of semantic-conventions 1.45 / the GenAI
// conventions repository) on upstream attempts, the general error.type, and
// the gateway's own facts under llm_gateway.*. Spelled out here instead of
// imported from @opentelemetry/semantic-conventions: the core loads nothing of
// OpenTelemetry (see src/tracing).
import { FinishReason } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { ProviderTypeName } from '../../domain/provider.js';

export const GEN_AI = {
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  requestMaxTokens: 'gen_ai.request.max_tokens',
  requestTemperature: 'gen_ai.request.temperature',
  requestTopP: 'gen_ai.request.top_p',
  requestStream: 'gen_ai.request.stream',
  responseModel: 'gen_ai.response.model',
  responseFinishReasons: 'gen_ai.response.finish_reasons',
  usageInputTokens: 'gen_ai.usage.input_tokens',
  usageOutputTokens: 'gen_ai.usage.output_tokens',
  usageCacheReadInputTokens: 'gen_ai.usage.cache_read.input_tokens',
  usageReasoningOutputTokens: 'gen_ai.usage.reasoning.output_tokens',
  /** Content, only with GATEWAY_TRACE_CONTENT=true: JSON strings in the conventions' message shape. */
  systemInstructions: 'gen_ai.system_instructions',
  inputMessages: 'gen_ai.input.messages',
  outputMessages: 'gen_ai.output.messages',
} as const;

export const SERVER_ADDRESS = 'server.address';
export const SERVER_PORT = 'server.port';
export const HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code';

/** The gateway's own attributes (no convention covers routing, caching or keys). */
export const GATEWAY = {
  providerId: 'llm_gateway.provider.id',
  providerType: 'llm_gateway.provider.type',
  attemptOutcome: 'llm_gateway.attempt.outcome',
  usageEstimated: 'llm_gateway.usage.estimated',
  requestId: 'llm_gateway.request.id',
  keyId: 'llm_gateway.key.id',
  requestedModel: 'llm_gateway.request.model',
  operation: 'llm_gateway.operation',
  stream: 'llm_gateway.stream',
  route: 'llm_gateway.route',
  expert: 'llm_gateway.expert',
  upstreamModel: 'llm_gateway.upstream_model',
  attempts: 'llm_gateway.attempts',
  cacheHit: 'llm_gateway.cache.hit',
  cacheMode: 'llm_gateway.cache.mode',
  costUsd: 'llm_gateway.usage.cost_usd',
  inputTokens: 'llm_gateway.usage.input_tokens',
  outputTokens: 'llm_gateway.usage.output_tokens',
  classifier: 'llm_gateway.expert.classifier',
  decisionSource: 'llm_gateway.expert.source',
  fallbackReason: 'llm_gateway.expert.fallback_reason',
  classifierTokens: 'llm_gateway.expert.tokens',
} as const;

/** gen_ai.provider.name's well-known values; an OpenAI-compatible host speaks OpenAI's API. */
const PROVIDER_NAMES: Record<ProviderTypeName, string> = {
  openai: 'openai',
  'azure-openai': 'azure.ai.openai',
  anthropic: 'anthropic',
  gemini: 'gcp.gemini',
  'openai-compatible': 'openai',
};

export function genAiProviderName(type: ProviderTypeName): string {
  return PROVIDER_NAMES[type] ?? type;
}

const FINISH_REASONS: Partial<Record<FinishReason, string>> = {
  [FinishReason.STOP]: 'stop',
  [FinishReason.LENGTH]: 'length',
  [FinishReason.TOOL_CALLS]: 'tool_calls',
  [FinishReason.CONTENT_FILTER]: 'content_filter',
  [FinishReason.ERROR]: 'error',
  [FinishReason.OTHER]: 'other',
};

/** The conventions' finish reason names (those of OpenAI's API, which they follow). */
export function finishReasonName(reason: FinishReason): string | undefined {
  return FINISH_REASONS[reason];
}
