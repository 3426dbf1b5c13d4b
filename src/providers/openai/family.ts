// What differs between the three members of the family. Everything else —
// the wire format, the mappers — is shared.
import type { MediaOperation } from '../../domain/media.js';
import type { CompatibleHost } from './compatible-host.js';
import type { OpenAIFamily, ReasoningField } from './wire-types.js';

export interface FamilyTraits {
  family: OpenAIFamily;
  /** Used in warnings and error messages. */
  label: string;
  /**
   * o-series and gpt-5 reject `max_tokens` (it must be `max_completion_tokens`);
   * most compatible hosts only know `max_tokens`. Never both
   * (docs/provider-wire-formats.md, Pitfall 12).
   */
  maxTokensField: 'max_tokens' | 'max_completion_tokens';
  /** OpenAI and Azure know the developer role; compatible hosts often reject it. */
  developerRole: boolean;
  /** Which compatible host (compatible-host.ts); undefined for OpenAI and Azure. */
  compatibleHost: CompatibleHost | undefined;
  /**
   * Where earlier reasoning goes back: nowhere on OpenAI and Azure (Chat Completions cannot take it),
   * `reasoning_content` on DeepSeek, `reasoning` on Groq (it refuses any other field), and both elsewhere:
   * vLLM, Ollama and OpenRouter read `reasoning`, llama.cpp and LM Studio `reasoning_content`, and each
   * ignores the one it does not know (docs/provider-wire-formats.md, "OpenAI-compatible hosts").
   */
  reasoningFields: readonly ReasoningField[];
  /** Compatible hosts get content that is only text as one string: DeepSeek refuses an array of parts. */
  textAsString: boolean;
  /** The official API never returns reasoning text in Chat Completions. */
  returnsReasoningText: boolean;
  /** DeepSeek knows reasoning_effort "max"; OpenAI's top value is "xhigh". */
  acceptsMaxEffort: boolean;
  /** OpenAI and Azure take an earlier refusal back as the assistant's `refusal`; other hosts get it as text. */
  sendsRefusal: boolean;
  /**
   * OpenAI and Azure read PDFs sent as `file` parts (file_data); compatible hosts (DeepSeek …) take no files
   * in Chat Completions, so a PDF is refused before the call there (convert-document.ts).
   */
  readsPdfFiles: boolean;
  /** OpenAI's media endpoints the host does not have: Azure OpenAI has no moderations API (its content filters do that job). */
  lacksMedia: readonly MediaOperation[];
  /**
   * DeepSeek turns reasoning on and off with `thinking: {type: "enabled" | "disabled"}`; "none" is not one of
   * its `reasoning_effort` values (https://api-docs.deepseek.com/guides/thinking_mode).
   */
  thinkingSwitch: boolean;
  /** `response_format: json_schema` is taken; DeepSeek takes only json_object (convert-response-format.ts). */
  jsonSchemaFormat: boolean;
  /** OpenAI and Azure take up to 4 stop sequences (../shared/stop-sequence-limit.ts); hosts differ (vLLM: no limit). */
  maxStopSequences: number | undefined;
}

const REASONING_FIELDS: Record<CompatibleHost, readonly ReasoningField[]> = {
  deepseek: ['reasoning_content'],
  groq: ['reasoning'],
  other: ['reasoning_content', 'reasoning'],
};

/**
 * The family's traits; `host`: the compatible host (compatible-host.ts), for the family `openai-compatible`.
 * DeepSeek's own dialect differs where its documentation does (docs/provider-wire-formats.md,
 * "OpenAI-compatible hosts"): its thinking switch, and JSON output without schemas.
 */
export function familyTraits(family: OpenAIFamily, host: CompatibleHost = 'other'): FamilyTraits {
  const traits = baseTraits(family, host);
  if (family !== 'openai-compatible' || host !== 'deepseek') return traits;
  return { ...traits, label: 'DeepSeek', thinkingSwitch: true, jsonSchemaFormat: false };
}

function baseTraits(family: OpenAIFamily, host: CompatibleHost): FamilyTraits {
  switch (family) {
    case 'openai':
      return {
        family,
        label: 'OpenAI',
        maxTokensField: 'max_completion_tokens',
        developerRole: true,
        compatibleHost: undefined,
        reasoningFields: [],
        textAsString: false,
        returnsReasoningText: false,
        acceptsMaxEffort: false,
        sendsRefusal: true,
        readsPdfFiles: true,
        lacksMedia: [],
        thinkingSwitch: false,
        jsonSchemaFormat: true,
        maxStopSequences: 4,
      };
    case 'azure-openai':
      return {
        family,
        label: 'Azure OpenAI',
        maxTokensField: 'max_completion_tokens',
        developerRole: true,
        compatibleHost: undefined,
        reasoningFields: [],
        textAsString: false,
        returnsReasoningText: false,
        acceptsMaxEffort: false,
        sendsRefusal: true,
        readsPdfFiles: true,
        lacksMedia: ['moderations'],
        thinkingSwitch: false,
        jsonSchemaFormat: true,
        maxStopSequences: 4,
      };
    case 'openai-compatible':
      return {
        family,
        label: 'The OpenAI-compatible host',
        maxTokensField: 'max_tokens',
        developerRole: false,
        compatibleHost: host,
        reasoningFields: REASONING_FIELDS[host],
        textAsString: true,
        returnsReasoningText: true,
        acceptsMaxEffort: true,
        sendsRefusal: false,
        readsPdfFiles: false,
        lacksMedia: [],
        thinkingSwitch: false,
        jsonSchemaFormat: true,
        maxStopSequences: undefined,
      };
  }
}
