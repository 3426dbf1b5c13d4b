// The primary's side of the shared rate limits: one in-memory limiter for all
// workers. Every acquire is checked and taken synchronously here, so limits
// are exact across workers as they are in one process. Tickets are tracked per
// worker: a worker that dies gives its concurrency slots back.
import { RateLimitError } from '../core/limits/limit-errors.js';
import { createInMemoryRateLimiter, type InMemoryRateLimiter } from '../core/limits/in-memory-rate-limiter.js';
import type { LimitTicket } from '../core/limits/rate-limiter.js';
import type { PrimaryMessage, WorkerMessage } from './messages.js';

export interface RateLimitHost {
  /** Handles one limit message from `workerId`; answers through `reply`. Other messages are ignored. */
  handle(workerId: number, message: WorkerMessage, reply: (answer: PrimaryMessage) => void): void;
  /** The worker is gone: its open tickets are released (the estimate counts, the slot frees). */
  workerGone(workerId: number): void;
  /** Tickets not yet settled or released (all workers). */
  openTickets(): number;
}

export function createRateLimitHost(limiter: InMemoryRateLimiter = createInMemoryRateLimiter()): RateLimitHost {
  let nextTicket = 1;
  const tickets = new Map<number, { workerId: number; ticket: LimitTicket }>();

  return {
    handle(workerId, message, reply) {
      switch (message.type) {
        case 'gateway:limit-acquire': {
          // The limiter reads only id and rateLimits.
          const key = message.key;
          try {
            const ticket = limiter.acquireSync(key, message.estimatedTokens);
            const id = nextTicket++;
            tickets.set(id, { workerId, ticket });
            reply({ type: 'gateway:limit-answer', call: message.call, ticket: id, state: ticket.state() });
          } catch (error) {
            if (!(error instanceof RateLimitError)) throw error;
            reply({
              type: 'gateway:limit-refused',
              call: message.call,
              refusal: { limit: error.limit, message: error.message, state: error.state, retryAfterSeconds: error.retryAfterSeconds },
            });
          }
          return;
        }
        case 'gateway:limit-peek':
          reply({ type: 'gateway:limit-answer', call: message.call, ticket: 0, state: limiter.peekSync(message.key) });
          return;
        case 'gateway:limit-finish': {
          const open = tickets.get(message.ticket);
          if (!open || open.workerId !== workerId) return;
          tickets.delete(message.ticket);
          if (message.settled) open.ticket.settle(message.tokens ?? 0);
          else open.ticket.release(message.tokens);
          return;
        }
        default:
          return;
      }
    },
    workerGone(workerId) {
      for (const [id, open] of tickets) {
        if (open.workerId !== workerId) continue;
        tickets.delete(id);
        open.ticket.release();
      }
    },
    openTickets: () => tickets.size,
  };
}
