// Canonical ChatRequest → the body of POST /v1/messages (without `stream`),
// plus a warning for every parameter Anthropic cannot honour.
//
// JSON output: response_format json_schema → `output_config.format`
// {type:"json_schema", schema} (GA structured outputs; the answer is plain
// text JSON, finish `end_turn`). json_object has no Anthropic counterpart
// (structured outputs need a closed schema), so the gateway appends an
// instruction to the system prompt and warns that it is not enforced.
//
// Sampling: temperature/top_p/top_k depend on the provider's API version
// (convert-sampling.ts): left out with a warning under 2026-10-21, which
// refuses them, sent under an older pinned `anthropic-version`.
import type { JsonValue } from '@bufbuild/protobuf';
import { ResponseFormatType, type ChatRequest, type Warning } from '../../../gen/llmgateway/v1/chat_pb.js';
import { parameterAdjusted, unsupportedParameter } from '../shared/warnings.js';
import type { AnthropicMessageParams, AnthropicOutputConfig } from './anthropic-client.js';
import { convertMessages } from './convert-messages.js';
import { convertOptions } from './convert-options.js';
import { ANTHROPIC_API_VERSION } from './api-version.js';
import { ANTHROPIC_LABEL } from './family.js';
import { convertReasoning } from './convert-reasoning.js';
import { convertSampling } from './convert-sampling.js';
import { convertTools } from './convert-tools.js';
import { continuableThinking } from './thinking-continuation.js';

export const JSON_OBJECT_INSTRUCTION =
  'Respond with a single valid JSON object and nothing else: no prose, no code fences.';

export interface ConvertedRequest {
  params: AnthropicMessageParams;
  warnings: Warning[];
}

/** `apiVersion`: the `anthropic-version` the call will carry (api-version.ts). */
export function convertRequest(request: ChatRequest, upstreamModel: string, apiVersion = ANTHROPIC_API_VERSION): ConvertedRequest {
  const converted = convertMessages(request.messages);
  const reasoning = convertReasoning(request);
  const thinking = continuableThinking(reasoning.thinking, converted.messages, reasoning.warnings);
  const tools = convertTools(request, thinking?.type === 'enabled');
  const sampling = convertSampling(request, apiVersion);
  const warnings: Warning[] = [...converted.warnings, ...reasoning.warnings, ...tools.warnings, ...sampling.warnings];

  const params: AnthropicMessageParams = { model: upstreamModel, max_tokens: reasoning.maxTokens, messages: converted.messages };
  const system = [...converted.system];

  const format = request.responseFormat;
  if (format?.type === ResponseFormatType.JSON_SCHEMA && format.schema !== undefined) {
    params.output_config = { format: { type: 'json_schema', schema: format.schema } };
  } else if (format?.type === ResponseFormatType.JSON_OBJECT || format?.type === ResponseFormatType.JSON_SCHEMA) {
    system.push({ type: 'text', text: JSON_OBJECT_INSTRUCTION });
    warnings.push(
      parameterAdjusted(
        'response_format',
        'anthropic has no JSON-object mode (structured outputs need a schema); the gateway asked for JSON ' +
          'in the system prompt, which the model is not forced to follow',
      ),
    );
  }
  if (system.length > 0) params.system = system;
  if (thinking !== undefined) params.thinking = thinking;
  if (tools.tools !== undefined) params.tools = tools.tools;
  if (tools.toolChoice !== undefined) params.tool_choice = tools.toolChoice;
  if (request.stop.length > 0) params.stop_sequences = [...request.stop];
  Object.assign(params, sampling.fields);
  const options = convertOptions(request);
  if (options.userId !== '') params.metadata = { user_id: options.userId };

  if (request.seed !== undefined) warnings.push(unsupportedParameter('seed', ANTHROPIC_LABEL));
  if (request.presencePenalty !== undefined) warnings.push(unsupportedParameter('presence_penalty', ANTHROPIC_LABEL));
  if (request.frequencyPenalty !== undefined) warnings.push(unsupportedParameter('frequency_penalty', ANTHROPIC_LABEL));
  if (request.candidateCount !== undefined && request.candidateCount > 1) {
    warnings.push(unsupportedParameter('candidate_count', ANTHROPIC_LABEL, 'one answer per request; one choice was produced'));
  }
  if (Object.keys(request.metadata).length > 0) {
    warnings.push(unsupportedParameter('metadata', ANTHROPIC_LABEL, 'its metadata takes only a user id'));
  }

  warnings.push(...options.warnings);
  mergeProviderOptions(params, options.fields);
  return { params, warnings };
}

/**
 * provider_options win over what the gateway derived (deny-list, not
 * allow-list). `output_config` and `metadata` merge one level deep so that,
 * e.g., output_config.effort does not wipe the JSON schema format.
 */
function mergeProviderOptions(params: AnthropicMessageParams, fields: Record<string, JsonValue>): void {
  for (const [name, value] of Object.entries(fields)) {
    const current = params[name];
    if ((name === 'output_config' || name === 'metadata') && isPlainObject(current) && isPlainObject(value)) {
      params[name] = { ...current, ...value } as AnthropicOutputConfig;
    } else {
      params[name] = value;
    }
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
