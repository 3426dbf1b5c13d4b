// provider_options.service_tier on an OpenAI-format family. Anthropic has a field of the same name with other
// values ("auto" | "standard_only"; an Anthropic-surface client sends it), which OpenAI refuses with a 400:
// OpenAI takes auto, default, flex, scale and priority
// (https://platform.openai.com/docs/api-reference/chat/create#chat-create-service_tier). Anthropic's
// "standard_only" (standard capacity only) is OpenAI's "default"; any other value is left out with a warning.
// The reverse mapping is in ../anthropic/convert-options.ts.
import type { JsonValue } from '@bufbuild/protobuf';
import type { Warning } from '../../../gen/llmgateway/v1/chat_pb.js';
import { parameterAdjusted, unsupportedParameterNotice } from '../shared/warnings.js';

const OPENAI_TIERS = ['auto', 'default', 'flex', 'scale', 'priority'];
const FROM_ANTHROPIC: Readonly<Record<string, string>> = { standard_only: 'default' };
const PARAM = 'provider_options.service_tier';

/** Rewrites or removes `fields.service_tier` so that an OpenAI-format API accepts it. */
export function convertServiceTier(fields: Record<string, JsonValue>, label: string, warnings: Warning[]): void {
  if (!('service_tier' in fields)) return;
  const tier = fields['service_tier'];
  if (typeof tier === 'string' && OPENAI_TIERS.includes(tier)) return;
  const mapped = typeof tier === 'string' ? FROM_ANTHROPIC[tier] : undefined;
  if (mapped !== undefined) {
    fields['service_tier'] = mapped;
    warnings.push(parameterAdjusted(PARAM, `${JSON.stringify(tier)} was sent to ${label} as "${mapped}"`));
    return;
  }
  delete fields['service_tier'];
  warnings.push(unsupportedParameterNotice(PARAM, `${label} has no service tier ${JSON.stringify(tier)} (only ${OPENAI_TIERS.join(', ')}); it was not sent`));
}
