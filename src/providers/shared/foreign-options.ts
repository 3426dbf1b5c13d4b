// Another vendor's own request fields in provider_options. Unnamed parameters pass through to the serving
// family (provider-options.ts), but these are known: an OpenAI client sends `store: false` out of habit, a
// Gemini client `safetySettings`, and Anthropic and Gemini refuse any field they do not know (Anthropic:
// "Extra inputs are not permitted"; Gemini: "Unknown name"; OpenAI: "Unrecognized request argument"). A
// family that is not the field's vendor therefore never sends it:
// - it is left out with a warning when it changes nothing in the answer: `ignored_provider_option` for the
//   vendor's default value (a no-op), `unsupported_parameter` for anything else;
// - the request is refused (invalid_argument, before any call: ProviderAdapter.refusal) when the answer the
//   client asked for depends on it (audio output, a cached prompt that lives at Google).
// Log probabilities are no such field: the canonical request names them (ChatRequest.logprobs).
// A family with a counterpart maps the field itself before this (anthropic/convert-options.ts).
// OpenAI: https://platform.openai.com/docs/api-reference/chat/create
// Gemini: https://ai.google.dev/api/generate-content#request-body
import { create, type JsonObject, type JsonValue } from '@bufbuild/protobuf';
import { WarningSchema, type Warning } from '../../../gen/llmgateway/v1/chat_pb.js';
import { invalidArgument, type GatewayError } from '../../domain/gateway-error.js';
import { unsupportedParameterNotice } from './warnings.js';

export type ForeignVendor = 'OpenAI' | 'Gemini';

interface ForeignField {
  vendor: ForeignVendor;
  /** The vendor's default: asks for nothing, so leaving it out changes nothing. */
  isDefault?(value: JsonValue, options: JsonObject): boolean;
  /** What the client asked for that no other family can give, or undefined when the field can be left out. */
  refusal?(value: JsonValue): string | undefined;
  /** Several vendors have the field (service_tier: OpenAI and Anthropic), so warnings name none of them. */
  shared?: true;
}

const isEmpty = (value: JsonValue) => (Array.isArray(value) ? value.length === 0 : typeof value === 'object' && value !== null && Object.keys(value).length === 0);
const asksForAudio = (value: JsonValue) => (Array.isArray(value) && value.includes('audio') ? 'cannot answer with audio' : undefined);

/** OpenAI Chat Completions fields the canonical model does not name (it names n, user, metadata, seed, logprobs, …). */
const OPENAI_FIELDS: Record<string, Omit<ForeignField, 'vendor'>> = {
  store: { isDefault: (value) => value === false },
  logit_bias: { isDefault: isEmpty },
  safety_identifier: {},
  prompt_cache_key: {},
  prompt_cache_retention: {},
  verbosity: { isDefault: (value) => value === 'medium' },
  service_tier: { isDefault: (value) => value === 'auto' || value === 'default', shared: true },
  prediction: {},
  modalities: { isDefault: (value) => Array.isArray(value) && value.every((entry) => entry === 'text'), refusal: asksForAudio },
  audio: { refusal: () => 'cannot answer with audio' },
};

/** Gemini generateContent fields outside the canonical model, in both spellings Google accepts. */
const GEMINI_FIELDS: Record<string, Omit<ForeignField, 'vendor'>> = {
  safetySettings: { isDefault: isEmpty },
  safety_settings: { isDefault: isEmpty },
  cachedContent: { refusal: () => 'cannot read a prompt cached at Google (cachedContent)' },
  cached_content: { refusal: () => 'cannot read a prompt cached at Google (cached_content)' },
};

const TABLES: Record<ForeignVendor, Record<string, Omit<ForeignField, 'vendor'>>> = { OpenAI: OPENAI_FIELDS, Gemini: GEMINI_FIELDS };

/** The fields a family leaves out: those of the vendors it is not, except the ones it maps itself. */
export interface ForeignFields {
  /** The serving family, as its warnings name it. */
  label: string;
  fields: ReadonlyMap<string, ForeignField>;
}

export function foreignFields(label: string, vendors: readonly ForeignVendor[], mappedByFamily: readonly string[] = []): ForeignFields {
  const fields = new Map<string, ForeignField>();
  for (const vendor of vendors) {
    for (const [name, field] of Object.entries(TABLES[vendor])) if (!mappedByFamily.includes(name)) fields.set(name, { vendor, ...field });
  }
  return { label, fields };
}

/** The first foreign field whose value asks for an answer this family cannot give. */
export function foreignOptionRefusal(options: JsonObject | undefined, foreign: ForeignFields): GatewayError | undefined {
  if (options === undefined) return undefined;
  for (const name in options) {
    const reason = foreign.fields.get(name)?.refusal?.(options[name]!);
    if (reason !== undefined) {
      return invalidArgument(`provider_options.${name}`, `${foreign.label} ${reason}; leave ${name} out, or use a model on a provider that can`);
    }
  }
  return undefined;
}

/** The options without the foreign fields, and a warning for each one left out. Throws a refusal. */
export function withoutForeignOptions(options: JsonObject | undefined, foreign: ForeignFields): { options: JsonObject | undefined; warnings: Warning[] } {
  if (options === undefined) return { options, warnings: [] };
  const refusal = foreignOptionRefusal(options, foreign);
  if (refusal) throw refusal;
  let kept: JsonObject | undefined;
  const warnings: Warning[] = [];
  for (const name in options) {
    const field = foreign.fields.get(name);
    if (field === undefined) {
      (kept ??= {})[name] = options[name]!;
      continue;
    }
    warnings.push(leftOut(name, options[name]!, field, options, foreign.label));
  }
  return { options: kept, warnings };
}

function leftOut(name: string, value: JsonValue, field: ForeignField, options: JsonObject, label: string): Warning {
  const param = `provider_options.${name}`;
  if (field.isDefault?.(value, options)) {
    return create(WarningSchema, {
      code: 'ignored_provider_option',
      param,
      message: `${name}: ${JSON.stringify(value)} is ${field.shared ? 'the' : `${field.vendor}'s`} default and means nothing to ${label}; it was not sent`,
    });
  }
  return unsupportedParameterNotice(param, `${label} does not support ${field.shared ? '' : `${field.vendor}'s `}${name}; it was not sent`);
}
