// `x-gateway-*` headers on the Anthropic surface: params named as the
// Anthropic client sent them.
import type { Warning } from '../../../gen/llmgateway/v1/chat_pb.js';
import { warningEntries, warningsHeaderFrom } from '../gateway-headers.js';
import { toAnthropicParam } from './param-names.js';

export { routeHeaders } from '../gateway-headers.js';

/** Warnings from the core (canonical params, renamed) and from the shim itself (already Anthropic names). */
export function warningsHeader(coreWarnings: readonly Warning[], shimWarnings: readonly Warning[], systemOffset: number): Record<string, string> {
  return warningsHeaderFrom([
    ...warningEntries(shimWarnings, (param) => param),
    ...warningEntries(coreWarnings, (param) => toAnthropicParam(param, systemOffset)),
  ]);
}
