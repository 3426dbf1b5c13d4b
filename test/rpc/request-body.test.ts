// The fast path's whole-body read (Connect unary): a body already buffered whole is taken at once,
// one still arriving is read to its end, and the size limit holds either way.
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Code, ConnectError } from '@connectrpc/connect';
import { readRequestBody } from '../../src/rpc/fast-path/request-body.js';

const request = (headers: Record<string, string> = {}) => Object.assign(new PassThrough(), { headers });
const read = (stream: PassThrough, limit = 1024) => readRequestBody(stream as unknown as IncomingMessage, limit);
const codeOf = async (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => ConnectError.from(error).code);

describe('readRequestBody', () => {
  it('takes a body whose Content-Length is all buffered without waiting for its end', async () => {
    const stream = request({ 'content-length': '3' });
    stream.write(Buffer.from([1, 2, 3]));
    // Not ended: only the declared length says the body is whole.
    expect([...(await read(stream))]).toEqual([1, 2, 3]);
  });

  it('reads a body still arriving, or without a Content-Length, to its end', async () => {
    const declared = request({ 'content-length': '4' });
    const pending = read(declared);
    declared.write(Buffer.from([1, 2]));
    setImmediate(() => declared.end(Buffer.from([3, 4])));
    expect([...(await pending)]).toEqual([1, 2, 3, 4]);
    const chunked = request();
    const whole = read(chunked);
    chunked.write(Buffer.from([5]));
    chunked.end(Buffer.from([6]));
    expect([...(await whole)]).toEqual([5, 6]);
  });

  it('refuses more than the limit as resource exhausted, declared or sent', async () => {
    expect(await codeOf(read(request({ 'content-length': '9' }), 8))).toBe(Code.ResourceExhausted);
    const sent = request();
    const pending = read(sent, 8);
    sent.end(Buffer.alloc(9));
    expect(await codeOf(pending)).toBe(Code.ResourceExhausted);
  });

  it('refuses a client that leaves before its body ends: canceled', async () => {
    const stream = request({ 'content-length': '10' });
    const pending = read(stream);
    stream.write(Buffer.from([1]));
    setImmediate(() => stream.destroy());
    expect(await codeOf(pending)).toBe(Code.Canceled);
  });
});
