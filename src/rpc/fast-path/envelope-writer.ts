// Writes an enveloped answer (gRPC, gRPC-Web, Connect streaming) on a Node response, HTTP/1.1 or
// HTTP/2: the headers with the first frame, one write per frame — a message compressed when the
// client accepts it and it is at least compressMinBytes, as connect-es does — waiting for 'drain'
// when the client reads slowly, then the end (a last frame, or HTTP/2 trailers). A held frame
// waits, with the headers, for the next frame or the end and leaves in the same write: the same
// bytes in fewer writes, and none before the upstream call (stream-call.ts holds a stream's
// frames until the first one with model output). On HTTP/2 the first frame is followed by the end
// of the event loop's turn, when Node's session sends it (below).
import type { ServerResponse, OutgoingHttpHeaders } from 'node:http';
import type { Http2ServerResponse } from 'node:http2';
import { Code, ConnectError } from '@connectrpc/connect';
import type { Compression } from '@connectrpc/connect/protocol';
import { envelope } from './envelope.js';

export type NodeResponse = ServerResponse | Http2ServerResponse;

export class EnvelopeWriter {
  readonly #response: NodeResponse;
  readonly #headers: OutgoingHttpHeaders;
  readonly #compression: Compression | null;
  readonly #compressMinBytes: number;
  /** Framed, not yet written: they go out with the next frame or the end. */
  #held: Buffer[] = [];

  constructor(response: NodeResponse, headers: OutgoingHttpHeaders, compression: Compression | null, compressMinBytes: number) {
    this.#response = response;
    this.#headers = headers;
    this.#compression = compression;
    this.#compressMinBytes = compressMinBytes;
  }

  /** One frame; `flags` 0 for a message, or a protocol's end frame (compressed like a message when large). */
  async frame(bytes: Uint8Array, flags = 0): Promise<void> {
    const response = this.#response;
    if (!this.writable()) throw new ConnectError('the client left', Code.Canceled);
    const framed = await this.#framed(bytes, flags);
    const first = !response.headersSent;
    if (first) (response as ServerResponse).writeHead(200, this.#headers);
    if (!(response as ServerResponse).write(this.#withHeld(framed))) await drained(response);
    // Node's HTTP/2 session sends what was written when this turn of the event loop ends
    // (setImmediate), so the first frame would wait for the rest of an upstream burst to be
    // processed; ending the turn here sends it first. HTTP/1.1 writes to the socket at once.
    else if (first && 'stream' in response) await new Promise((resolve) => setImmediate(resolve));
  }

  /** One frame kept back: it is written with the next frame, or at the end. */
  async hold(bytes: Uint8Array): Promise<void> {
    if (!this.writable()) throw new ConnectError('the client left', Code.Canceled);
    this.#held.push(await this.#framed(bytes, 0));
  }

  /** The end of the answer (held frames first), with HTTP/2 trailers when given (gRPC); nothing is written once the client has gone. */
  end(trailers?: Record<string, string>): void {
    const response = this.#response;
    if (!this.writable()) return;
    if (!response.headersSent) (response as ServerResponse).writeHead(200, this.#headers);
    if (trailers) response.addTrailers(trailers);
    if (this.#held.length > 0) response.end(this.#withHeld(undefined));
    else response.end();
  }

  async #framed(bytes: Uint8Array, flags: number): Promise<Buffer> {
    const compress = this.#compression !== null && bytes.byteLength >= this.#compressMinBytes;
    return envelope(compress ? await this.#compression!.compress(bytes) : bytes, compress, flags);
  }

  /** The held frames and `framed` as one buffer (one write); `framed` alone when nothing is held. */
  #withHeld(framed: Buffer | undefined): Buffer {
    if (this.#held.length === 0) return framed!;
    const all = framed ? [...this.#held, framed] : this.#held;
    this.#held = [];
    return Buffer.concat(all);
  }

  writable(): boolean {
    const response = this.#response;
    return !response.destroyed && !response.writableEnded && !('stream' in response && response.stream.closed);
  }
}

/** Resolves when the client has read enough to write again, or has gone (the next write then refuses). */
function drained(response: NodeResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}
