// The SSE writer on a real socket: the response headers leave in the same
// socket write as the first event written in their tick (not a write of their
// own ahead of it: one more system call and packet before the first token),
// and alone at the tick's end when no event follows.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { FastifyReply } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { SseWriter } from '../../src/http/sse-writer.js';

let server: http.Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

interface SocketWrite {
  text: string;
  /** Whether the socket held it back for one write with what follows (corked). */
  corked: boolean;
}

/** Serves one response through `handle`, recording what the gateway side hands its socket; returns the raw bytes the client got. */
async function serve(handle: (writer: () => SseWriter, raw: http.ServerResponse) => void): Promise<{ writes: SocketWrite[]; received: string }> {
  const writes: SocketWrite[] = [];
  server = http.createServer((request, response) => {
    const socket = response.socket as Socket;
    const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
    socket.write = ((...args: unknown[]) => {
      writes.push({ text: String(args[0]), corked: socket.writableCorked > 0 });
      return write(...args);
    }) as typeof socket.write;
    const reply = { hijack: () => reply, raw: response, getHeaders: () => ({ 'x-request-id': 'r-1' }) } as unknown as FastifyReply;
    request.resume();
    handle(() => SseWriter.open(reply), response);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const received = await new Promise<string>((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, method: 'GET', agent: false }, (response) => {
      let text = `${response.statusCode} ${response.headers['content-type']} ${response.headers['x-request-id']}\n`;
      response.setEncoding('utf8');
      response.on('data', (data: string) => (text += data));
      response.on('end', () => resolve(text));
    });
    request.on('error', reject);
    request.end();
  });
  return { writes, received };
}

describe('SseWriter', () => {
  it('sends the headers in one socket write with the first event, not ahead of it', async () => {
    const { writes, received } = await serve((open) => {
      const writer = open();
      void writer.write('data: {"first":true}\n\n');
      setTimeout(() => writer.end('data: [DONE]\n\n'), 20);
    });
    expect(received).toBe('200 text/event-stream; charset=utf-8 r-1\ndata: {"first":true}\n\ndata: [DONE]\n\n');
    const headerWrite = writes.find((write) => write.text.startsWith('HTTP/1.1 200'));
    expect(headerWrite).toBeDefined();
    // Corked: held back and sent with the event's bytes, written in the same tick.
    expect(headerWrite!.corked).toBe(true);
  });

  it('sends the headers at the end of the tick when no event follows yet', async () => {
    let headersOnTheWire = false;
    const { received } = await serve((open, raw) => {
      const writer = open();
      // Nothing written for a while: the client must still have its 200 and headers meanwhile.
      setTimeout(() => {
        headersOnTheWire = raw.socket!.bytesWritten > 0;
        writer.end('data: [DONE]\n\n');
      }, 50);
    });
    expect(headersOnTheWire).toBe(true);
    expect(received).toBe('200 text/event-stream; charset=utf-8 r-1\ndata: [DONE]\n\n');
  });
});
