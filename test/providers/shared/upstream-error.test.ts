// An observed failure → the GatewayError: the taxonomy's kind, the one wording,
// the upstream's words without credentials, never an exception's text.
import { describe, expect, it } from 'vitest';
import { unexpectedFailure, upstreamError } from '../../../src/providers/shared/upstream-error.js';

const KEY = 'sk-fixture-secret-0123456789abcdef';
const context = { providerId: 'p1', secrets: [KEY] };

describe('upstreamError', () => {
  it('words each condition once, for every family', () => {
    const cases: Array<[Parameters<typeof upstreamError>[0], string]> = [
      [{ condition: { type: 'http_status', status: 503 }, label: 'UNAVAILABLE', upstreamMessage: 'overloaded' }, 'provider p1 is unavailable (HTTP 503 UNAVAILABLE): overloaded'],
      [{ condition: { type: 'http_status', status: 429, reason: 'quota_exhausted' } }, "provider p1 says the account's quota is exhausted (HTTP 429)"],
      [{ condition: { type: 'error_event', status: 529 }, label: 'overloaded_error', upstreamMessage: 'Overloaded' }, 'provider p1 failed mid-stream (overloaded_error): Overloaded'],
      [{ condition: { type: 'connection' }, detail: 'ECONNREFUSED' }, 'provider p1 could not be reached, or the connection broke (ECONNREFUSED)'],
      [{ condition: { type: 'timeout' } }, 'provider p1 did not answer in time'],
      [{ condition: { type: 'empty_body' } }, 'provider p1 answered with an empty body'],
      [{ condition: { type: 'malformed_body' }, detail: 'not valid JSON' }, 'provider p1 answered with a body that is not a valid response (not valid JSON)'],
      [{ condition: { type: 'truncated_stream' }, detail: 'no message_start' }, 'provider p1 ended the stream before the answer was complete (no message_start)'],
      [{ condition: { type: 'malformed_event' } }, 'provider p1 sent a stream event that could not be read'],
      [{ condition: { type: 'canceled' } }, 'the call to provider p1 was canceled'],
    ];
    for (const [failure, message] of cases) expect(upstreamError(failure, context).message).toBe(message);
  });

  it('carries the kind, retryability, recorded status, retry hint and cause', () => {
    const cause = new Error('behind it');
    const error = upstreamError({ condition: { type: 'http_status', status: 429 }, retryAfterSeconds: 7, cause }, context);
    expect(error).toMatchObject({ kind: 'resource_exhausted', retryable: true, upstreamStatus: 429, provider: 'p1', retryAfterSeconds: 7, cause });
  });

  it('keeps credentials out: a credential error drops text that quotes one, other texts are redacted', () => {
    const refused = upstreamError({ condition: { type: 'http_status', status: 401 }, upstreamMessage: `Incorrect API key ${KEY}` }, context);
    expect(refused.message).toBe("provider p1 rejected the gateway's credentials (HTTP 401)");
    const other = upstreamError({ condition: { type: 'http_status', status: 400 }, upstreamMessage: `bad header Bearer ${KEY}` }, context);
    expect(other.message).not.toContain(KEY);
    expect(other.message).toContain('[redacted]');
  });

  it('shows a vendor label only when it is a plain identifier', () => {
    const odd = upstreamError({ condition: { type: 'error_event', status: 500 }, label: '<script>alert(1)</script>' }, context);
    expect(odd.message).toBe('provider p1 failed mid-stream (HTTP 500)');
  });

  it('an unexplained failure is internal and says nothing of its cause', () => {
    const cause = new TypeError("Cannot read properties of undefined (reading 'content')");
    const error = unexpectedFailure(cause, context);
    expect(error).toMatchObject({ kind: 'internal', provider: 'p1', cause });
    expect(error.message).not.toContain('Cannot read');
  });
});
