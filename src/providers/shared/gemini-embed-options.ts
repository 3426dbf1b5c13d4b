// Gemini's embedding options (taskType, title: https://ai.google.dev/api/embeddings) travel in an embed
// request's provider_options, where the Gemini family reads them. Another family has no such parameters (an
// OpenAI-family upstream refuses unknown ones): it leaves them out, with a warning.
import type { JsonObject } from '@bufbuild/protobuf';
import type { Warning } from '../../../gen/llmgateway/v1/chat_pb.js';
import { unsupportedParameterNotice } from './warnings.js';

const GEMINI_EMBED_OPTIONS = new Set(['taskType', 'task_type', 'title']);

export function withoutGeminiEmbedOptions(options: JsonObject | undefined, label: string): { options: JsonObject | undefined; warnings: Warning[] } {
  if (options === undefined) return { options, warnings: [] };
  let kept: JsonObject | undefined;
  const warnings: Warning[] = [];
  for (const name in options) {
    if (!GEMINI_EMBED_OPTIONS.has(name)) {
      (kept ??= {})[name] = options[name]!;
      continue;
    }
    warnings.push(unsupportedParameterNotice(`provider_options.${name}`, `${label} does not support Gemini's ${name}; it was not sent`));
  }
  return { options: kept, warnings };
}
