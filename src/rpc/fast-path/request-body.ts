// The whole request body of a fast-path RPC, read from the Node request with a byte limit — the
// same limit and error connect-es applies to the calls it serves (readMaxBytes).
import type { IncomingMessage } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import { Code, ConnectError } from '@connectrpc/connect';

export function readRequestBody(request: IncomingMessage | Http2ServerRequest, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let length = 0;
    const cleanup = () => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('close', onClose);
    };
    const onData = (part: Buffer) => {
      length += part.byteLength;
      if (length > limitBytes) {
        cleanup();
        // The rest is not read: the stream is reset or the connection closed by Node after the answer.
        reject(new ConnectError(`message size is larger than configured readMaxBytes ${limitBytes}`, Code.ResourceExhausted));
        return;
      }
      parts.push(part);
    };
    const onEnd = () => {
      cleanup();
      resolve(parts.length === 1 ? parts[0]! : Buffer.concat(parts, length));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    // A client that leaves before its body is complete: 'close' without 'end'.
    const onClose = () => {
      cleanup();
      reject(new ConnectError('the client left before sending the whole request', Code.Canceled));
    };
    request.on('data', onData);
    request.once('end', onEnd);
    request.once('error', onError);
    request.once('close', onClose);
  });
}
