// Gemini's embedding options (taskType, title: https://ai.google.dev/api/embeddings) travel in an embed
// request's provider_options, or per input in its input_options, where the Gemini family reads them. Another
// family has no such parameters (an OpenAI-family upstream refuses unknown ones) and no per-input options at
// all: it leaves them out, with a warning.
import type { JsonObject } from '@bufbuild/protobuf';
import type { Warning } from '../../../gen/llmgateway/v1/chat_pb.js';
import { unsupportedParameterNotice } from './warnings.js';

const GEMINI_EMBED_OPTIONS = new Set(['taskType', 'task_type', 'title']);

export function withoutGeminiEmbedOptions(
  options: JsonObject | undefined,
  inputOptions: readonly JsonObject[],
  label: string,
): { options: JsonObject | undefined; warnings: Warning[] } {
  let kept: JsonObject | undefined;
  const warned = new Set<string>();
  for (const name in options) {
    if (!GEMINI_EMBED_OPTIONS.has(name)) (kept ??= {})[name] = options[name]!;
    else warned.add(name);
  }
  // Per-input options have no place in one call for every input: each name is left out, once.
  for (const own of inputOptions) for (const name in own) warned.add(name);
  const warnings = [...warned].map((name) =>
    unsupportedParameterNotice(
      `provider_options.${name}`,
      GEMINI_EMBED_OPTIONS.has(name) ? `${label} does not support Gemini's ${name}; it was not sent` : `${label} takes no per-input ${name}; it was not sent`,
    ),
  );
  return { options: kept, warnings };
}
