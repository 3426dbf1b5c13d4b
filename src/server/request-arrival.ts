// When a request arrived: stamped on the Node request by the server's request handler, the one point
// every request passes (polyglot-server.ts) — before the intakes, Fastify's routing and hooks, the
// key check and the body read — and read back when the request context is made
// (request-context-from.ts), so a request's latency (the request log, the duration histogram, ttft)
// counts from arrival whichever surface and side served it. A property, not a map: one Date.now()
// and one store per request.
const ARRIVED_AT = Symbol('arrivedAt');

interface Stamped {
  [ARRIVED_AT]?: number;
}

export function markArrival(request: object): void {
  (request as Stamped)[ARRIVED_AT] = Date.now();
}

/** Epoch ms of the request's arrival; now for a request no server saw arrive (Fastify's inject in tests). */
export function arrivalOf(request: object): number {
  return (request as Stamped)[ARRIVED_AT] ?? Date.now();
}
