// Writes a gRPC answer on an HTTP/2 response: the headers with the first message (or with the
// trailers when there is none), one frame per message — compressed when the client accepts it
// and the message is at least compressMinBytes, as connect-es does — waiting for 'drain' when the
// client reads slowly, and the status as trailers.
import type { Http2ServerResponse } from 'node:http2';
import type { OutgoingHttpHeaders } from 'node:http';
import { Code, ConnectError } from '@connectrpc/connect';
import type { Compression } from '@connectrpc/connect/protocol';
import { envelope } from './envelope.js';

export class GrpcResponseWriter {
  readonly #response: Http2ServerResponse;
  readonly #headers: OutgoingHttpHeaders;
  readonly #compression: Compression | null;
  readonly #compressMinBytes: number;

  constructor(response: Http2ServerResponse, headers: OutgoingHttpHeaders, compression: Compression | null, compressMinBytes: number) {
    this.#response = response;
    this.#headers = headers;
    this.#compression = compression;
    this.#compressMinBytes = compressMinBytes;
  }

  async message(bytes: Uint8Array): Promise<void> {
    const response = this.#response;
    if (!this.#writable()) throw new ConnectError('the client left', Code.Canceled);
    if (!response.headersSent) response.writeHead(200, this.#headers);
    const compress = this.#compression !== null && bytes.byteLength >= this.#compressMinBytes;
    const frame = envelope(compress ? await this.#compression!.compress(bytes) : bytes, compress);
    if (!response.write(frame)) await drained(response);
  }

  /** The status; nothing is written once the client has gone. */
  end(trailers: Record<string, string>): void {
    const response = this.#response;
    if (!this.#writable()) return;
    if (!response.headersSent) response.writeHead(200, this.#headers);
    response.addTrailers(trailers);
    response.end();
  }

  #writable(): boolean {
    const response = this.#response;
    return !response.destroyed && !response.writableEnded && !response.stream.closed;
  }
}

/** Resolves when the client has read enough to write again, or has gone (the next write then refuses). */
function drained(response: Http2ServerResponse): Promise<void> {
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
