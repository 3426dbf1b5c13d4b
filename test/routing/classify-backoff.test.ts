import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/domain/gateway-error.js';
import { backoffDelayMs, retryDecision } from '../../src/core/routing/backoff.js';
import { classifyFailure, kindThatNeverFailsOver } from '../../src/core/routing/classify-failure.js';
import { canFailOver } from '../../src/import/failover-statuses.js';
import { DEFAULT_ROUTE_SETTINGS } from '../../src/core/routing/route-plan.js';
import { failure } from './helpers.js';

const settings = DEFAULT_ROUTE_SETTINGS;

describe('classifyFailure', () => {
  it('stops at once on the client’s own errors and on anything that is not a GatewayError', () => {
    for (const kind of ['invalid_argument', 'not_found', 'payload_too_large', 'permission_denied', 'unauthenticated'] as const) {
      expect(classifyFailure(new GatewayError(kind, 'x', { upstreamStatus: 400 }), settings)).toBe('stop');
    }
    // The gateway's own precondition (e.g. a provider without an endpoint), no upstream answer.
    expect(classifyFailure(new GatewayError('failed_precondition', 'x', { provider: 'a', upstreamStatus: 0 }), settings)).toBe('stop');
    expect(classifyFailure(new GatewayError('failed_precondition', 'x'), settings)).toBe('stop');
    // A client-error kind stays 'stop' even when a route lists its status as a failover status …
    expect(classifyFailure(new GatewayError('invalid_argument', 'x', { upstreamStatus: 400 }), { failoverStatuses: [400] })).toBe('stop');
    // … except an upstream's 404 (a model one provider retired), which a route may list; the gateway's own not_found never moves on.
    expect(classifyFailure(new GatewayError('not_found', 'x', { upstreamStatus: 404 }), settings)).toBe('stop');
    expect(classifyFailure(new GatewayError('not_found', 'x', { upstreamStatus: 404 }), { failoverStatuses: [404] })).toBe('retryable');
    expect(classifyFailure(new GatewayError('not_found', 'x'), { failoverStatuses: [404] })).toBe('stop');
    expect(classifyFailure(new Error('boom'), settings)).toBe('stop');
    expect(classifyFailure('boom', settings)).toBe('stop');
  });

  it('retries connection errors, timeouts, broken streams and the listed statuses', () => {
    for (const outcome of ['reset', '429', '500', '503', '529']) expect(classifyFailure(failure(outcome, 'a/m'), settings)).toBe('retryable');
    for (const status of [408, 502, 504]) {
      expect(classifyFailure(new GatewayError('unavailable', 'x', { upstreamStatus: status, retryable: true }), settings)).toBe('retryable');
    }
    expect(classifyFailure(new GatewayError('unavailable', 'cut', { upstreamStatus: 200 }), settings)).toBe('retryable');
    expect(classifyFailure(new GatewayError('unavailable', 'no status'), settings)).toBe('retryable');
    expect(classifyFailure(new GatewayError('deadline_exceeded', 'late', { upstreamStatus: 0 }), settings)).toBe('retryable');
    expect(classifyFailure(new GatewayError('resource_exhausted', 'mid-stream limit', { retryable: true }), settings)).toBe('retryable');
  });

  it('moves on from an upstream that refused the gateway’s credentials or account, whatever the failover statuses', () => {
    for (const status of [401, 402, 403, 400]) {
      const refused = new GatewayError('failed_precondition', 'x', { provider: 'a', upstreamStatus: status });
      expect(classifyFailure(refused, settings)).toBe('retryable');
      expect(classifyFailure(refused, { failoverStatuses: [503] })).toBe('retryable');
    }
  });

  it('knows which listed statuses can never fail over; the importers’ mirror of the rule agrees', () => {
    expect([400, 404, 413, 422, 418].map(kindThatNeverFailsOver)).toEqual(['invalid_argument', undefined, 'payload_too_large', 'invalid_argument', 'invalid_argument']);
    for (let status = 400; status <= 599; status += 1) expect(canFailOver(status), String(status)).toBe(kindThatNeverFailsOver(status) === undefined);
  });

  it('follows the route’s failover statuses', () => {
    const only503 = { failoverStatuses: [503] };
    expect(classifyFailure(failure('500', 'a/m'), only503)).toBe('stop');
    expect(classifyFailure(failure('503', 'a/m'), only503)).toBe('retryable');
    expect(classifyFailure(new GatewayError('unimplemented', 'x', { upstreamStatus: 501 }), settings)).toBe('stop');
    expect(classifyFailure(new GatewayError('internal', 'x'), settings)).toBe('stop');
  });

  it('treats cancellations as canceled, also when the caller aborted whatever the error says', () => {
    expect(classifyFailure(new GatewayError('canceled', 'x'), settings)).toBe('canceled');
    const controller = new AbortController();
    controller.abort();
    expect(classifyFailure(failure('500', 'a/m'), settings, controller.signal)).toBe('canceled');
    expect(classifyFailure(new Error('AbortError'), settings, controller.signal)).toBe('canceled');
  });
});

describe('backoff', () => {
  const backoff = { backoffBaseMs: 200, backoffCapMs: 5_000, maxRetryAfterMs: 10_000 };

  it('is full jitter over min(cap, base·2^n)', () => {
    expect(backoffDelayMs(0, backoff, () => 0.999_999)).toBeCloseTo(200, 0);
    expect(backoffDelayMs(3, backoff, () => 0.5)).toBe(800);
    expect(backoffDelayMs(10, backoff, () => 1)).toBe(5_000);
    expect(backoffDelayMs(10, backoff, () => 0)).toBe(0);
  });

  it('honours a retry-after up to the cap, and gives up on the target beyond it', () => {
    expect(retryDecision(failure('429:3', 'a/m'), 0, backoff, () => 0.5)).toEqual({ action: 'wait', ms: 3_000, source: 'retry-after' });
    expect(retryDecision(failure('429:10', 'a/m'), 0, backoff, () => 0.5)).toEqual({ action: 'wait', ms: 10_000, source: 'retry-after' });
    // An upstream's retry-after-ms (300) is waited as it is, not rounded up to a second.
    expect(retryDecision(failure('429:0.3', 'a/m'), 0, backoff, () => 0.5)).toEqual({ action: 'wait', ms: 300, source: 'retry-after' });
    expect(retryDecision(failure('429:11', 'a/m'), 0, backoff, () => 0.5)).toEqual({ action: 'exhausted' });
    expect(retryDecision(failure('429', 'a/m'), 1, backoff, () => 0.5)).toEqual({ action: 'wait', ms: 200, source: 'backoff' });
  });
});
