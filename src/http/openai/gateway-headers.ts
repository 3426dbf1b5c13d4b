// `x-gateway-*` headers on the OpenAI surface: params named as OpenAI names them.
import type { Warning } from '../../../gen/llmgateway/v1/chat_pb.js';
import { warningEntries, warningsHeaderFrom, withoutImpliedReasoningNotice } from '../gateway-headers.js';
import { toOpenAIParam } from './param-names.js';

export { routeHeaders } from '../gateway-headers.js';

/** The OpenAI surface has no include-reasoning parameter: the gateway implies it with `reasoning_effort`. */
export function warningsHeader(warnings: readonly Warning[]): Record<string, string> {
  return warningsHeaderFrom(warningEntries(withoutImpliedReasoningNotice(warnings), toOpenAIParam));
}
