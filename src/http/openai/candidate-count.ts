// `n > 1`: passed to the core as candidate_count. A family that cannot return
// several choices says so before any call (ProviderAdapter.refusal), and the
// core refuses the request or passes over that target. This is the backstop
// for a family that only warns on `candidate_count` after answering: for an
// OpenAI client that is still a clear 400 on `n`, not a silent single answer.
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
