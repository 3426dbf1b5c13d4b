// The whole body of a request that Node's HTTP/1.1 server has already buffered: a small body that
// came in the packet with its headers is pushed into the request right after the 'request' event's
// handlers return, so after any await it is usually all there — every byte its Content-Length
// declares, though the parser's message-complete (`complete`) may come later. Taking it with one
// read() skips flowing mode's two ticks and four listeners (docs/performance.md, "Bodies read at
// once"). An HTTP/2 request buffers nothing until it is read, so it never qualifies.
import type { IncomingMessage } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';

/** The body when all `contentLength` (> 0) bytes are buffered and nothing has read it yet; else undefined. */
export function bufferedBody(request: IncomingMessage | Http2ServerRequest, contentLength: number): Buffer | undefined {
  if (!(contentLength > 0) || request.readableLength !== contentLength || request.readableFlowing !== null) return undefined;
  // read() takes the buffer whole and marks the request consumed (Node then does not dump it).
  return (request.read() as Buffer | null) ?? undefined;
}
