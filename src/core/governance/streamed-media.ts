// A streamed media answer (speech audio, a transcription's or speech's
// server-sent events) leaves the pipeline while its upstream still sends it:
// the edge gets it once the upstream has answered, and the call's steps end
// when its parts do — read to the end (ok, with the usage the last part
// reported), failed mid-stream, or left unread by the edge (the client went
// away: canceled). Until then the call counts as in flight.
import { GatewayError } from '../../domain/gateway-error.js';
import { isStreamedBody, type MediaResponse, type MediaStreamPart } from '../../domain/media.js';
import type { CallOutcome } from './governance-step.js';

/** Ends the call: no error = answered in full; returns the error to throw to the edge. */
export type EndCall = (error: unknown) => unknown;

/** True when the response is streamed: its parts now end the call (through `end`), not the caller. */
export function handOverStream(response: unknown, outcome: CallOutcome, now: () => number, end: EndCall): boolean {
  const media = response as Partial<MediaResponse>;
  if (!media.body || !isStreamedBody(media.body)) return false;
  media.body = { ...media.body, parts: partsEndingCall(media.body.parts, outcome, now, end) };
  return true;
}

async function* partsEndingCall(parts: AsyncIterable<MediaStreamPart>, outcome: CallOutcome, now: () => number, end: EndCall): AsyncGenerator<MediaStreamPart> {
  let ended = false;
  try {
    for await (const part of parts) {
      if (outcome.firstOutputAt === null) outcome.firstOutputAt = now();
      yield part;
    }
    ended = true;
    end(undefined);
  } catch (error) {
    ended = true;
    throw end(error);
  } finally {
    // Still running: the edge stopped reading (its client left); the upstream read is closed with the parts.
    if (!ended) end(new GatewayError('canceled', 'the client stopped reading the stream'));
  }
}
