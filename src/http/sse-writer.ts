// Server-Sent Events on a hijacked Fastify reply: SSE text (framed by
// sse-stream.ts), each write sent at once (no buffering), with backpressure. The
// headers leave with the first event written in the same tick (one socket write,
// not two), or alone at the tick's end when no event follows. After
// `reply.hijack()` Fastify no longer sends headers for us, so the headers it
// collected (CORS, x-request-id) are copied into writeHead.
import type { ServerResponse } from 'node:http';
import type { ShimReply } from './shim-reply.js';

export class SseWriter {
  private wrote = false;

  private constructor(private readonly raw: ServerResponse) {}

  /** Hijacks the reply and writes the 200 with the SSE headers (they leave with the first event, see above; Gemini's JSON-array stream and piped audio name their own content-type). */
  static open(reply: ShimReply, extraHeaders: Record<string, string> = {}, contentType = 'text/event-stream; charset=utf-8'): SseWriter {
    reply.hijack();
    const raw = reply.raw;
    const headers: Record<string, string | number | string[]> = {};
    for (const [name, value] of Object.entries(reply.getHeaders())) {
      if (value !== undefined) headers[name] = value;
    }
    Object.assign(headers, extraHeaders, {
      'content-type': contentType,
      'cache-control': 'no-cache',
      // Tells nginx-style proxies not to buffer the stream.
      'x-accel-buffering': 'no',
    });
    delete headers['content-length'];
    try {
      raw.writeHead(200, headers);
    } catch (error) {
      // Hijacked: Fastify will not answer for us, so do not leave the client hanging.
      raw.destroy();
      throw error;
    }
    const writer = new SseWriter(raw);
    process.nextTick(() => {
      if (!writer.wrote && !writer.closed) raw.flushHeaders();
    });
    return writer;
  }

  /** The client is gone (or the stream was ended): further writes are dropped. */
  get closed(): boolean {
    return this.raw.writableEnded || this.raw.destroyed;
  }

  /** Writes SSE text (or, for a piped audio stream, bytes) at once; resolves once the socket can take more. */
  async write(chunk: string | Uint8Array): Promise<void> {
    if (this.closed) return;
    this.wrote = true;
    if (this.raw.write(chunk)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.raw.off('drain', done);
        this.raw.off('close', done);
        resolve();
      };
      this.raw.on('drain', done);
      this.raw.on('close', done);
    });
  }

  end(text?: string): void {
    if (this.closed) return;
    this.wrote = true;
    if (text === undefined) this.raw.end();
    else this.raw.end(text);
  }

  /** Drops the connection (the client left, or the response cannot be finished properly). */
  destroy(): void {
    if (!this.raw.destroyed) this.raw.destroy();
  }
}
