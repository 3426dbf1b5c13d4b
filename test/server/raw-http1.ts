// A raw TCP client speaking just enough HTTP/1.1 to hold a connection in a
// chosen state: silent, half-sent headers, idle keep-alive, body delayed.
import net from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface RawConnection {
  socket: net.Socket;
  /** Bytes received so far, and whether the peer ended or closed. */
  received(): string;
  write(text: string): void;
  /** Resolves with the next complete response (Content-Length bodies only). */
  nextResponse(): Promise<RawResponse>;
}

export function connectRaw(port: number): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let buffer = '';
    let consumed = 0;
    const waiters: Array<() => void> = [];
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (const waiter of waiters.splice(0)) waiter();
    });
    // The server may reset a connection it gives up on; that is the outcome under test, not a failure.
    socket.on('error', () => {});
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve({
        socket,
        received: () => buffer,
        write: (text) => socket.write(text, 'latin1'),
        nextResponse() {
          return new Promise((resolveResponse, rejectResponse) => {
            const attempt = (): boolean => {
              const pending = buffer.slice(consumed);
              const headEnd = pending.indexOf('\r\n\r\n');
              if (headEnd < 0) return false;
              const [statusLine = '', ...headerLines] = pending.slice(0, headEnd).split('\r\n');
              const headers: Record<string, string> = {};
              for (const line of headerLines) {
                const colon = line.indexOf(':');
                headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
              }
              const length = Number(headers['content-length'] ?? 0);
              const bodyStart = headEnd + 4;
              if (pending.length < bodyStart + length) return false;
              consumed += bodyStart + length;
              resolveResponse({
                status: Number(statusLine.split(' ')[1]),
                headers,
                body: Buffer.from(pending.slice(bodyStart, bodyStart + length), 'latin1').toString('utf8'),
              });
              return true;
            };
            if (attempt()) return;
            const onClose = () => rejectResponse(new Error(`connection closed before a full response; got: ${buffer.slice(consumed)}`));
            socket.once('close', onClose);
            const wait = () => {
              if (attempt()) socket.off('close', onClose);
              else waiters.push(wait);
            };
            waiters.push(wait);
          });
        },
      });
    });
    socket.once('error', reject);
  });
}
