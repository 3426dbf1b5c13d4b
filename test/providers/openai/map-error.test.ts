import { describe, expect, it } from 'vitest';
import { mapError, type UpstreamFailure } from '../../../src/providers/openai/map-error.js';
import { UpstreamFault } from '../../../src/providers/shared/upstream-fault.js';

const KEY = 'sk-fixture-secret-abcdefghijklmnop';
const context = { providerId: 'p1', secrets: [KEY] };
const http = (status: number, body: object | undefined, headers: Record<string, string> = {}): UpstreamFailure => ({
  cause: 'http',
  status,
  headers,
  body,
});

describe('mapError', () => {
  it.each([
    [400, 'invalid_argument', false],
    [422, 'invalid_argument', false],
    [401, 'failed_precondition', false],
    [403, 'failed_precondition', false],
    [404, 'not_found', false],
    [408, 'deadline_exceeded', true],
    [413, 'payload_too_large', false],
    [429, 'resource_exhausted', true],
    [500, 'unavailable', true],
    [503, 'unavailable', true],
    [504, 'deadline_exceeded', true],
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
    expect(mapError(http(429, { code: 'rate_limit_exceeded' }, { 'retry-after-ms': '1500', 'retry-after': '9' }), context).retryAfterSeconds).toBe(1.5);
    expect(mapError(http(429, { code: 'insufficient_quota', message: 'quota' }), context)).toMatchObject({ kind: 'resource_exhausted', retryable: false });
  });

  it('maps Azure-shaped bodies ({code, message})', () => {
    const error = mapError(http(400, { code: 'content_filter', message: 'The response was filtered' }), context);
    expect(error).toMatchObject({ kind: 'invalid_argument' });
    expect(error.message).toContain('The response was filtered');
  });

  it('maps aborts, connection failures, timeouts and mid-stream errors', () => {
    expect(mapError({ cause: 'aborted' }, context)).toMatchObject({ kind: 'canceled', retryable: false });
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    expect(mapError({ cause: 'connection', error: refused }, context)).toMatchObject({ kind: 'unavailable', retryable: true, upstreamStatus: 0 });
    const idle = new TypeError('fetch failed', { cause: Object.assign(new Error('upstream timed out'), { code: 'ETIMEDOUT' }) });
    expect(mapError({ cause: 'connection', error: idle }, context)).toMatchObject({ kind: 'deadline_exceeded', retryable: true, upstreamStatus: 0 });
    expect(mapError({ cause: 'timeout' }, context)).toMatchObject({ kind: 'deadline_exceeded', retryable: true });
    const midStream = mapError({ cause: 'stream_error', body: { message: 'The server had an error', type: 'server_error' } }, context);
    expect(midStream).toMatchObject({ kind: 'unavailable', retryable: true, upstreamStatus: 500 });
    expect(midStream.message).toBe('provider p1 failed mid-stream (server_error): The server had an error');
    expect(mapError({ cause: 'stream_error', body: { message: 'slow down', code: 'rate_limit_exceeded' } }, context)).toMatchObject({ kind: 'resource_exhausted', retryable: true });
    // OpenRouter puts the status in the code.
    expect(mapError({ cause: 'stream_error', body: { message: 'bad gateway', code: 502 } }, context)).toMatchObject({ kind: 'unavailable', upstreamStatus: 502 });
  });

  it('names bad bodies and streams by condition, never by the exception that found them', () => {
    const cases: Array<[unknown, 'request' | 'stream', string, number]> = [
      [new UpstreamFault('empty_body'), 'request', 'answered with an empty body', 200],
      [new SyntaxError('Unexpected end of JSON input'), 'request', 'answered with a body that is not a valid response (not valid JSON)', 200],
      [new SyntaxError('Unterminated string in JSON at position 12'), 'stream', 'sent a stream event that could not be read (not valid JSON)', 200],
      [new TypeError('terminated', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) }), 'stream', 'ended the stream before the answer was complete (the connection broke)', 200],
    ];
    for (const [error, phase, text, upstreamStatus] of cases) {
      const mapped = mapError({ cause: 'thrown', error, phase }, context);
      expect(mapped).toMatchObject({ kind: 'unavailable', retryable: true, upstreamStatus });
      expect(mapped.message).toBe(`provider p1 ${text}`);
    }
  });

  it('keeps an unexplained failure internal, with a message that reveals nothing', () => {
    const mapped = mapError({ cause: 'thrown', error: new TypeError("Cannot read properties of undefined (reading 'choices')"), phase: 'request' }, context);
    expect(mapped.kind).toBe('internal');
    expect(mapped.message).not.toMatch(/TypeError|Cannot read/);
  });
});
