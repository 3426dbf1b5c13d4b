// ChatRequest → the Chat Completions request body (`{ params, warnings }`).
// Each canonical field either reaches the body or produces a warning.
import type { JsonObject } from '@bufbuild/protobuf';
import type { ChatRequest, Warning } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { GatewayError } from '../../domain/gateway-error.js';
import { cacheBreakpointsNotSent } from '../shared/cache-breakpoints.js';
import { enumFormatRefusal } from '../shared/enum-format.js';
import { foreignFields, foreignOptionRefusal, type ForeignFields } from '../shared/foreign-options.js';
import { passThroughOptions } from '../shared/provider-options.js';
import { stopSequencesRefusal } from '../shared/stop-sequence-limit.js';
import { parameterAdjusted, unsupportedParameter, unsupportedParameterNotice } from '../shared/warnings.js';
import { documentRefusal } from '../shared/documents.js';
import { documentCheckFor } from './convert-document.js';
import { convertMessages } from './convert-messages.js';
import { convertReasoning } from './convert-reasoning.js';
import { convertResponseFormat, withInstructions } from './convert-response-format.js';
import { convertServiceTier } from './convert-service-tier.js';
import { convertTools } from './convert-tools.js';
import type { FamilyTraits } from './family.js';
import { WarningCollector } from '../shared/warning-collector.js';
import type { WireChatParams } from './wire-types.js';

/** Gemini's own fields have no place in a Chat Completions request (../shared/foreign-options.ts); per label. */
const FOREIGN = new Map<string, ForeignFields>();
function foreignTo(traits: FamilyTraits): ForeignFields {
  let foreign = FOREIGN.get(traits.label);
  if (foreign === undefined) FOREIGN.set(traits.label, (foreign = foreignFields(traits.label, ['Gemini'])));
  return foreign;
}

/** What this family cannot give at all, known before any call (ProviderAdapter.refusal). */
export function requestRefusal(request: ChatRequest, traits: FamilyTraits): GatewayError | undefined {
  return (
    enumFormatRefusal(request, traits.label) ??
    stopSequencesRefusal(request, traits.maxStopSequences, traits.label) ??
    foreignOptionRefusal(request.providerOptions, foreignTo(traits)) ??
    documentRefusal(request, documentCheckFor(traits))
  );
}

export interface ConvertedRequest {
  params: WireChatParams;
  warnings: Warning[];
}

export interface ConvertOptions {
  /** The upstream model id (Azure: the deployment name). */
  model: string;
  stream: boolean;
}

export function convertRequest(request: ChatRequest, traits: FamilyTraits, options: ConvertOptions): ConvertedRequest {
  const collector = new WarningCollector();
  const converted = convertMessages(request.messages, traits);
  collector.addAll(converted.warnings);
  const breakpoints = cacheBreakpointsNotSent(request, traits.label, 'OpenAI-style APIs cache long prompt prefixes automatically.');
  if (breakpoints) collector.add(breakpoints);
  const params: WireChatParams = { model: options.model, messages: converted.messages };

  Object.assign(params, convertTools(request, traits, collector));
  const responseFormat = convertResponseFormat(request.responseFormat, traits, collector);
  if (responseFormat.format) params.response_format = responseFormat.format;
  if (responseFormat.instructions) params.messages = withInstructions(params.messages, responseFormat.instructions);

  if (request.temperature !== undefined) params.temperature = request.temperature;
  if (request.topP !== undefined) params.top_p = request.topP;
  if (request.topK !== undefined) collector.add(unsupportedParameter('top_k', traits.label));
  if (request.maxOutputTokens !== undefined) params[traits.maxTokensField] = request.maxOutputTokens;
  if (request.stop.length > 0) params.stop = [...request.stop];
  if (request.seed !== undefined) params.seed = Number(request.seed);
  if (request.presencePenalty !== undefined) params.presence_penalty = request.presencePenalty;
  if (request.frequencyPenalty !== undefined) params.frequency_penalty = request.frequencyPenalty;
  if (request.user) params.user = request.user;
  if (request.candidateCount !== undefined && request.candidateCount !== 1) params.n = request.candidateCount;
  // https://platform.openai.com/docs/api-reference/chat/create#chat-create-logprobs (top_logprobs: 0–20, with logprobs).
  if (request.logprobs) {
    params.logprobs = true;
    if (request.topLogprobs > 0) params.top_logprobs = request.topLogprobs;
  }

  const reasoning = convertReasoning(request.reasoning, traits);
  collector.addAll(reasoning.warnings);
  if (reasoning.effort !== undefined) params.reasoning_effort = reasoning.effort;
  if (reasoning.thinking !== undefined) params.thinking = { type: reasoning.thinking };

  convertMetadata(request, traits, params, collector);
  if (options.stream) {
    params.stream = true;
    // Without it the stream carries no usage at all.
    params.stream_options = { include_usage: true };
  }
  applyProviderOptions(request.providerOptions, traits, params, collector);
  return { params, warnings: collector.warnings };
}

// OpenAI accepts `metadata` only on stored completions (400 otherwise), so it
// is sent only when the client stores (provider_options.store = true).
function convertMetadata(request: ChatRequest, traits: FamilyTraits, params: WireChatParams, collector: WarningCollector): void {
  if (Object.keys(request.metadata).length === 0) return;
  const stores = request.providerOptions?.['store'] === true;
  if (stores && traits.family !== 'openai-compatible') params.metadata = { ...request.metadata };
  else collector.add(unsupportedParameter('metadata', traits.label, 'it is only accepted with provider_options.store = true on OpenAI and Azure'));
}

// provider_options are spread over the body last (deny-list in the shared
// helper). A token-limit field given there replaces the gateway's own so the
// body never carries both max_tokens and max_completion_tokens.
function applyProviderOptions(
  options: JsonObject | undefined,
  traits: FamilyTraits,
  params: WireChatParams,
  collector: WarningCollector,
): void {
  const { fields, warnings } = passThroughOptions(options, foreignTo(traits));
  convertServiceTier(fields, traits.label, warnings);
  collector.addAll(warnings);
  const overridesLimit = 'max_tokens' in fields || 'max_completion_tokens' in fields;
  if (overridesLimit && params[traits.maxTokensField] !== undefined) {
    delete params[traits.maxTokensField];
    collector.add(parameterAdjusted('max_output_tokens', 'a token limit in provider_options replaced max_output_tokens'));
  }
  Object.assign(params, fields);
}
