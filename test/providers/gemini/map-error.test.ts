// map-error: the SDK's ApiError (status + JSON body) and transport failures →
// GatewayError kinds, retry hints and credential-free messages.
import { ApiError } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/domain/gateway-error.js';
import { mapError } from '../../../src/providers/gemini/map-error.js';

const API_KEY = 'AIzaSyFixtureFixtureFixtureFixture12345';
const context = { providerId: 'gem', secrets: [API_KEY] };
const apiError = (status: number, error: Record<string, unknown>) => new ApiError({ message: JSON.stringify({ error }), status });

describe('mapError', () => {
  it('maps HTTP statuses to kinds, keeping the upstream message', () => {
    const cases: Array<[number, string, GatewayError['kind'], boolean]> = [
      [400, 'INVALID_ARGUMENT', 'invalid_argument', false],
      [400, 'FAILED_PRECONDITION', 'failed_precondition', false],
      // Payment or quota state of the account: the shared table's answer for every family.
      [402, 'FAILED_PRECONDITION', 'failed_precondition', false],
      [403, 'PERMISSION_DENIED', 'failed_precondition', false],
      [404, 'NOT_FOUND', 'not_found', false],
      [413, 'INVALID_ARGUMENT', 'payload_too_large', false],
      [500, 'INTERNAL', 'unavailable', true],
      [503, 'UNAVAILABLE', 'unavailable', true],
      [504, 'DEADLINE_EXCEEDED', 'deadline_exceeded', true],
    ];
    for (const [status, googleStatus, kind, retryable] of cases) {
      const error = mapError(apiError(status, { code: status, message: 'upstream says why', status: googleStatus }), context);
      expect(error).toMatchObject({ kind, retryable, upstreamStatus: status, provider: 'gem' });
      expect(error.message).toContain('upstream says why');
    }
  });

  it('a 400 API_KEY_INVALID is the credentials problem, message kept when it holds no key', () => {
    const error = mapError(
      apiError(400, {
        code: 400,
        message: 'API key not valid. Please pass a valid API key.',
        status: 'INVALID_ARGUMENT',
        details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' }],
      }),
      context,
    );
    expect(error).toMatchObject({ kind: 'failed_precondition', upstreamStatus: 400 });
    expect(error.message).toBe("provider gem rejected the gateway's credentials (HTTP 400): API key not valid. Please pass a valid API key.");
  });

  it('drops a credential error message that echoes a key, and redacts keys elsewhere', () => {
    const echoed = mapError(apiError(401, { code: 401, message: `bad key ${API_KEY}`, status: 'UNAUTHENTICATED' }), context);
    expect(echoed.message).toBe("provider gem rejected the gateway's credentials (HTTP 401)");
    const other = mapError(apiError(400, { code: 400, message: 'see https://x.test/?key=AIzaSyOtherOtherOtherOtherOther99', status: 'INVALID_ARGUMENT' }), context);
    expect(other.message).not.toContain('AIza');
    expect(other.message).toContain('[redacted]');
  });

  it('429: resource_exhausted, retryable, retryAfterSeconds from RetryInfo', () => {
    const error = mapError(
      apiError(429, {
        code: 429,
        message: 'Quota exceeded',
        status: 'RESOURCE_EXHAUSTED',
        details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '12.4s' }],
      }),
      context,
    );
    expect(error).toMatchObject({ kind: 'resource_exhausted', retryable: true, retryAfterSeconds: 13, upstreamStatus: 429 });
  });

  it('reads an error event inside a stream ("got status: …") as the status it stands for', () => {
    const body = { error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } };
    const error = mapError(new ApiError({ message: `got status: UNAVAILABLE. ${JSON.stringify(body)}`, status: 503 }), { ...context, phase: 'stream' });
    expect(error).toMatchObject({ kind: 'unavailable', retryable: true, upstreamStatus: 503 });
    expect(error.message).toBe('provider gem failed mid-stream (UNAVAILABLE): The model is overloaded.');
  });

  it('names bad bodies and streams by condition, never by the parser that found them', () => {
    const unary = mapError(new SyntaxError('Unexpected end of JSON input'), context);
    expect(unary).toMatchObject({ kind: 'unavailable', retryable: true, upstreamStatus: 200 });
    expect(unary.message).toBe('provider gem answered with a body that is not a valid response (not valid JSON)');
    // The SDK parses each event itself: a broken one is a SyntaxError out of its iterator.
    const chunk = mapError(new SyntaxError('Unterminated string in JSON at position 40'), { ...context, phase: 'stream' });
    expect(chunk).toMatchObject({ kind: 'unavailable', retryable: true, upstreamStatus: 200 });
    expect(chunk.message).toBe('provider gem sent a stream event that could not be read (not valid JSON)');
    const cut = mapError(new Error('Incomplete JSON segment at the end'), { ...context, phase: 'stream' });
    expect(cut.message).toBe('provider gem ended the stream before the answer was complete');
  });

  it('abort → canceled; transport failures → unavailable; GatewayError passes through', () => {
    const controller = new AbortController();
    controller.abort();
    expect(mapError(new Error('whatever'), { ...context, signal: controller.signal }).kind).toBe('canceled');
    expect(mapError(Object.assign(new Error('aborted'), { name: 'AbortError' }), context).kind).toBe('canceled');
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) });
    expect(mapError(refused, context)).toMatchObject({ kind: 'unavailable', retryable: true, upstreamStatus: 0 });
    expect(mapError(new TypeError('terminated'), { ...context, phase: 'stream' })).toMatchObject({ kind: 'unavailable', upstreamStatus: 200 });
    const own = new GatewayError('invalid_argument', 'x');
    expect(mapError(own, context)).toBe(own);
    expect(mapError(new Error('bug'), context)).toMatchObject({ kind: 'internal', message: "the call to provider gem failed unexpectedly (the gateway's log has the details)" });
  });
});
