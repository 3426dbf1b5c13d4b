// What differs between the three members of the family. Everything else —
// the wire format, the mappers — is shared.
import type { MediaOperation } from '../../domain/media.js';
import type { OpenAIFamily } from './wire-types.js';

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
  /** Compatible hosts (DeepSeek) take earlier reasoning back as `reasoning_content`. */
  sendsReasoningContent: boolean;
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
  /** OpenAI and Azure take up to 4 stop sequences (../shared/stop-sequence-limit.ts); hosts differ (vLLM: no limit). */
  maxStopSequences: number | undefined;
}

export function familyTraits(family: OpenAIFamily): FamilyTraits {
  switch (family) {
    case 'openai':
      return {
        family,
        label: 'OpenAI',
        maxTokensField: 'max_completion_tokens',
        developerRole: true,
        sendsReasoningContent: false,
        returnsReasoningText: false,
        acceptsMaxEffort: false,
        sendsRefusal: true,
        readsPdfFiles: true,
        lacksMedia: [],
        maxStopSequences: 4,
      };
    case 'azure-openai':
      return {
        family,
        label: 'Azure OpenAI',
        maxTokensField: 'max_completion_tokens',
        developerRole: true,
        sendsReasoningContent: false,
        returnsReasoningText: false,
        acceptsMaxEffort: false,
        sendsRefusal: true,
        readsPdfFiles: true,
        lacksMedia: ['moderations'],
        maxStopSequences: 4,
      };
    case 'openai-compatible':
      return {
        family,
        label: 'The OpenAI-compatible host',
        maxTokensField: 'max_tokens',
        developerRole: false,
        sendsReasoningContent: true,
        returnsReasoningText: true,
        acceptsMaxEffort: true,
        sendsRefusal: false,
        readsPdfFiles: false,
        lacksMedia: [],
        maxStopSequences: undefined,
      };
  }
}
