// The one status table every family's map-error uses.
import { describe, expect, it } from 'vitest';
import { classifyHttpStatus, isCredentialStatus } from '../../../src/providers/shared/http-status.js';

describe('classifyHttpStatus', () => {
  it.each([
    [400, 'invalid_argument', false],
    [401, 'failed_precondition', false],
    [402, 'failed_precondition', false],
    [403, 'failed_precondition', false],
    [404, 'not_found', false],
    [408, 'unavailable', true],
    [409, 'unavailable', true],
    [413, 'payload_too_large', false],
    [418, 'invalid_argument', false],
    [422, 'invalid_argument', false],
    [429, 'resource_exhausted', true],
    [500, 'unavailable', true],
    [503, 'unavailable', true],
    [529, 'unavailable', true],
  ] as const)('HTTP %i → %s (retryable: %s)', (status, kind, retryable) => {
    expect(classifyHttpStatus(status)).toEqual({ kind, retryable });
  });

  it('calls 401 and 403 credential problems, nothing else', () => {
    expect([400, 401, 402, 403, 404, 429].filter(isCredentialStatus)).toEqual([401, 403]);
  });
});
