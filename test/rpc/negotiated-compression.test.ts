// The fast path's memory of compression negotiations (src/rpc/fast-path/negotiated-compression.ts):
// the answer connect-es's compressionNegotiate gives for each pair of header values, worked out once.
import { describe, expect, it } from 'vitest';
import { compressionBrotli, compressionGzip } from '@connectrpc/connect-node';
import { compressionNegotiate } from '@connectrpc/connect/protocol';
import { negotiatedCompression } from '../../src/rpc/fast-path/negotiated-compression.js';

const COMPRESSIONS = [compressionGzip, compressionBrotli];
const PAIRS: Array<[string | null, string | null]> = [
  [null, null],
  [null, 'gzip, br'],
  ['identity', 'br'],
  ['gzip', null],
  ['br', 'zstd, gzip'],
  [null, 'zstd'],
  ['', ''],
];

describe('negotiatedCompression', () => {
  it('answers as compressionNegotiate, and the same answer again for the same headers', () => {
    const negotiate = negotiatedCompression(COMPRESSIONS, 'grpc-accept-encoding');
    for (const [encoding, accepted] of PAIRS) {
      const expected = compressionNegotiate(COMPRESSIONS, encoding, accepted, 'grpc-accept-encoding');
      const first = negotiate(encoding, accepted);
      expect({ request: first.request?.name, response: first.response?.name }).toEqual({ request: expected.request?.name, response: expected.response?.name });
      expect(negotiate(encoding, accepted)).toBe(first);
    }
  });

  it('refuses an unknown encoding each time with an error of its own, naming what is supported', () => {
    const negotiate = negotiatedCompression(COMPRESSIONS, 'grpc-accept-encoding');
    const first = negotiate('zstd', null);
    const second = negotiate('zstd', null);
    expect(first.error?.message).toContain('unknown compression "zstd": supported encodings are gzip,br');
    expect(first.error?.metadata.get('grpc-accept-encoding')).toBe('gzip,br');
    expect(second.error).not.toBe(first.error);
  });

  it('keeps a bounded memory: a client varying its headers on every call still gets the right answer', () => {
    const negotiate = negotiatedCompression(COMPRESSIONS, 'accept-encoding');
    for (let index = 0; index < 500; index += 1) expect(negotiate(null, `x-${index}, br`).response?.name).toBe('br');
    expect(negotiate(null, 'gzip').response?.name).toBe('gzip');
  });
});
