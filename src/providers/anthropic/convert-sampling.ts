// temperature / top_p / top_k → the Messages body, or a warning each. API
// version 2026-10-21 refuses all three with 400 ("Extra inputs are not
// permitted") even at their defaults, and most OpenAI-SDK clients send a
// temperature, so under that version they are left out and reported; under an
// older pinned version they go as they are (api-version.ts).
import type { ChatRequest, Warning } from '../../../gen/llmgateway/v1/chat_pb.js';
import { unsupportedParameter } from '../shared/warnings.js';
import { refusesSampling } from './api-version.js';
import { ANTHROPIC_LABEL } from './family.js';

export interface ConvertedSampling {
  fields: { temperature?: number; top_p?: number; top_k?: number };
  warnings: Warning[];
}

export function convertSampling(request: ChatRequest, apiVersion: string): ConvertedSampling {
  const set: Array<[keyof ConvertedSampling['fields'], number | undefined]> = [
    ['temperature', request.temperature],
    ['top_p', request.topP],
    ['top_k', request.topK],
  ];
  const fields: ConvertedSampling['fields'] = {};
  const warnings: Warning[] = [];
  for (const [name, value] of set) {
    if (value === undefined) continue;
    if (!refusesSampling(apiVersion)) {
      fields[name] = value;
      continue;
    }
    const detail =
      `API version ${apiVersion} refuses it (pin an older anthropic-version, e.g. 2023-06-01, ` +
      "in the provider's extra_headers to send it)";
    warnings.push(unsupportedParameter(name, ANTHROPIC_LABEL, detail));
  }
  return { fields, warnings };
}
