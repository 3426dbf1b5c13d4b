// The cap on requests in flight in this process (GATEWAY_MAX_IN_FLIGHT_REQUESTS). A request in
// flight holds an upstream call and its buffers, and a client that stops reading holds them for as
// long as it likes; without a cap enough of them grow memory until the process dies. Past the cap a
// new data-plane request is refused at once — before its key is checked or its body read — with a
// retryable "unavailable" (503 on the shims, gRPC UNAVAILABLE on CompletionService): the overload is
// this process's, not the caller's quota, so it is not the 429 / RESOURCE_EXHAUSTED a key's rate
// limit answers, and clients and balancers retry it elsewhere. Only the data plane (the REST shims,
// CompletionService) is counted and refused: health probes must see a saturated process as alive,
// and an operator must be able to act on one through the admin services. A request counts from
// admission until its response closes: finished, failed, or left by the client.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GatewayError } from '../domain/gateway-error.js';

/** What the refusal asks clients to wait: requests finish all the time, the cap frees up quickly. */
export const OVER_CAPACITY_RETRY_AFTER_SECONDS = 1;

export interface InFlightLog {
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
}

/** Where the request's end is observed: the raw response, whose 'close' comes once in every case. */
interface ClosingResponse {
  once(event: 'close', listener: () => void): unknown;
}

export function overCapacity(): GatewayError {
  return new GatewayError('unavailable', 'The gateway has too many requests in flight; retry shortly.', {
    retryable: true,
    retryAfterSeconds: OVER_CAPACITY_RETRY_AFTER_SECONDS,
  });
}

export class InFlightLimit {
  #inFlight = 0;
  #refusing = false;
  #refusedSinceWarning = 0;
  #refusedTotal = 0;
  /** Refusing is logged as over once the count is this far below the cap, not at every flip around it. */
  readonly #resumeAt: number;

  /** `max` 0: no cap (nothing is counted either). `refused`: told each refusal (the metrics' counter). */
  constructor(
    readonly max: number,
    private readonly log: InFlightLog,
    private readonly refused: () => void = () => {},
  ) {
    this.#resumeAt = max - Math.max(1, Math.floor(max / 10));
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** Requests refused since the process started. */
  get refusedTotal(): number {
    return this.#refusedTotal;
  }

  /** Counts the request until `response` closes; false, counting nothing, when the cap is reached. */
  tryAdmit(response: ClosingResponse): boolean {
    if (this.max === 0) return true;
    if (this.#inFlight >= this.max) {
      this.#refuse();
      return false;
    }
    this.#inFlight += 1;
    response.once('close', () => this.#leave());
    return true;
  }

  /** As tryAdmit, but a refusal is thrown (the shims' error handlers answer it in their own shape). */
  admit(response: ClosingResponse): void {
    if (!this.tryAdmit(response)) throw overCapacity();
  }

  #refuse(): void {
    this.#refusedTotal += 1;
    this.refused();
    this.#refusedSinceWarning += 1;
    if (this.#refusing) return;
    // One line when refusing starts and one when it ends, not one per refused request.
    this.#refusing = true;
    this.log.warn({ limit: this.max }, 'in-flight request limit reached: refusing new requests (503 / UNAVAILABLE, retry-after) until some finish');
  }

  #leave(): void {
    this.#inFlight -= 1;
    if (this.#refusing && this.#inFlight <= this.#resumeAt) {
      this.#refusing = false;
      this.log.info({ limit: this.max, inFlight: this.#inFlight, refused: this.#refusedSinceWarning }, 'in-flight requests below the limit again');
      this.#refusedSinceWarning = 0;
    }
  }
}

/**
 * For routes that answer the refusal themselves (Connect: it must be worded per protocol, which only
 * the Connect handler can do): an onRequest hook on `scope` that counts each request whose path
 * `counts`, or marks it refused when the cap is reached. Returns whether a request was refused.
 */
export function countRequests(scope: FastifyInstance, limit: InFlightLimit, counts: (path: string) => boolean): (request: FastifyRequest) => boolean {
  const refused = new WeakSet<FastifyRequest>();
  scope.addHook('onRequest', (request, reply, done) => {
    if (counts(request.url) && !limit.tryAdmit(reply.raw)) refused.add(request);
    done();
  });
  return (request) => refused.has(request);
}
