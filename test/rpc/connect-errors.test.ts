// Mapping errors to Connect codes: a client that left mid-stream is a cancellation, not a fault of
// the gateway — no error line for it (a client dropping 1,000 unread streams at once would write
// one per stream; issue 16 item 5) — while an error the gateway did not expect is still reported.
import { Code } from '@connectrpc/connect';
import { describe, expect, it } from 'vitest';
import { toConnectError } from '../../src/rpc/connect-errors.js';

const nodeError = (code: string, message: string) => Object.assign(new Error(message), { code });

function reporter() {
  const reported: string[] = [];
  return { reported, error: (_details: object, message: string) => void reported.push(message) };
}

describe('toConnectError', () => {
  it.each([
    ['ECANCELED', 'write ECANCELED'],
    ['ERR_STREAM_DESTROYED', 'Cannot call write after a stream was destroyed'],
    ['ERR_HTTP2_INVALID_STREAM', 'The stream has been destroyed'],
  ])('maps a write to a response whose client left (%s) to canceled, unreported', (code, message) => {
    const errors = reporter();
    expect(toConnectError(nodeError(code, message), errors).code).toBe(Code.Canceled);
    expect(errors.reported).toEqual([]);
  });

  it('still reports an unexpected error, as internal with a generic message', () => {
    const errors = reporter();
    const mapped = toConnectError(nodeError('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.1:5432'), errors);
    expect(mapped.code).toBe(Code.Internal);
    expect(mapped.rawMessage).toBe('internal error');
    expect(errors.reported).toEqual(['unexpected error in an RPC handler']);
  });
});
