// Gemini 3 validates thought signatures on function calls (a step whose first
// functionCall part lacks one → 400 "Function call is missing a
// thought_signature"). Calls the model did not produce — history from another
// provider after a failover, or calls a client injected — have none. Google's
// documented escape is a placeholder signature on that part; it is set only
// where one is missing, and reported, never replacing a real signature.
import { defaultApplied } from '../shared/warnings.js';
import type { WarningCollector } from '../shared/warning-collector.js';
import type { GeminiContent } from './wire-types.js';

export const PLACEHOLDER_SIGNATURE = 'skip_thought_signature_validator';

export function fillMissingCallSignatures(contents: GeminiContent[], warnings: WarningCollector): void {
  for (const content of contents) {
    if (content.role !== 'model') continue;
    // Parallel calls: only the first functionCall part of a step carries the signature.
    const firstCall = content.parts?.find((part) => part.functionCall);
    if (!firstCall || firstCall.thoughtSignature) continue;
    firstCall.thoughtSignature = PLACEHOLDER_SIGNATURE;
    warnings.add(
      defaultApplied(
        'messages.content.tool_call.signature',
        'a function call without a Gemini thought signature was sent with the placeholder signature Gemini 3 accepts for calls it did not produce',
      ),
    );
  }
}
