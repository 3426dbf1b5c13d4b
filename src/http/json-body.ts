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

export function readJsonBody(request: IncomingMessage, limit: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const contentLength = Number(request.headers['content-length']);
    if (contentLength > limit) {
      reject(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
      return;
    }
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
      if (!Number.isNaN(contentLength) && received !== contentLength) {
        reject(new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH());
        return;
      }
      if (received === 0) {
        reject(new errorCodes.FST_ERR_CTP_EMPTY_JSON_BODY());
        return;
      }
      // Decoded once, whole: a character split across chunks stays intact.
      const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, received).toString('utf8');
      try {
        resolve(secureJson.parse(text, undefined, PARSE_OPTIONS));
      } catch {
        reject(new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY());
      }
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onEnd);
  });
}
