// Once a stream's first chunk has arrived, neither the attempt timeout nor the
// route's total deadline applies (a long generation may take as long as it
// needs), but an upstream that then goes silent must not hold the request —
// its in-flight slot, budget reservation and upstream socket — for ever. Each
// wait for the next chunk is bounded by GATEWAY_STREAM_IDLE_TIMEOUT_MS, for
// every provider family alike (the Gemini SDK's fetch has no socket timeout
// of its own: providers/gemini/gemini-client.ts). Only time spent waiting on
// the upstream counts, not the time the consumer takes to read. One timer per
// stream, re-armed when it fires, not per chunk.
import { startTimer, type Sleep } from './abort-utils.js';
import { upstreamConditionError, type AttemptRun } from './attempt-run.js';

/** The default of GATEWAY_STREAM_IDLE_TIMEOUT_MS: as long as the OpenAI and Anthropic SDKs' fetch waits on a silent socket (upstream-fetch.ts). */
export const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 300_000;

export class StreamIdleWatch {
  private waitingSince: number | undefined = undefined;
  private stopTimer: (() => void) | undefined = undefined;

  constructor(
    private readonly attempt: AttemptRun,
    private readonly idleMs: number,
    private readonly clock: { now: () => number; sleep: Sleep },
  ) {}

  /** Before each wait for the upstream's next chunk. */
  waiting(): void {
    this.waitingSince = this.clock.now();
    if (!this.stopTimer) this.arm(this.idleMs);
  }

  /** The chunk came (or the wait failed): the consumer's time does not count. */
  answered(): void {
    this.waitingSince = undefined;
  }

  stop(): void {
    this.stopTimer?.();
    this.stopTimer = undefined;
    this.waitingSince = undefined;
  }

  private arm(ms: number): void {
    this.stopTimer = startTimer(this.clock.sleep, ms, () => this.fire());
  }

  private fire(): void {
    this.stopTimer = undefined;
    if (this.waitingSince === undefined) return;
    const waited = this.clock.now() - this.waitingSince;
    if (waited < this.idleMs) return this.arm(this.idleMs - waited);
    const provider = this.attempt.target.provider.record.id;
    // Aborts the attempt's signal (the upstream call and its socket end) and its latch (the dispatcher's wait).
    this.attempt.abort(upstreamConditionError({ type: 'timeout' }, `provider ${provider} sent nothing for ${this.idleMs} ms after its stream began`, provider));
  }
}
