// One upstream stream shared by every identical concurrent request (a tee).
//
// - Pull-driven: the upstream is read only when some consumer wants a chunk
//   beyond what is buffered, one read at a time; slower consumers read the
//   buffer. Nothing is read before a consumer asks.
// - Every consumer sees the whole stream from its first chunk, whenever it
//   joined, then the end or the upstream's error.
// - The upstream runs under the flight's own signal, aborted only when every
//   consumer has left (finished reading, `return()`ed, or its signal fired).
// - Each consumer gets its own copy of each chunk. Exactly one consumer is
//   charged (gets route and usage chunks unmarked): the earliest-joined consumer
//   still present; once it has been handed the usage chunk the payer is fixed.
//   So the opener pays, and if it leaves before the usage arrives, the next
//   consumer inherits the bill — a follower never gets a free upstream call by
//   having its leader cancel.
import { clone } from '@bufbuild/protobuf';
import { StreamChunkSchema, type StreamChunk } from '../../../gen/llmgateway/v1/chat_pb.js';
import { GatewayError } from '../../domain/gateway-error.js';
import { markChunkAsHit } from './cache-marks.js';

export type StreamOpener = (signal: AbortSignal) => AsyncIterable<StreamChunk>;

interface Consumer {
  present: boolean;
  detach(): void;
}

export interface StreamFlightHooks {
  /** The upstream ended normally; `chunks` is the complete stream (do not mutate). */
  completed(chunks: readonly StreamChunk[]): void;
  /** The flight can take no new consumers (completed, failed or abandoned). */
  closed(): void;
}

export class StreamFlight {
  private readonly buffer: StreamChunk[] = [];
  private state: 'open' | 'done' | 'failed' | 'abandoned' = 'open';
  private error: unknown;
  private iterator: AsyncIterator<StreamChunk> | undefined;
  private pulling: Promise<void> | undefined;
  private readonly controller = new AbortController();
  /** Present consumers in join order. */
  private readonly consumers: Consumer[] = [];
  /** Fixed once a consumer has been handed a usage chunk unmarked. */
  private payer: Consumer | undefined;

  constructor(
    private readonly open: StreamOpener,
    private readonly hooks: StreamFlightHooks,
  ) {}

  /** Whether a new identical request may still join. */
  get joinable(): boolean {
    return this.state === 'open';
  }

  /**
   * Registers a consumer now (so it counts as waiting even before it iterates) and returns its
   * chunks. The consumer leaves when it finishes, when its iterator is returned, or when `signal`
   * aborts — whichever comes first.
   */
  join(signal: AbortSignal | undefined): AsyncIterable<StreamChunk> {
    const onAbort = () => this.leave(consumer);
    const consumer: Consumer = {
      present: true,
      detach: () => signal?.removeEventListener('abort', onAbort),
    };
    this.consumers.push(consumer);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) this.leave(consumer);
    return this.consume(consumer, signal);
  }

  private async *consume(consumer: Consumer, signal: AbortSignal | undefined): AsyncGenerator<StreamChunk, void, undefined> {
    try {
      let index = 0;
      for (;;) {
        if (!consumer.present) throw canceled(signal);
        const buffered = this.buffer[index];
        if (buffered) {
          index += 1;
          yield this.deliver(consumer, buffered);
          continue;
        }
        if (this.state === 'done') return;
        if (this.state === 'failed') throw this.error;
        await this.pullFor(consumer, signal);
      }
    } finally {
      this.leave(consumer);
    }
  }

  /** A copy of `chunk` for `consumer`, marked as a hit unless this consumer is the one charged. */
  private deliver(consumer: Consumer, chunk: StreamChunk): StreamChunk {
    const copy = clone(StreamChunkSchema, chunk);
    const charged = this.payer ? this.payer === consumer : this.consumers[0] === consumer;
    if (charged && copy.event.case === 'usage') this.payer = consumer;
    return charged ? copy : markChunkAsHit(copy);
  }

  /** Waits for the next upstream read (shared with other consumers), or until this consumer leaves. */
  private pullFor(consumer: Consumer, signal: AbortSignal | undefined): Promise<void> {
    const read = this.pull();
    if (!signal) return read;
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(canceled(signal));
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      read.then(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
    }).then(() => {
      if (!consumer.present) throw canceled(signal);
    });
  }

  /** One upstream read; never rejects (the outcome lands in `state`). */
  private pull(): Promise<void> {
    this.pulling ??= this.read().finally(() => {
      this.pulling = undefined;
    });
    return this.pulling;
  }

  private async read(): Promise<void> {
    try {
      this.iterator ??= this.open(this.controller.signal)[Symbol.asyncIterator]();
      const result = await this.iterator.next();
      if (this.state !== 'open') return;
      if (result.done) {
        this.state = 'done';
        this.hooks.closed();
        this.hooks.completed(this.buffer);
      } else {
        this.buffer.push(result.value);
      }
    } catch (error) {
      if (this.state !== 'open') return;
      this.state = 'failed';
      this.error = error;
      this.hooks.closed();
    }
  }

  private leave(consumer: Consumer): void {
    if (!consumer.present) return;
    consumer.present = false;
    consumer.detach();
    const at = this.consumers.indexOf(consumer);
    if (at >= 0) this.consumers.splice(at, 1);
    if (this.consumers.length === 0 && this.state === 'open') this.abandon();
  }

  /** Everyone left before the end: stop the upstream, store nothing. */
  private abandon(): void {
    this.state = 'abandoned';
    this.hooks.closed();
    this.controller.abort(new GatewayError('canceled', 'every request sharing this upstream stream left'));
    const iterator = this.iterator;
    if (!iterator?.return) return;
    const stop = () => {
      Promise.resolve()
        .then(() => iterator.return?.())
        .catch(() => {});
    };
    // An async generator queues return() behind a pending next(); say it once that read is over.
    if (this.pulling) void this.pulling.then(stop);
    else stop();
  }
}

/** Why a waiter left: its caller canceled, or its caller's deadline passed (kept as deadline_exceeded). */
export function canceled(signal: AbortSignal | undefined): GatewayError {
  const reason: unknown = signal?.reason;
  if (reason instanceof GatewayError && (reason.kind === 'canceled' || reason.kind === 'deadline_exceeded')) return reason;
  return new GatewayError('canceled', 'the request was canceled by the caller', reason === undefined ? {} : { cause: reason });
}
