// What the shims' answering code needs of a reply, so that the same code answers through Fastify's
// reply and through the intake that serves the shims' hot routes before Fastify (shim-intake.ts):
// the raw response, whether it has been sent, taking it over from the framework (hijack), and the
// headers set before the answer (x-request-id, x-trace-id, CORS). A FastifyReply is one.
import type { ServerResponse } from 'node:http';

export interface ShimReply {
  readonly raw: ServerResponse;
  /** The framework has sent (or handed over) the response. */
  readonly sent: boolean;
  /** From now on the handler writes the response itself. */
  hijack(): void;
  getHeaders(): Record<string, number | string | string[] | undefined>;
}

/** The request's logger, as the shims use it (Fastify's request.log is one). */
export interface ShimLog {
  error(details: object, message: string): void;
  info(details: object, message: string): void;
}
