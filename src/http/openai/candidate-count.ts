// `n > 1`: passed to the core as candidate_count. Families that cannot return
// several choices report it as a warning on `candidate_count`; for an OpenAI
// client that is a clear 400 on `n`, not a silent single answer.
import type { Warning } from '../../../gen/llmgateway/v1/chat_pb.js';
import { toOpenAIParam } from './param-names.js';
import { InvalidRequestError } from './request-error.js';

export function assertCandidatesHonoured(n: number, warnings: readonly Warning[]): void {
  if (n <= 1) return;
  const warning = warnings.find((entry) => entry.param !== '' && toOpenAIParam(entry.param) === 'n');
  if (warning) {
    throw new InvalidRequestError(
      'n',
      `Invalid value for 'n': the provider serving this model cannot return several choices (${warning.message}). Send n=1, or use an OpenAI-family model.`,
      'unsupported_value',
    );
  }
}
