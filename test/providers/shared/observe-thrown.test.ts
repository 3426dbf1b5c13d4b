// What the network or a parser threw → the taxonomy condition, by phase.
import { describe, expect, it } from 'vitest';
import { observeThrown } from '../../../src/providers/shared/observe-thrown.js';
import { UpstreamFault } from '../../../src/providers/shared/upstream-fault.js';

const socket = (code: string, message = 'socket error') => Object.assign(new Error(message), { code });
const fetchFailed = (cause: Error) => new TypeError('fetch failed', { cause });

describe('observeThrown', () => {
  it('a refused or reset connection: no answer before a stream, a cut stream after', () => {
    expect(observeThrown(fetchFailed(socket('ECONNREFUSED')), 'request')).toMatchObject({ condition: { type: 'connection' }, detail: 'ECONNREFUSED' });
    expect(observeThrown(new TypeError('terminated', { cause: socket('UND_ERR_SOCKET', 'other side closed') }), 'stream')).toMatchObject({
      condition: { type: 'truncated_stream' },
      detail: 'the connection broke',
    });
    expect(observeThrown(socket('ERR_STREAM_PREMATURE_CLOSE', 'the upstream response closed before its end'), 'stream')).toMatchObject({ condition: { type: 'truncated_stream' } });
  });

  it('timeouts, whichever layer noticed', () => {
    expect(observeThrown(fetchFailed(socket('ETIMEDOUT', 'upstream timed out')), 'request')).toMatchObject({ condition: { type: 'timeout' } });
    expect(observeThrown(Object.assign(new Error('Request timed out.'), { name: 'APIConnectionTimeoutError' }), 'request')).toMatchObject({ condition: { type: 'timeout' } });
  });

  it('JSON that does not parse: a malformed body, or a malformed event once a stream is open', () => {
    expect(observeThrown(new SyntaxError('Unexpected end of JSON input'), 'request')).toMatchObject({ condition: { type: 'malformed_body' } });
    // "Unterminated" is the parser speaking, not fetch's "terminated".
    expect(observeThrown(new SyntaxError('Unterminated string in JSON at position 9'), 'stream')).toMatchObject({ condition: { type: 'malformed_event' } });
    expect(observeThrown(new Error('exception parsing stream chunk {"a":. SyntaxError: x'), 'stream')).toMatchObject({ condition: { type: 'malformed_event' } });
  });

  it('@google/genai: a stream that stops inside an event, or has no body, is cut', () => {
    expect(observeThrown(new Error('Incomplete JSON segment at the end'), 'stream')).toMatchObject({ condition: { type: 'truncated_stream' } });
    expect(observeThrown(new Error('Response body is empty'), 'stream')).toMatchObject({ condition: { type: 'truncated_stream' } });
  });

  it("our own mappers' UpstreamFault keeps its condition and words", () => {
    expect(observeThrown(new UpstreamFault('malformed_body', 'no choices'), 'request')).toMatchObject({ condition: { type: 'malformed_body' }, detail: 'no choices' });
  });

  it('aborts are cancellations; anything else is not named', () => {
    expect(observeThrown(new DOMException('This operation was aborted', 'AbortError'), 'request')).toMatchObject({ condition: { type: 'canceled' } });
    expect(observeThrown(new TypeError("Cannot read properties of undefined (reading 'content')"), 'request')).toBeUndefined();
    expect(observeThrown('a string', 'stream')).toBeUndefined();
  });
});
