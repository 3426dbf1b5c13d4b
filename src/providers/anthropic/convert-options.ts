// provider_options on Anthropic. OpenAI's and Gemini's own fields are left out or refused
// (../shared/foreign-options.ts), except two OpenAI fields that have an Anthropic counterpart:
// - safety_identifier → metadata.user_id: both are the opaque end-user id the vendor uses to detect abuse
//   (https://platform.openai.com/docs/guides/safety-best-practices#safety-identifiers,
//   https://platform.claude.com/docs/en/api/messages — metadata.user_id). It wins over `user`, which OpenAI
//   deprecated in its favour.
// - service_tier is Anthropic's own field too, "auto" | "standard_only"; OpenAI's "default" (standard
//   capacity) is "standard_only"; "flex", "scale" and "priority" have no counterpart and are left out.
import type { JsonObject, JsonValue } from '@bufbuild/protobuf';
import type { ChatRequest, Warning } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { GatewayError } from '../../domain/gateway-error.js';
import { foreignFields, foreignOptionRefusal } from '../shared/foreign-options.js';
import { passThroughOptions } from '../shared/provider-options.js';
import { parameterAdjusted, unsupportedParameterNotice } from '../shared/warnings.js';
import { ANTHROPIC_LABEL } from './family.js';

const MAPPED = ['safety_identifier', 'service_tier'];
const FOREIGN = foreignFields(ANTHROPIC_LABEL, ['OpenAI', 'Gemini'], MAPPED);
const SERVICE_TIERS: Readonly<Record<string, string>> = { auto: 'auto', standard_only: 'standard_only', default: 'standard_only' };

export interface ConvertedOptions {
  /** Body fields to merge over the gateway's own. */
  fields: Record<string, JsonValue>;
  /** metadata.user_id: safety_identifier, else `user`; '' for none. */
  userId: string;
  warnings: Warning[];
}

export function convertOptions(request: ChatRequest): ConvertedOptions {
  const options = request.providerOptions;
  const warnings: Warning[] = [];
  const safetyIdentifier = options?.['safety_identifier'];
  const userId = typeof safetyIdentifier === 'string' && safetyIdentifier !== '' ? safetyIdentifier : request.user;
  const rest = options === undefined || !MAPPED.some((name) => name in options) ? options : withoutMapped(options);
  const passThrough = passThroughOptions(rest, FOREIGN);
  warnings.push(...passThrough.warnings);
  const tier = options?.['service_tier'];
  if (tier !== undefined) {
    const mapped = typeof tier === 'string' ? SERVICE_TIERS[tier] : undefined;
    if (mapped === undefined) {
      warnings.push(unsupportedParameterNotice('provider_options.service_tier', `${ANTHROPIC_LABEL} has no service tier ${JSON.stringify(tier)} (only auto and standard_only); it was not sent`));
    } else {
      passThrough.fields['service_tier'] = mapped;
      if (mapped !== tier) warnings.push(parameterAdjusted('provider_options.service_tier', `${JSON.stringify(tier)} was sent to ${ANTHROPIC_LABEL} as "${mapped}"`));
    }
  }
  return { fields: passThrough.fields, userId, warnings };
}

/** Why Anthropic cannot serve the request at all (ProviderAdapter.refusal). */
export function optionsRefusal(request: ChatRequest): GatewayError | undefined {
  return foreignOptionRefusal(request.providerOptions, FOREIGN);
}

function withoutMapped(options: JsonObject): JsonObject {
  const rest: JsonObject = {};
  for (const name in options) if (!MAPPED.includes(name)) rest[name] = options[name]!;
  return rest;
}
