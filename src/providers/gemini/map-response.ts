// A unary GenerateContentResponse → canonical choices, usage and warnings.
// Consecutive thought parts form one ReasoningPart and consecutive text parts
// one TextPart, except that a signature closes its part (like a signed
// ReasoningDelta in streams), so every signature stays on its own part.
import { create } from '@bufbuild/protobuf';
import { ContentPartSchema, FinishReason, type Choice, type ContentPart, type PromptFeedback, type Usage, type Warning } from '../../../gen/llmgateway/v1/chat_pb.js';
import { assistantChoice } from '../shared/assistant-choice.js';
import { isJsonObject, requireAnswerObject, UpstreamFault } from '../shared/upstream-fault.js';
import { classifyPart, unsupportedOutput } from './classify-part.js';
import { WarningCollector } from '../shared/warning-collector.js';
import { GEMINI_PROVIDER_TYPE } from './family.js';
import type { GeminiCandidate, GeminiResponse } from './wire-types.js';
import { mapBlockReason, mapFinishReason } from './map-finish-reason.js';
import { mapUsage } from './map-usage.js';
import { mapLogprobs } from './map-logprobs.js';
import { mapPromptFeedback, mapSafetyRatings } from './map-safety.js';
import { createToolCallIds, type ToolCallIds } from '../shared/tool-call-ids.js';

export interface MappedResponse {
  choices: Choice[];
  usage: Usage | undefined;
  warnings: Warning[];
  /** The prompt's block, when the upstream blocked it. */
  promptFeedback: PromptFeedback | undefined;
}

export function mapResponse(answer: GeminiResponse | undefined, ids: ToolCallIds = createToolCallIds()): MappedResponse {
  const response = checkedResponse(answer);
  const warnings = new WarningCollector();
  const candidates = response.candidates ?? [];
  const choices = candidates.map((candidate, position) => mapCandidate(candidate, position, ids, warnings));
  const blockReason = response.promptFeedback?.blockReason;
  const promptFeedback = choices.length === 0 ? mapPromptFeedback(response.promptFeedback) : undefined;
  if (choices.length === 0 && blockReason) {
    // Blocked prompt: HTTP 200, no candidates, the reason in promptFeedback (kept, for the Gemini surface); the
    // empty content-filter choice is for surfaces that have no such field.
    choices.push(assistantChoice({ index: 0, content: [], finishReason: mapBlockReason(blockReason), rawFinishReason: blockReason }));
  }
  return { choices, usage: mapUsage(response.usageMetadata), warnings: warnings.warnings, promptFeedback };
}

/** An answer holds candidates, or says why there are none (a blocked prompt); anything else is not an answer. */
function checkedResponse(answer: unknown): GeminiResponse {
  const response = requireAnswerObject(answer) as GeminiResponse;
  const candidates: unknown = response.candidates;
  if (Array.isArray(candidates) && candidates.length > 0 && candidates.every(isJsonObject)) return response;
  if ((candidates === undefined || (Array.isArray(candidates) && candidates.length === 0)) && response.promptFeedback?.blockReason) return response;
  throw new UpstreamFault('malformed_body', 'no candidates');
}

function mapCandidate(candidate: GeminiCandidate, position: number, ids: ToolCallIds, warnings: WarningCollector): Choice {
  const content: ContentPart[] = [];
  let sawToolCall = false;
  // The part still open for appending (unsigned text or reasoning).
  let open: { kind: 'text' | 'reasoning'; part: { text: string; signature: string } } | undefined;
  for (const part of candidate.content?.parts ?? []) {
    const classified = classifyPart(part);
    switch (classified.kind) {
      case 'text':
      case 'reasoning': {
        if (open?.kind === classified.kind) {
          open.part.text += classified.text;
          open.part.signature = classified.signature;
        } else {
          const value =
            classified.kind === 'text'
              ? { text: classified.text, signature: classified.signature }
              : { text: classified.text, signature: classified.signature, providerType: GEMINI_PROVIDER_TYPE };
          const created = create(ContentPartSchema, { kind: { case: classified.kind, value } });
          content.push(created);
          open = { kind: classified.kind, part: created.kind.value as { text: string; signature: string } };
        }
        if (classified.signature !== '') open = undefined;
        break;
      }
      case 'toolCall':
        sawToolCall = true;
        open = undefined;
        content.push(
          create(ContentPartSchema, {
            kind: {
              case: 'toolCall',
              value: {
                id: ids(classified.upstreamId),
                name: classified.name,
                argumentsJson: classified.argumentsJson,
                signature: classified.signature,
              },
            },
          }),
        );
        break;
      case 'unsupported':
        warnings.add(unsupportedOutput(classified.field));
        break;
      case 'empty':
        break;
    }
  }
  const raw = candidate.finishReason ?? '';
  const choice = assistantChoice({
    index: candidate.index ?? position,
    content,
    finishReason: raw === '' ? FinishReason.UNSPECIFIED : mapFinishReason(raw, sawToolCall),
    rawFinishReason: raw,
  });
  choice.safetyRatings = mapSafetyRatings(candidate.safetyRatings);
  const logprobs = mapLogprobs(candidate.logprobsResult);
  if (logprobs) choice.logprobs = logprobs;
  return choice;
}
