// One upstream call shared by every identical concurrent unary request.
//
// - The compute runs under the flight's own signal, aborted only when every
//   waiter has left (its signal fired); a waiter that leaves is rejected at once
//   with a `canceled` error, the others keep waiting.
// - A failed compute rejects every waiter with the same error.
// - Exactly one waiter is charged: the earliest-joined one still waiting when
//   the answer arrives gets the computed response as is (`hit: false`); every
//   other waiter gets a copy marked as a hit (`hit: true`, cost 0). So a
//   follower cannot get a free answer by having its leader cancel.
import { clone } from '@bufbuild/protobuf';
import { ChatResponseSchema, type ChatResponse } from '../../../gen/llmgateway/v1/chat_pb.js';
import { GatewayError } from '../../domain/gateway-error.js';
import { markResponseAsHit } from './cache-marks.js';
import { canceled } from './stream-flight.js';

export type UnaryCompute = (signal: AbortSignal) => Promise<ChatResponse>;

export interface CachedResponse {
  response: ChatResponse;
  /** False only for the one request whose upstream call produced (and pays for) this answer. */
  hit: boolean;
}

interface Waiter {
  present: boolean;
  resolve(value: CachedResponse): void;
  reject(error: unknown): void;
  detach(): void;
}

export interface UnaryFlightHooks {
  /** The compute succeeded while someone still waited; store `response` (do not keep a reference). */
  completed(response: ChatResponse): void;
  /** The flight can take no new waiters (settled or abandoned). */
  closed(): void;
}

export class UnaryFlight {
  private readonly waiters: Waiter[] = [];
  private readonly controller = new AbortController();
  private state: 'open' | 'settled' | 'abandoned' = 'open';

  constructor(
    compute: UnaryCompute,
    private readonly hooks: UnaryFlightHooks,
  ) {
    // Started on a microtask so the first waiter is registered before the compute can settle.
    void Promise.resolve()
      .then(() => compute(this.controller.signal))
      .then(
        (response) => this.succeed(response),
        (error: unknown) => this.fail(error),
      );
  }

  get joinable(): boolean {
    return this.state === 'open';
  }

  join(signal: AbortSignal | undefined): Promise<CachedResponse> {
    return new Promise<CachedResponse>((resolve, reject) => {
      const onAbort = () => this.leave(waiter, signal);
      const waiter: Waiter = {
        present: true,
        resolve,
        reject,
        detach: () => signal?.removeEventListener('abort', onAbort),
      };
      this.waiters.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (signal?.aborted) onAbort();
    });
  }

  private leave(waiter: Waiter, signal: AbortSignal | undefined): void {
    if (!waiter.present) return;
    waiter.present = false;
    waiter.detach();
    waiter.reject(canceled(signal));
    if (this.state === 'open' && !this.waiters.some((other) => other.present)) {
      this.state = 'abandoned';
      this.hooks.closed();
      this.controller.abort(new GatewayError('canceled', 'every request sharing this upstream call left'));
    }
  }

  private present(): Waiter[] {
    const present = this.waiters.filter((waiter) => waiter.present);
    for (const waiter of present) {
      waiter.present = false;
      waiter.detach();
    }
    return present;
  }

  private succeed(response: ChatResponse): void {
    if (this.state !== 'open') return;
    this.state = 'settled';
    this.hooks.closed();
    this.hooks.completed(response);
    const [payer, ...others] = this.present();
    for (const waiter of others) waiter.resolve({ response: markResponseAsHit(clone(ChatResponseSchema, response)), hit: true });
    payer?.resolve({ response, hit: false });
  }

  private fail(error: unknown): void {
    if (this.state !== 'open') return;
    this.state = 'settled';
    this.hooks.closed();
    for (const waiter of this.present()) waiter.reject(error);
  }
}
