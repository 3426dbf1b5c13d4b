// The x-gateway-attempts value, shared by the REST shims' headers (an answer, or a failure after
// upstream attempts) and the RPC's error metadata: `provider/model=outcome status duration`, one
// entry per attempt, e.g. `p1/model-a=unavailable 503 12ms, p2/model-b=ok 200 340ms`.
import { durationMs } from '@bufbuild/protobuf/wkt';
import type { Attempt } from '../../gen/llmgateway/v1/chat_pb.js';
import { shownStatus } from '../core/request-log/attempt-trail.js';

export function attemptsHeader(attempts: readonly Attempt[]): string {
  let text = '';
  for (const attempt of attempts) {
    const milliseconds = attempt.duration ? Math.round(durationMs(attempt.duration)) : 0;
    const status = shownStatus(attempt);
    text += `${text === '' ? '' : ', '}${attempt.providerId}/${attempt.upstreamModel}=${attempt.outcome} ${status} ${milliseconds}ms`;
  }
  return headerSafe(text);
}

/** Header values must be visible ASCII; anything else is percent-encoded. */
export function headerSafe(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : encodeURIComponent(value);
}
