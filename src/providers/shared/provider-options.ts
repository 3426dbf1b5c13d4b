// provider_options pass through to the provider family as extra body fields,
// except the ones the gateway itself controls (a deny-list, not an allow-list:
// unknown-but-valid vendor parameters must reach the vendor) and another
// vendor's own fields, which the family names (foreign-options.ts).
import type { JsonObject, JsonValue } from '@bufbuild/protobuf';
import type { Warning } from '../../../gen/llmgateway/v1/chat_pb.js';
import { create } from '@bufbuild/protobuf';
import { WarningSchema } from '../../../gen/llmgateway/v1/chat_pb.js';
import { withoutForeignOptions, type ForeignFields } from './foreign-options.js';

/** Never taken from provider_options: the gateway decides these. */
const GATEWAY_CONTROLLED = new Set(['model', 'stream', 'stream_options', 'messages', 'contents', 'api_key', 'apiKey']);
/**
 * Named by the canonical request, which each family sends in its own terms (OpenAI `logprobs`, Gemini
 * `generationConfig.responseLogprobs`) and whose answer it maps back; given here, they would reach one family
 * only, unmapped: left out with a warning, in either vendor's spelling.
 */
const CANONICAL_FIELDS: Readonly<Record<string, string>> = {
  logprobs: 'logprobs',
  top_logprobs: 'top_logprobs',
  responseLogprobs: 'logprobs',
  response_logprobs: 'logprobs',
};
/** Gemini's own spelling, inside generationConfig (https://ai.google.dev/api/generate-content#generationconfig). */
const NESTED_CANONICAL_FIELDS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  generationConfig: { responseLogprobs: 'logprobs', response_logprobs: 'logprobs', logprobs: 'top_logprobs' },
  generation_config: { responseLogprobs: 'logprobs', response_logprobs: 'logprobs', logprobs: 'top_logprobs' },
};

const canonicalFieldWarning = (param: string, canonical: string): Warning =>
  create(WarningSchema, {
    code: 'ignored_provider_option',
    param: `provider_options.${param}`,
    message: `provider_options.${param} was not sent: ask for log probabilities with the request's own ${canonical} field`,
  });

/** A generationConfig without Gemini's log probability fields (undefined when nothing else is left), and their warnings. */
function withoutNestedCanonical(name: string, value: JsonValue, warnings: Warning[]): JsonValue | undefined {
  const nested = NESTED_CANONICAL_FIELDS[name];
  if (nested === undefined || typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  let kept: JsonObject | undefined;
  for (const [field, fieldValue] of Object.entries(value)) {
    const canonical = nested[field];
    if (canonical === undefined) (kept ??= {})[field] = fieldValue;
    else warnings.push(canonicalFieldWarning(`${name}.${field}`, canonical));
  }
  return kept === undefined && Object.keys(value).length > 0 ? undefined : (kept ?? value);
}

export interface PassThrough {
  fields: Record<string, JsonValue>;
  warnings: Warning[];
}

/** `foreign`: the other vendors' fields this family leaves out (or refuses: it throws the refusal). */
export function passThroughOptions(requested: JsonObject | undefined, foreign?: ForeignFields): PassThrough {
  const fields: Record<string, JsonValue> = {};
  const { options, warnings } = foreign ? withoutForeignOptions(requested, foreign) : { options: requested, warnings: [] as Warning[] };
  for (const [name, value] of Object.entries(options ?? {})) {
    const canonical = CANONICAL_FIELDS[name];
    if (canonical !== undefined) {
      warnings.push(canonicalFieldWarning(name, canonical));
      continue;
    }
    if (GATEWAY_CONTROLLED.has(name)) {
      warnings.push(
        create(WarningSchema, {
          code: 'ignored_provider_option',
          param: `provider_options.${name}`,
          message: `provider_options.${name} is controlled by the gateway and was ignored`,
        }),
      );
      continue;
    }
    const kept = withoutNestedCanonical(name, value, warnings);
    if (kept !== undefined) fields[name] = kept;
  }
  return { fields, warnings };
}
