// The request body of an enveloped RPC (gRPC, gRPC-Web, Connect streaming), handed over as soon as
// it holds one whole envelope and nothing more, instead of when the request ends. A client's end
// of stream — HTTP/2's END_STREAM, HTTP/1.1's last chunk — often comes in a later packet than its
// message (connect-node's gRPC client: ~25 µs later on loopback, docs/performance.md), and the
// call's work need not wait for it: grpc-go's server-streaming handlers too read their one message
// and start. The rest of the body is still checked: `end` settles when the request ends, and
// refuses a body that goes on after that envelope (connect-es's words for an extra message), grows
// past the limit, or is cut off by the client leaving. stream-call.ts aborts the call when it
// refuses and waits for it before answering the call's end. A body that does not come as one
// envelope alone is read to its end, as before, for singleMessageOf to judge; an HTTP/1.1 body
// already buffered whole is taken at once (server/buffered-body.ts).
import type { IncomingMessage } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import { Code, ConnectError } from '@connectrpc/connect';
import { bufferedBody } from '../../server/buffered-body.js';
import { tooLarge } from './request-body.js';
import { extraInputMessage, type SingleInputMethod } from './envelope.js';

export interface RequestEnvelope {
  /** What has arrived: one whole envelope (header included), or the whole body once it ended. */
  body: Buffer;
  /** Settles when the request's body has ended; refuses with the body's failure. */
  end: Promise<void>;
  /** Whether `end` has settled. */
  settled: boolean;
}

const HEADER_BYTES = 5;
const ENDED = Promise.resolve();

/** `kind`: the method's, as the error about an extra message names it. */
export async function readRequestEnvelope(request: IncomingMessage | Http2ServerRequest, limitBytes: number, kind: SingleInputMethod): Promise<RequestEnvelope> {
  const contentLength = Number(request.headers['content-length']);
  if (contentLength > limitBytes) throw tooLarge(limitBytes);
  // Without a Content-Length (gRPC, chunked) the envelope's own length tells when it is whole.
  if (!(contentLength > 0)) return envelopeAsItArrives(request, limitBytes, kind);
  // An HTTP/1.1 body that came with its headers is whole after one turn of the microtask queue.
  await undefined;
  const buffered = bufferedBody(request, contentLength);
  return buffered ? { body: buffered, end: ENDED, settled: true } : envelopeAsItArrives(request, limitBytes, kind);
}

function envelopeAsItArrives(request: IncomingMessage | Http2ServerRequest, limitBytes: number, kind: SingleInputMethod): Promise<RequestEnvelope> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let length = 0;
    /** The first envelope's length, header included, once its header has arrived. */
    let expected: number | undefined;
    /** Set once the envelope has been handed over: the body's end is then reported through it. */
    let ending: { resolve: () => void; reject: (error: unknown) => void } | undefined;
    let handedOver: RequestEnvelope | undefined;
    const fail = (error: unknown) => {
      cleanup();
      if (!ending) return reject(error);
      handedOver!.settled = true;
      ending.reject(error);
    };
    const cleanup = () => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', fail);
      request.off('close', onClose);
    };
    const onData = (part: Buffer) => {
      if (part.byteLength === 0) return;
      if (ending) {
        fail(extraInputMessage(kind));
        return;
      }
      length += part.byteLength;
      if (length > limitBytes) {
        // The rest is not read: the stream is reset or the connection closed by Node after the answer.
        fail(tooLarge(limitBytes));
        return;
      }
      parts.push(part);
      if (expected === undefined) {
        if (length < HEADER_BYTES) return;
        const header = parts[0]!.byteLength >= HEADER_BYTES ? parts[0]! : Buffer.concat(parts, length);
        expected = HEADER_BYTES + header.readUInt32BE(1);
      }
      // More than one envelope's bytes: read on to the end, where singleMessageOf refuses it.
      if (length !== expected) return;
      const body = parts.length === 1 ? parts[0]! : Buffer.concat(parts, length);
      const end = new Promise<void>((resolveEnd, rejectEnd) => (ending = { resolve: resolveEnd, reject: rejectEnd }));
      // Handled here too: the body may fail before the caller has taken the envelope.
      end.catch(() => undefined);
      handedOver = { body, end, settled: false };
      resolve(handedOver);
    };
    const onEnd = () => {
      cleanup();
      if (!ending) return resolve({ body: parts.length === 1 ? parts[0]! : Buffer.concat(parts, length), end: ENDED, settled: true });
      handedOver!.settled = true;
      ending.resolve();
    };
    // A client that leaves before its body is complete: 'close' without 'end'.
    const onClose = () => fail(new ConnectError('the client left before sending the whole request', Code.Canceled));
    request.on('data', onData);
    request.once('end', onEnd);
    request.once('error', fail);
    request.once('close', onClose);
  });
}

/**
 * The body's end, or the call's abort (its deadline, its client gone) when that comes first: a call
 * whose client never ends its request still ends. No listener when the end has already come — the
 * usual case by the time a call has its answer.
 */
export function endOrAbort(arrived: RequestEnvelope, signal: AbortSignal): Promise<void> {
  if (arrived.settled) return arrived.end;
  if (signal.aborted) return Promise.reject(signal.reason as unknown);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason as unknown);
    signal.addEventListener('abort', onAbort, { once: true });
    arrived.end.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
