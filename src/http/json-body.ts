// A JSON request body read as Fastify's default JSON parser reads it (content-type-parser.js in
// Fastify 5), for the intake that serves the shims' hot routes before Fastify (shim-intake.ts): the
// declared Content-Length checked against the limit first, the bytes counted against it as they
// come, the total checked against Content-Length, an empty body refused, and the text parsed by
// secure-json-parse refusing `__proto__` and `constructor.prototype` keys (Fastify's
// onProtoPoisoning / onConstructorPoisoning 'error'). Every failure is Fastify's own error (its code,
// status and message), so the shim's error mapping answers it exactly as it answers Fastify's.
import type { IncomingMessage } from 'node:http';
import { errorCodes } from 'fastify';
import secureJson from 'secure-json-parse';
import { bufferedBody } from '../server/buffered-body.js';

const PARSE_OPTIONS = { protoAction: 'error', constructorAction: 'error' } as const;

/** Content types Fastify's JSON parser takes that the intake takes too: `application/json`, with at most charset=utf-8. */
export function isPlainJsonContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const lower = contentType.toLowerCase();
  const semicolon = lower.indexOf(';');
  if (semicolon < 0) return lower.trim() === 'application/json';
  if (lower.slice(0, semicolon).trim() !== 'application/json') return false;
  return /^\s*charset\s*=\s*"?utf-8"?\s*$/.test(lower.slice(semicolon + 1));
}

/**
 * The body, parsed; synchronously (no stream events, no promise) when the HTTP parser has already
 * buffered all the bytes its Content-Length declares — the common case of a small body in the packet
 * with its headers, read after an await (the key check) — else once it has arrived.
 */
export function readJsonBody(request: IncomingMessage, limit: number): unknown {
  const contentLength = Number(request.headers['content-length']);
  if (contentLength > limit) throw new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE();
  const buffered = bufferedBody(request, contentLength);
  if (buffered !== undefined) return parseBody([buffered], buffered.length, contentLength, limit);
  return streamedJsonBody(request, contentLength, limit);
}

function streamedJsonBody(request: IncomingMessage, contentLength: number, limit: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let received = 0;
    const chunks: Buffer[] = [];
    const stopListening = () => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onEnd);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) {
        stopListening();
        reject(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (error?: Error & { statusCode?: number }) => {
      stopListening();
      if (error) {
        // A request that broke off mid-body is the client's failure.
        if (!(typeof error.statusCode === 'number' && error.statusCode >= 400)) error.statusCode = 400;
        reject(error);
        return;
      }
      try {
        resolve(parseBody(chunks, received, contentLength, limit));
      } catch (failure) {
        reject(failure);
      }
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onEnd);
  });
}

/** The received bytes checked (limit, declared length, not empty), decoded once whole and parsed. */
function parseBody(chunks: Buffer[], received: number, contentLength: number, limit: number): unknown {
  if (received > limit) throw new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE();
  if (!Number.isNaN(contentLength) && received !== contentLength) throw new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH();
  if (received === 0) throw new errorCodes.FST_ERR_CTP_EMPTY_JSON_BODY();
  // Decoded once, whole: a character split across chunks stays intact.
  const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, received).toString('utf8');
  try {
    return secureJson.parse(text, undefined, PARSE_OPTIONS);
  } catch {
    throw new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY();
  }
}
