// The fast path's frame writer on HTTP/2 and HTTP/1.1 responses. Node's HTTP/2 session sends what
// was written when the event loop's turn ends (setImmediate); the writer ends the turn after a
// stream's first frame, so that frame leaves before the rest of an upstream burst is processed.
import { EventEmitter } from 'node:events';
import type { OutgoingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { EnvelopeWriter, type NodeResponse } from '../../src/rpc/fast-path/envelope-writer.js';

/** The part of a Node response the writer uses; `http2` adds the stream an Http2ServerResponse has. */
function fakeResponse(http2: boolean) {
  const written: Buffer[] = [];
  const response = Object.assign(new EventEmitter(), {
    headersSent: false,
    destroyed: false,
    writableEnded: false,
    writeHead(_status: number, _headers: OutgoingHttpHeaders) {
      response.headersSent = true;
    },
    write(bytes: Buffer) {
      written.push(bytes);
      return true;
    },
    ...(http2 ? { stream: { closed: false } } : {}),
  });
  return { response: response as unknown as NodeResponse, written };
}

/** Whether a setImmediate queued just before `step` ran before `step` resolved. */
async function turnEndedDuring(step: () => Promise<void>): Promise<boolean> {
  let ran = false;
  setImmediate(() => (ran = true));
  await step();
  return ran;
}

describe('EnvelopeWriter', () => {
  it('on HTTP/2, ends the turn after the first frame (its headers and any held frames in the same write), not after the next', async () => {
    const { response, written } = fakeResponse(true);
    const writer = new EnvelopeWriter(response, {}, null, 1024);
    await writer.hold(new Uint8Array([1]));
    expect(await turnEndedDuring(() => writer.frame(new Uint8Array([2])))).toBe(true);
    expect(written).toHaveLength(1);
    expect([...written[0]!]).toEqual([0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 2]);
    expect(await turnEndedDuring(() => writer.frame(new Uint8Array([3])))).toBe(false);
    expect(written).toHaveLength(2);
  });

  it('on HTTP/1.1, where a write reaches the socket at once, does not wait for the turn to end', async () => {
    const { response, written } = fakeResponse(false);
    const writer = new EnvelopeWriter(response, {}, null, 1024);
    expect(await turnEndedDuring(() => writer.frame(new Uint8Array([2])))).toBe(false);
    expect(written).toHaveLength(1);
  });
});
