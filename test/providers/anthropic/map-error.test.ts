// map-error: SDK-shaped errors (status, headers, Anthropic error body) →
// GatewayError kinds, retry hints and credential-free messages.
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/domain/gateway-error.js';
import { mapError } from '../../../src/providers/anthropic/map-error.js';
import { AnthropicStreamError } from '../../../src/providers/anthropic/map-stream.js';
import { UpstreamFault } from '../../../src/providers/shared/upstream-fault.js';

const KEY = 'sk-fixture-anthropic-0123456789abcdef';
const options = { providerId: 'claude-main', secrets: [KEY], now: () => Date.parse('2026-11-26T10:00:00Z') };

/** The shape of the SDK's APIError for an HTTP error response. */
function apiError(status: number, type: string, message: string, headers: Record<string, string> = {}) {
  return Object.assign(new Error(`${status} ${message}`), {
    name: 'APIError',
    status,
    headers: new Headers({ 'request-id': 'req_011', ...headers }),
    error: { type: 'error', error: { type, message }, request_id: 'req_011' },
  });
}

describe('mapError', () => {
  it.each([
    [400, 'invalid_request_error', 'invalid_argument', false],
    [422, 'invalid_request_error', 'invalid_argument', false],
    [401, 'authentication_error', 'failed_precondition', false],
    [403, 'permission_error', 'failed_precondition', false],
    [404, 'not_found_error', 'not_found', false],
    [413, 'request_too_large', 'payload_too_large', false],
    [429, 'rate_limit_error', 'resource_exhausted', true],
    [500, 'api_error', 'unavailable', true],
    [504, 'timeout_error', 'deadline_exceeded', true],
    [529, 'overloaded_error', 'unavailable', true],
  ])('HTTP %i (%s) → %s', (status, type, kind, retryable) => {
    const mapped = mapError(apiError(status, type, 'upstream says no'), options);
    expect(mapped).toBeInstanceOf(GatewayError);
    expect(mapped).toMatchObject({ kind, retryable, upstreamStatus: status, provider: 'claude-main' });
    expect(mapped.message).toContain('upstream says no');
  });

  it('names the credential problem for 401 and keeps no key, whole or in part', () => {
    const whole = mapError(apiError(401, 'authentication_error', `invalid x-api-key ${KEY}`), options);
    expect(whole.message).toBe("provider claude-main rejected the gateway's credentials (HTTP 401)");
    const partial = mapError(apiError(401, 'authentication_error', `key ending ${KEY.slice(-10)} is invalid`), options);
    expect(partial.message).not.toContain(KEY.slice(-10));
    const plain = mapError(apiError(401, 'authentication_error', 'invalid x-api-key'), options);
    expect(plain.message).toBe("provider claude-main rejected the gateway's credentials (HTTP 401): invalid x-api-key");
  });

  it('redacts key-looking strings from other messages', () => {
    const mapped = mapError(apiError(400, 'invalid_request_error', `bad header Bearer ${KEY} and sk-ant-api03-XYZ`), options);
    expect(mapped.message).not.toContain(KEY);
    expect(mapped.message).not.toContain('sk-ant-api03-XYZ');
    expect(mapped.message).toContain('[redacted]');
  });

  it('reads retry-after in seconds, as an HTTP date, and retry-after-ms first', () => {
    expect(mapError(apiError(429, 'rate_limit_error', 'slow down', { 'retry-after': '7' }), options).retryAfterSeconds).toBe(7);
    const dated = apiError(429, 'rate_limit_error', 'slow down', { 'retry-after': 'Thu, 26 Nov 2026 10:00:30 GMT' });
    expect(mapError(dated, options).retryAfterSeconds).toBe(30);
    const both = apiError(429, 'rate_limit_error', 'slow down', { 'retry-after-ms': '1500', 'retry-after': '9' });
    expect(mapError(both, options).retryAfterSeconds).toBe(1.5);
    expect(mapError(apiError(429, 'rate_limit_error', 'slow down'), options).retryAfterSeconds).toBeUndefined();
  });

  it('maps a mid-stream error event as the status its type stands for', () => {
    const overloaded = { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } };
    const event = mapError(new AnthropicStreamError(overloaded), options);
    // The same answer as an HTTP 529 overloaded_error.
    expect(event).toMatchObject({ kind: 'unavailable', retryable: true, upstreamStatus: 529 });
    expect(event.message).toBe('provider claude-main failed mid-stream (overloaded_error): Overloaded');
    // As the SDK throws it: an APIError without status whose `error` is the event body.
    const sdkShaped = Object.assign(new Error('Overloaded'), { name: 'APIError', status: undefined, error: { type: 'error', error: { type: 'rate_limit_error', message: 'x' } } });
    expect(mapError(sdkShaped, options)).toMatchObject({ kind: 'resource_exhausted', retryable: true });
  });

  it('maps aborts to canceled, timeouts to deadline_exceeded and broken connections to unavailable', () => {
    const controller = new AbortController();
    controller.abort();
    expect(mapError(new Error('whatever'), { ...options, signal: controller.signal }).kind).toBe('canceled');
    expect(mapError(Object.assign(new Error('Request was aborted.'), { name: 'APIUserAbortError' }), options).kind).toBe('canceled');
    expect(mapError(Object.assign(new Error('Request timed out.'), { name: 'APIConnectionTimeoutError' }), options)).toMatchObject({
      kind: 'deadline_exceeded',
      retryable: true,
    });
    const terminated = new TypeError('terminated', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
    expect(mapError(terminated, options)).toMatchObject({ kind: 'unavailable', retryable: true, upstreamStatus: 0 });
    expect(mapError(terminated, { ...options, phase: 'stream' })).toMatchObject({ kind: 'unavailable', retryable: true, upstreamStatus: 200 });
    const bug = mapError(new RangeError('Invalid array length'), options);
    expect(bug.kind).toBe('internal');
    expect(bug.message).not.toContain('Invalid array length');
  });

  it('names an empty or malformed answer by condition, not by the TypeError or SyntaxError behind it', () => {
    const empty = mapError(new UpstreamFault('empty_body'), options);
    expect(empty).toMatchObject({ kind: 'unavailable', retryable: true, upstreamStatus: 200, message: 'provider claude-main answered with an empty body' });
    const event = mapError(new SyntaxError('Unexpected token < in JSON at position 0'), { ...options, phase: 'stream' });
    expect(event).toMatchObject({ kind: 'unavailable', retryable: true, upstreamStatus: 200 });
    expect(event.message).toBe('provider claude-main sent a stream event that could not be read (not valid JSON)');
  });

  it('passes GatewayErrors through unchanged', () => {
    const original = new GatewayError('invalid_argument', 'x');
    expect(mapError(original, options)).toBe(original);
  });
});
