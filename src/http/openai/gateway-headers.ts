// `x-gateway-*` headers on the OpenAI surface: params named as OpenAI names them.
import type { Warning } from '../../../gen/llmgateway/v1/chat_pb.js';
import { warningEntries, warningsHeaderFrom } from '../gateway-headers.js';
import { toOpenAIParam } from './param-names.js';

export { routeHeaders } from '../gateway-headers.js';

export function warningsHeader(warnings: readonly Warning[]): Record<string, string> {
  return warningsHeaderFrom(warningEntries(warnings, toOpenAIParam));
}
