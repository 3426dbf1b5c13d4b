import { describe, expect, it } from 'vitest';
import { mapError, type UpstreamFailure } from '../../../src/providers/openai/map-error.js';

const KEY = 'sk-fixture-secret-abcdefghijklmnop';
const context = { providerId: 'p1', secrets: [KEY] };
const http = (status: number, body: object | undefined, headers: Record<string, string> = {}): UpstreamFailure => ({
  cause: 'http',
  status,
  headers,
  body,
  message: `${status} status code`,
});

describe('mapError', () => {
  it.each([
    [400, 'invalid_argument', false],
    [422, 'invalid_argument', false],
    [401, 'failed_precondition', false],
    [403, 'failed_precondition', false],
    [404, 'not_found', false],
    [408, 'unavailable', true],
    [413, 'payload_too_large', false],
    [429, 'resource_exhausted', true],
    [500, 'unavailable', true],
    [503, 'unavailable', true],
    [529, 'unavailable', true],
  ])('HTTP %i → %s', (status, kind, retryable) => {
    const error = mapError(http(status, { message: 'upstream says no', type: 'x', code: null }), context);
    expect(error).toMatchObject({ kind, retryable, upstreamStatus: status, provider: 'p1' });
    expect(error.message).toContain('upstream says no');
  });

  it("says the provider rejected the gateway's credentials, without the key", () => {
    const body = { message: `Incorrect API key provided: sk-fixtu********************mnop. Key ${KEY}`, type: 'invalid_request_error', code: 'invalid_api_key' };
    const error = mapError(http(401, body), context);
    expect(error.message).toContain("provider p1 rejected the gateway's credentials (HTTP 401)");
    for (const fragment of [KEY, 'sk-fixtu', 'mnop']) expect(error.message).not.toContain(fragment);
  });

  it('takes retry-after on 429 and does not retry insufficient_quota', () => {
    expect(mapError(http(429, { code: 'rate_limit_exceeded' }, { 'retry-after': '7' }), context)).toMatchObject({ retryAfterSeconds: 7, retryable: true });
    expect(mapError(http(429, { code: 'rate_limit_exceeded' }, { 'retry-after-ms': '1500', 'retry-after': '9' }), context).retryAfterSeconds).toBe(2);
    expect(mapError(http(429, { code: 'insufficient_quota', message: 'quota' }), context)).toMatchObject({ kind: 'resource_exhausted', retryable: false });
  });

  it('maps Azure-shaped bodies ({code, message})', () => {
    const error = mapError(http(400, { code: 'content_filter', message: 'The response was filtered' }), context);
    expect(error).toMatchObject({ kind: 'invalid_argument' });
    expect(error.message).toContain('The response was filtered');
  });

  it('maps aborts, connection failures, cut streams and mid-stream errors', () => {
    expect(mapError({ cause: 'aborted' }, context)).toMatchObject({ kind: 'canceled', retryable: false });
    expect(mapError({ cause: 'connection', message: 'ECONNREFUSED' }, context)).toMatchObject({ kind: 'unavailable', retryable: true, upstreamStatus: 0 });
    expect(mapError({ cause: 'timeout', message: 'timed out' }, context)).toMatchObject({ kind: 'unavailable', retryable: true });
    expect(mapError({ cause: 'stream_incomplete', message: 'terminated' }, context)).toMatchObject({ kind: 'unavailable', retryable: true, upstreamStatus: 200 });
    const midStream = mapError({ cause: 'stream_error', body: { message: 'The server had an error', type: 'server_error' }, message: '' }, context);
    expect(midStream).toMatchObject({ kind: 'unavailable', retryable: true });
    expect(midStream.message).toContain('The server had an error');
  });
});
