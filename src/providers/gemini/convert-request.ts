// ChatRequest → one Gemini generateContent call (SDK config shape) plus the
// warnings for what Gemini cannot honour. Pure: no SDK, no I/O.
import { ResponseFormatType, type ChatRequest, type Warning } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { GatewayError } from '../../domain/gateway-error.js';
import { cacheBreakpointsNotSent } from '../shared/cache-breakpoints.js';
import { foreignFields, foreignOptionRefusal } from '../shared/foreign-options.js';
import { passThroughOptions } from '../shared/provider-options.js';
import { stopSequencesRefusal } from '../shared/stop-sequence-limit.js';
import { unsupportedParameter } from '../shared/warnings.js';
import { documentRefusal } from '../shared/documents.js';
import { documentCheck } from './convert-document.js';
import { convertMessages } from './convert-messages.js';
import { convertReasoning, isGemini3 } from './convert-reasoning.js';
import { convertTools } from './convert-tools.js';
import { WarningCollector } from '../shared/warning-collector.js';
import { GEMINI_LABEL } from './family.js';
import type { GeminiGenerateConfig, GeminiGenerateRequest } from './wire-types.js';
import { fillMissingCallSignatures } from './placeholder-signatures.js';
import { enumResponseSchema } from './enum-schema.js';

/** OpenAI's own fields have no place in a Gemini request (../shared/foreign-options.ts). */
const FOREIGN = foreignFields(GEMINI_LABEL, ['OpenAI']);

/** What Gemini cannot give at all, known before any call (ProviderAdapter.refusal). */
export function requestRefusal(request: ChatRequest): GatewayError | undefined {
  return (
    stopSequencesRefusal(request, GEMINI_MAX_STOP_SEQUENCES, GEMINI_LABEL) ??
    foreignOptionRefusal(request.providerOptions, FOREIGN) ??
    documentRefusal(request, documentCheck)
  );
}

/** "The set of character sequences (up to 5)" (https://ai.google.dev/api/generate-content#generationconfig). */
const GEMINI_MAX_STOP_SEQUENCES = 5;

export interface ConvertedRequest {
  request: GeminiGenerateRequest;
  warnings: Warning[];
}

export function convertRequest(request: ChatRequest, upstreamModel: string): ConvertedRequest {
  const warnings = new WarningCollector();
  const { systemInstruction, contents } = convertMessages(request.messages, warnings);
  if (isGemini3(upstreamModel)) fillMissingCallSignatures(contents, warnings);
  const { tools, toolConfig } = convertTools(request, warnings);
  const config: GeminiGenerateConfig = {
    ...(systemInstruction ? { systemInstruction } : {}),
    ...(tools ? { tools } : {}),
    ...(toolConfig ? { toolConfig } : {}),
    ...samplingOf(request),
    ...responseFormatOf(request, warnings),
  };
  const thinkingConfig = convertReasoning(request.reasoning, upstreamModel, warnings);
  if (thinkingConfig) config.thinkingConfig = thinkingConfig;

  const breakpoints = cacheBreakpointsNotSent(request, GEMINI_LABEL, 'Gemini caches prompts implicitly, or a prompt held at Google through cachedContent.');
  if (breakpoints) warnings.add(breakpoints);
  if (request.user !== '') {
    warnings.add(unsupportedParameter('user', GEMINI_LABEL, 'the Gemini API has no end-user field'));
  }
  if (Object.keys(request.metadata).length > 0) {
    warnings.add(unsupportedParameter('metadata', GEMINI_LABEL, 'the Gemini API has no request metadata'));
  }
  const passThrough = passThroughOptions(request.providerOptions, FOREIGN);
  for (const warning of passThrough.warnings) warnings.add(warning);
  return {
    request: { model: upstreamModel, contents, config, extraBody: passThrough.fields },
    warnings: warnings.warnings,
  };
}

function samplingOf(request: ChatRequest): GeminiGenerateConfig {
  const config: GeminiGenerateConfig = {};
  if (request.temperature !== undefined) config.temperature = request.temperature;
  if (request.topP !== undefined) config.topP = request.topP;
  if (request.topK !== undefined) config.topK = request.topK;
  if (request.maxOutputTokens !== undefined) config.maxOutputTokens = request.maxOutputTokens;
  if (request.stop.length > 0) config.stopSequences = [...request.stop];
  if (request.seed !== undefined) config.seed = Number(request.seed);
  if (request.candidateCount !== undefined) config.candidateCount = request.candidateCount;
  if (request.presencePenalty !== undefined) config.presencePenalty = request.presencePenalty;
  if (request.frequencyPenalty !== undefined) config.frequencyPenalty = request.frequencyPenalty;
  // https://ai.google.dev/api/generate-content#generationconfig (responseLogprobs; logprobs: alternatives per step).
  if (request.logprobs) {
    config.responseLogprobs = true;
    if (request.topLogprobs > 0) config.logprobs = request.topLogprobs;
  }
  return config;
}

// json_schema uses responseJsonSchema (full JSON Schema, passed unchanged) for
// the same reason tools use parametersJsonSchema: responseSchema's OpenAPI
// subset rejects $ref/$defs/additionalProperties.
function responseFormatOf(request: ChatRequest, warnings: WarningCollector): GeminiGenerateConfig {
  const format = request.responseFormat;
  switch (format?.type) {
    case ResponseFormatType.TEXT:
      return { responseMimeType: 'text/plain' };
    case ResponseFormatType.JSON_OBJECT:
      return { responseMimeType: 'application/json' };
    case ResponseFormatType.ENUM:
      return { responseMimeType: 'text/x.enum', ...(format.schema !== undefined ? { responseSchema: enumResponseSchema(format.schema) } : {}) };
    case ResponseFormatType.JSON_SCHEMA:
      if (format.description !== '') {
        warnings.add(unsupportedParameter('response_format.description', GEMINI_LABEL, 'a response schema has no description'));
      }
      return {
        responseMimeType: 'application/json',
        ...(format.schema !== undefined ? { responseJsonSchema: format.schema } : {}),
      };
    default:
      return {};
  }
}
