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
 * `responseLogprobs`) and whose answer it maps back; given here, they would reach one family only, unmapped.
 */
const CANONICAL_FIELDS: Readonly<Record<string, string>> = { logprobs: 'logprobs', top_logprobs: 'top_logprobs' };

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
      warnings.push(
        create(WarningSchema, {
          code: 'ignored_provider_option',
          param: `provider_options.${name}`,
          message: `provider_options.${name} was not sent: ask for log probabilities with the request's own ${canonical} field`,
        }),
      );
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
    fields[name] = value;
  }
  return { fields, warnings };
}
