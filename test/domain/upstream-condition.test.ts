// The one taxonomy table (docs/errors.md, "Conditions"): each upstream
// condition's kind, retryability and recorded status, whoever met it.
import { describe, expect, it } from 'vitest';
import { classifyCondition, isCredentialStatus, type UpstreamCondition } from '../../src/domain/upstream-condition.js';

describe('classifyCondition', () => {
  it.each([
    [400, 'invalid_argument', false],
    [401, 'failed_precondition', false],
    [402, 'failed_precondition', false],
    [403, 'failed_precondition', false],
    [404, 'not_found', false],
    [408, 'deadline_exceeded', true],
    [409, 'unavailable', true],
    [413, 'payload_too_large', false],
    [418, 'invalid_argument', false],
    [422, 'invalid_argument', false],
    [429, 'resource_exhausted', true],
    [500, 'unavailable', true],
    [502, 'unavailable', true],
    [503, 'unavailable', true],
    [504, 'deadline_exceeded', true],
    [529, 'unavailable', true],
  ] as const)('HTTP %i → %s (retryable: %s)', (status, kind, retryable) => {
    expect(classifyCondition({ type: 'http_status', status })).toEqual({ kind, retryable, upstreamStatus: status });
  });

  it('answers an error event inside a stream as the status it stands for', () => {
    // Anthropic's overloaded_error mid-stream and anyone's 529 / 503: the same kind, the same retryability.
    expect(classifyCondition({ type: 'error_event', status: 529 })).toEqual(classifyCondition({ type: 'http_status', status: 529 }));
    expect(classifyCondition({ type: 'error_event', status: 503 })).toMatchObject({ kind: 'unavailable', retryable: true });
    expect(classifyCondition({ type: 'error_event', status: 429 })).toMatchObject({ kind: 'resource_exhausted', retryable: true });
  });

  it('refines a status only by what the body says about the account', () => {
    expect(classifyCondition({ type: 'http_status', status: 400, reason: 'credentials_rejected' })).toMatchObject({ kind: 'failed_precondition', retryable: false });
    expect(classifyCondition({ type: 'http_status', status: 400, reason: 'account_precondition' })).toMatchObject({ kind: 'failed_precondition', retryable: false });
    expect(classifyCondition({ type: 'http_status', status: 429, reason: 'quota_exhausted' })).toMatchObject({ kind: 'resource_exhausted', retryable: false });
  });

  it.each([
    [{ type: 'connection' }, 'unavailable', true, 0],
    [{ type: 'timeout' }, 'deadline_exceeded', true, 0],
    [{ type: 'empty_body' }, 'unavailable', true, 200],
    [{ type: 'malformed_body' }, 'unavailable', true, 200],
    [{ type: 'truncated_stream' }, 'unavailable', true, 200],
    [{ type: 'cut_short' }, 'unavailable', true, 200],
    [{ type: 'malformed_event' }, 'unavailable', true, 200],
    [{ type: 'canceled' }, 'canceled', false, 0],
  ] as Array<[UpstreamCondition, string, boolean, number]>)('%o → %s', (condition, kind, retryable, upstreamStatus) => {
    expect(classifyCondition(condition)).toEqual({ kind, retryable, upstreamStatus });
  });

  it('calls 401 and 403 credential problems, nothing else', () => {
    expect([400, 401, 402, 403, 404, 429].filter(isCredentialStatus)).toEqual([401, 403]);
  });
});
