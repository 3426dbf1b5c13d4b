// The request's id: the client's x-request-id when it looks like an id, else a new one. The client's value
// is echoed in the answer's headers and written to every log line and the request log, so only 1–200
// visible ASCII characters are taken (Heroku's router takes at most 200 and replaces any other value with
// one it makes: https://devcenter.heroku.com/articles/http-request-id). Anything else is replaced, not cut:
// a cut id no longer matches what the client logged. The replacement is logged, without the value.
import type { IncomingHttpHeaders } from 'node:http';
import { createRequestIdGenerator } from './request-ids.js';

export const REQUEST_ID_HEADER = 'x-request-id';
export const MAX_CLIENT_REQUEST_ID_LENGTH = 200;

const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

export interface ReplacedIdLog {
  info(details: object, message: string): void;
}

/** Why a client's id is not taken, or undefined when it is. */
export function clientRequestIdRefusal(value: string): string | undefined {
  if (value.length > MAX_CLIENT_REQUEST_ID_LENGTH) return `longer than ${MAX_CLIENT_REQUEST_ID_LENGTH} characters`;
  if (!VISIBLE_ASCII.test(value)) return 'not only visible ASCII characters';
  return undefined;
}

/** Fastify's genReqId, and the intakes' (server/request-identity.ts): one rule whichever side serves. */
export function createRequestIdReader(
  log: () => ReplacedIdLog,
  nextRequestId: () => string = createRequestIdGenerator(),
): (request: { headers: IncomingHttpHeaders }) => string {
  return (request) => {
    const given = request.headers[REQUEST_ID_HEADER];
    if (typeof given !== 'string' || given === '') return nextRequestId();
    const refusal = clientRequestIdRefusal(given);
    if (refusal === undefined) return given;
    const requestId = nextRequestId();
    log().info({ requestId, clientRequestIdLength: given.length }, `the client's x-request-id was replaced: ${refusal}`);
    return requestId;
  };
}
