// HTTP/2's counterpart of HTTP/1.1's requestTimeout. Node cuts an HTTP/1.1 request whose body has not
// all arrived within requestTimeout (a 408); an HTTP/2 stream has no such bound — the session's idle
// timeout never fires while a client trickles a byte now and then — so a few streams sending their body
// a byte at a time could hold every in-flight slot for as long as they liked. Here a stream whose body
// has not all arrived within the same time from its headers is answered (408; gRPC: DEADLINE_EXCEEDED)
// and closed, which ends its request and frees its slot.
//
// Cost: one unref'd timer per stream that has a body to come (a GET ends with its headers), cleared
// when the stream closes. A stream still open when it fires (a long streamed answer) is left alone
// once its request has arrived: only receiving is bounded, never answering. Bidirectional RPCs
// (server reflection) send requests for as long as they are open, so they are not bounded here.
import http2 from 'node:http2';

const { NGHTTP2_NO_ERROR, NGHTTP2_CANCEL } = http2.constants;
/** gRPC status DEADLINE_EXCEEDED: the gateway's word for a timeout on every RPC protocol. */
const GRPC_DEADLINE_EXCEEDED = '4';
/** Paths whose requests are client streams by design (grpcurl and the like keep them open). */
const CLIENT_STREAM_PREFIX = '/grpc.reflection.';

/** Starts the deadline for `stream` (an HTTP/2 'stream' event's arguments) when its request has a body to come. */
export function boundRequestReceipt(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, timeoutMs: number): void {
  if (stream.endAfterHeaders) return;
  const path = headers[':path'];
  if (typeof path === 'string' && path.startsWith(CLIENT_STREAM_PREFIX)) return;
  const timer = setTimeout(() => expire(stream, headers), timeoutMs);
  timer.unref();
  stream.once('close', () => clearTimeout(timer));
}

function expire(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void {
  // The whole request arrived (read or not): whatever the answer takes now is not the client's delay.
  if (stream.destroyed || stream.state.remoteClose) return;
  if (stream.headersSent) {
    // A complete answer may ask the client to stop sending without an error (RFC 9113 §8.1); one still
    // being written is cut, as HTTP/1.1 destroys the connection.
    stream.close(stream.writableEnded ? NGHTTP2_NO_ERROR : NGHTTP2_CANCEL);
    return;
  }
  const contentType = String(headers['content-type'] ?? '').toLowerCase();
  if (contentType.startsWith('application/grpc')) {
    // Trailers-only, as gRPC clients read a failed call (a bare 408 would be their UNKNOWN).
    stream.respond(
      { ':status': 200, 'content-type': contentType.split(';')[0]!, 'grpc-status': GRPC_DEADLINE_EXCEEDED, 'grpc-message': 'request not received in time' },
      { endStream: true },
    );
  } else {
    // What Node's HTTP/1.1 server answers: 408, no body.
    stream.respond({ ':status': 408 }, { endStream: true });
  }
  // The answer is complete: the rest of the request is refused without an error (RFC 9113 §8.1).
  stream.close(NGHTTP2_NO_ERROR);
}
