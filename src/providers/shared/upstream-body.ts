// The body the openai and Anthropic SDKs iterate: the Node response stream,
// whose async iterator does not destroy it when the reader stops early. The
// openai SDK stops at `data: [DONE]`, before node:http has seen the body's end;
// Node's own iterator would then destroy the response and with it the socket,
// so every streamed call opened a new upstream connection. Here a reader that
// leaves lets the rest of the body drain (boundedly), so the socket goes back
// to the keep-alive pool; the reader waits a moment for that end (normally
// already on the wire behind the marker), so that the caller's next request
// finds the socket free. An abort still destroys it (see upstream-fetch.ts):
// only a reader that stopped on its own drains.
import type { Readable } from 'node:stream';

/** The most a left body may still send before its socket is given up rather than drained. */
const DRAIN_MAX_BYTES = 64 * 1024;
const DRAIN_MAX_MS = 2_000;
/** How long a reader that left waits for the body's end before going on (the drain goes on behind it). */
const END_WAIT_MS = 20;

export function keepAliveBody(stream: Readable): Readable {
  Object.defineProperty(stream, Symbol.asyncIterator, { value: () => iterate(stream), configurable: true });
  return stream;
}

/**
 * The last bytes the reader took from a body, kept so that a family can tell how a stream ended: a
 * Chat Completions stream ended by its `data: [DONE]` line is complete, one merely closed is not
 * (openai-client.ts). A few bytes per stream, copied so that no chunk is held.
 */
const TAIL_BYTES = 32;
const tails = new WeakMap<Readable, Buffer>();

/** The last bytes read from `stream` through its iterator, as latin1 text ('' before any). */
export function bodyTail(stream: Readable): string {
  return tails.get(stream)?.toString('latin1') ?? '';
}

function noteTail(stream: Readable, chunk: Buffer): void {
  const previous = tails.get(stream);
  const joined = chunk.length >= TAIL_BYTES || previous === undefined ? chunk : Buffer.concat([previous, chunk]);
  tails.set(stream, Buffer.from(joined.subarray(Math.max(0, joined.length - TAIL_BYTES))));
}

function iterate(stream: Readable): AsyncIterator<Buffer> {
  const inner = stream.iterator({ destroyOnReturn: false }) as AsyncIterator<Buffer>;
  const noted = (result: IteratorResult<Buffer>): IteratorResult<Buffer> => {
    if (result.done !== true) noteTail(stream, result.value);
    return result;
  };
  return {
    next: () => inner.next().then(noted),
    async return(value?: unknown) {
      await inner.return?.();
      await drain(stream);
      return { done: true, value: value as Buffer };
    },
    async throw(error?: unknown) {
      stream.destroy(error instanceof Error ? error : undefined);
      return { done: true, value: undefined as unknown as Buffer };
    },
  };
}

/**
 * Reads what is left of a body nobody wants, so its socket can be reused; gives up past the bounds.
 * Resolves at the body's end, or after END_WAIT_MS while the drain goes on.
 */
function drain(stream: Readable): Promise<void> {
  if (stream.destroyed || stream.readableEnded) return Promise.resolve();
  let bytes = 0;
  const giveUp = () => stream.destroy();
  const timer = setTimeout(giveUp, DRAIN_MAX_MS);
  timer.unref();
  const onData = (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes > DRAIN_MAX_BYTES) giveUp();
  };
  stream.on('data', onData);
  stream.once('close', () => {
    clearTimeout(timer);
    stream.off('data', onData);
  });
  // An error while draining concerns nobody any more.
  stream.on('error', () => {});
  stream.resume();
  return new Promise((resolve) => {
    const wait = setTimeout(resolve, END_WAIT_MS);
    stream.once('close', () => {
      clearTimeout(wait);
      resolve();
    });
  });
}
