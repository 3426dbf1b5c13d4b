// Small pieces both fast-path protocols share: the reply's headers
// (x-request-id, and x-trace-id when tracing) with the answer's content type, and the
// request message decoded as connect-es decodes it — except that undecodable binary is the
// client's fault (invalid_argument), as parse-failure-code.ts makes it for connect-es's calls.
import type { OutgoingHttpHeaders } from 'node:http';
import { Code, ConnectError } from '@connectrpc/connect';
import type { Serialization } from '@connectrpc/connect/protocol';

export function replyHeaders(set: OutgoingHttpHeaders, contentType: string): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  for (const name in set) if (set[name] !== undefined) headers[name] = set[name];
  headers['content-type'] = contentType;
  return headers;
}

const PARSE_FAILURE = 'parse binary: ';

export function decodeRequest<T>(serialization: Serialization<T>, bytes: Uint8Array): T {
  try {
    return serialization.parse(bytes);
  } catch (error) {
    const connectError = ConnectError.from(error);
    if (connectError.code === Code.Internal && connectError.rawMessage.startsWith(PARSE_FAILURE)) {
      throw new ConnectError(connectError.rawMessage, Code.InvalidArgument);
    }
    throw connectError;
  }
}
