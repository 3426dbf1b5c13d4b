// A stream attempt's opening: read until the first chunk that says something of the answer (the
// dispatcher fails a stream over only until then), and close an upstream iterator without waiting on it.
import type { StreamChunk } from '../../../gen/llmgateway/v1/chat_pb.js';
import { raceAbort } from './abort-utils.js';
import { upstreamConditionError, type AttemptRun } from './attempt-run.js';
import type { TraceSpan } from '../../domain/trace-span.js';
import type { PlannedTarget } from './route-plan.js';

/** Opens one attempt's upstream stream (the dispatcher's AttemptCall for streams). */
export type OpenStream = (target: PlannedTarget, signal: AbortSignal, span: TraceSpan | undefined) => AsyncIterable<StreamChunk>;

/** `head`: the leading notes (warnings, input usage) and the first other chunk, released together. */
export type OpenedStream = { iterator: AsyncIterator<StreamChunk>; head: StreamChunk[] };

/** Say nothing of the answer: an attempt that sent only these can still fail over (an Anthropic message_start, then overloaded). */
const LEADING_NOTES: ReadonlySet<StreamChunk['event']['case']> = new Set(['warning', 'inputUsage']);

/** Opens the stream and reads until the first chunk that is not a leading note; closes it on failure. */
export async function openUntilFirstChunk(attempt: AttemptRun, open: OpenStream): Promise<OpenedStream> {
  let iterator: AsyncIterator<StreamChunk> | undefined;
  try {
    iterator = open(attempt.target, attempt.signal, attempt.span)[Symbol.asyncIterator]();
    const head: StreamChunk[] = [];
    for (;;) {
      const next = await raceAbort(iterator.next(), attempt.latch);
      if (next.done) {
        const provider = attempt.target.provider.record.id;
        throw upstreamConditionError({ type: 'truncated_stream' }, `provider ${provider} ended the stream without sending anything`, provider);
      }
      head.push(next.value);
      if (!LEADING_NOTES.has(next.value.event.case)) {
        attempt.markFirstChunk();
        return { iterator, head };
      }
    }
  } catch (error) {
    if (iterator) closeQuietly(iterator);
    throw error;
  }
}

/** Ends an upstream iterator without waiting on it (a hung upstream must not hold us). */
export function closeQuietly(iterator: AsyncIterator<StreamChunk>): void {
  try {
    void Promise.resolve(iterator.return?.()).catch(() => {});
  } catch {
    // A throwing return() changes nothing: the attempt's signal is already aborted.
  }
}
