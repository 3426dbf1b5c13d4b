// A worker's RateLimiter: asks the primary (see rate-limit-host.ts), one IPC
// round trip per acquire, only for keys that have limits: keys without limits
// never leave the worker. settle/release are sent without waiting, as the
// RateLimiter contract allows for a shared store; a ticket's state() stays
// the one the acquire returned.
import { GatewayError } from '../domain/gateway-error.js';
import { RateLimitError } from '../core/limits/limit-errors.js';
import { UNLIMITED_STATE, UNLIMITED_TICKET, hasRateLimits, type LimitSubject, type LimitTicket, type RateLimitState, type RateLimiter } from '../core/limits/rate-limiter.js';
import type { LimitRefusal, PrimaryMessage, WorkerMessage } from './messages.js';

export interface PrimaryChannel {
  send(message: WorkerMessage): boolean;
  /** Subscribes to the primary's messages. */
  onMessage(listener: (message: PrimaryMessage) => void): void;
}

interface PendingCall {
  resolve(answer: { ticket: number; state: RateLimitState }): void;
  reject(error: Error): void;
}

const primaryGone = () => new GatewayError('unavailable', 'the gateway is restarting: rate limits cannot be checked; retry');

export function createWorkerRateLimiter(channel: PrimaryChannel): RateLimiter & { failPending(): void } {
  let nextCall = 1;
  const pending = new Map<number, PendingCall>();

  channel.onMessage((message) => {
    if (message.type !== 'gateway:limit-answer' && message.type !== 'gateway:limit-refused') return;
    const call = pending.get(message.call);
    if (!call) return;
    pending.delete(message.call);
    if (message.type === 'gateway:limit-answer') call.resolve({ ticket: message.ticket, state: message.state });
    else call.reject(refusalError(message.refusal));
  });

  const ask = (message: (call: number) => WorkerMessage) =>
    new Promise<{ ticket: number; state: RateLimitState }>((resolve, reject) => {
      const call = nextCall++;
      pending.set(call, { resolve, reject });
      if (!channel.send(message(call))) {
        pending.delete(call);
        reject(primaryGone());
      }
    });

  const ticketOf = (id: number, state: RateLimitState): LimitTicket => {
    let done = false;
    const finish = (tokens: number | undefined, settled: boolean) => {
      if (done) return;
      done = true;
      channel.send({ type: 'gateway:limit-finish', ticket: id, tokens, settled });
    };
    return { settle: (tokens) => finish(tokens, true), release: (tokens) => finish(tokens, false), state: () => state };
  };

  return {
    async acquire(key, estimatedTokens) {
      if (!hasRateLimits(key)) return UNLIMITED_TICKET;
      const answer = await ask((call) => ({ type: 'gateway:limit-acquire', call, key: limitedKey(key), estimatedTokens }));
      return ticketOf(answer.ticket, answer.state);
    },
    async peek(key) {
      if (!hasRateLimits(key)) return UNLIMITED_STATE;
      return (await ask((call) => ({ type: 'gateway:limit-peek', call, key: limitedKey(key) }))).state;
    },
    /** The primary is gone: nothing pending will be answered. */
    failPending() {
      for (const call of pending.values()) call.reject(primaryGone());
      pending.clear();
    },
  };
}

const limitedKey = (key: LimitSubject) => ({ id: key.id, rateLimits: key.rateLimits });

const refusalError = (refusal: LimitRefusal) => new RateLimitError(refusal.limit, refusal.message, refusal.state, refusal.retryAfterSeconds);
