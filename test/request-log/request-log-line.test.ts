// One console line per finished request: answered, refused and canceled
// requests at info, upstream and gateway faults at warn, each with what an
// operator needs (ids, route, provider, model, status, latency, tokens, cost)
// and never a secret, a body or the client's address.
import { create } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { UsageSchema } from '../../gen/llmgateway/v1/chat_pb.js';
import { BudgetExceededError, RateLimitError } from '../../src/core/limits/limit-errors.js';
import { UNLIMITED_STATE } from '../../src/core/limits/rate-limiter.js';
import { logRequestLine, type RequestLineLogger } from '../../src/core/request-log/request-log-line.js';
import { GatewayError } from '../../src/domain/gateway-error.js';
import { makeRequestLog } from '../storage/fixtures.js';

function capture(enabled: (level: string) => boolean = () => true) {
  const lines: Array<{ level: 'warn' | 'info'; fields: Record<string, unknown>; message: string }> = [];
  const logger: RequestLineLogger = {
    warn: (fields, message) => lines.push({ level: 'warn', fields: fields as Record<string, unknown>, message }),
    info: (fields, message) => lines.push({ level: 'info', fields: fields as Record<string, unknown>, message }),
    isLevelEnabled: enabled,
  };
  return { lines, logger };
}

const NO_FACTS = { error: undefined, usage: undefined };

describe('the request log line', () => {
  it('logs an answered request at info with ids, route, provider, model, latency, tokens and cost', () => {
    const { lines, logger } = capture();
    const usage = create(UsageSchema, { inputTokens: 100, outputTokens: 20, cacheWriteTokens: 40 });
    logRequestLine(logger, makeRequestLog({ status: 'ok', stream: true, ttftMs: 120 }), { error: undefined, usage });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.level).toBe('info');
    expect(lines[0]!.message).toBe('request completed');
    expect(lines[0]!.fields).toMatchObject({
      requestId: 'client-request-1',
      keyId: 'key-1',
      surface: 'openai',
      operation: 'chat',
      stream: true,
      model: 'smart',
      route: 'smart',
      provider: 'prov-1',
      upstreamModel: 'gpt-4o',
      status: 'ok',
      attempts: 1,
      latencyMs: 850,
      ttftMs: 120,
      inputTokens: 100,
      outputTokens: 20,
      cacheWriteTokens: 40,
      costUsd: 0.00045,
    });
    // Tracing fills the trace id later; until then the field is left out, not logged empty.
    expect(lines[0]!.fields['traceId']).toBeUndefined();
    expect(lines[0]!.fields['errorKind']).toBeUndefined();
  });

  it('lists the attempts of a failed-over request, and leaves the field out when no upstream was called', () => {
    const { lines, logger } = capture();
    const attemptTrail = [
      { providerId: 'pa', upstreamModel: 'hang-a', outcome: 'deadline_exceeded', upstreamStatus: 0, durationMs: 4001 },
      { providerId: 'pb', upstreamModel: 'ok-b', outcome: 'ok', upstreamStatus: 200, durationMs: 12 },
    ];
    logRequestLine(logger, makeRequestLog({ attempts: 2, attemptTrail }), NO_FACTS);
    logRequestLine(logger, makeRequestLog({ attempts: 0, attemptTrail: [] }), NO_FACTS);
    expect(lines[0]!.fields['attemptTrail']).toEqual([
      { provider: 'pa', upstreamModel: 'hang-a', outcome: 'deadline_exceeded', status: 0, durationMs: 4001 },
      { provider: 'pb', upstreamModel: 'ok-b', outcome: 'ok', status: 200, durationMs: 12 },
    ]);
    expect(lines[1]!.fields).not.toHaveProperty('attemptTrail', expect.anything());
  });

  it('carries the trace id when one is given', () => {
    const { lines, logger } = capture();
    logRequestLine(logger, makeRequestLog(), { ...NO_FACTS, traceId: '4bf92f3577b34da6a3ce929d0e0e4736' });
    expect(lines[0]!.fields['traceId']).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it('warns for upstream faults (an upstream 429 included) and informs for the client’s mistakes, limit refusals and cancellations', () => {
    const { lines, logger } = capture();
    const failed = (errorKind: string, error: unknown = undefined) =>
      logRequestLine(logger, makeRequestLog({ status: 'error', errorKind, errorMessage: `${errorKind} happened` }), { error, usage: undefined });
    failed('unavailable', new GatewayError('unavailable', 'provider p could not be reached'));
    failed('resource_exhausted', new GatewayError('resource_exhausted', 'the upstream answered 429'));
    failed('resource_exhausted', new RateLimitError('requests', 'too many requests', UNLIMITED_STATE, 3));
    failed('resource_exhausted', new BudgetExceededError('budget used up', { unit: 'usd', spent: 5, reserved: 0, requested: 1, budget: 5, resetsAt: null }));
    failed('invalid_argument');
    logRequestLine(logger, makeRequestLog({ status: 'canceled', errorKind: 'canceled', errorMessage: 'the client left' }), NO_FACTS);
    expect(lines.map((line) => `${line.level} ${line.message}`)).toEqual([
      'warn request failed',
      'warn request failed',
      'info request refused',
      'info request refused',
      'info request refused',
      'info request canceled',
    ]);
    expect(lines[0]!.fields).toMatchObject({ status: 'error', errorKind: 'unavailable', error: 'unavailable happened' });
  });

  it('never carries a body, the client’s address or user agent', () => {
    const { lines, logger } = capture();
    logRequestLine(
      logger,
      makeRequestLog({ requestBody: '{"messages":"sk-gw-SECRETSECRET"}', responseBody: '{"answer":"private"}', clientIp: '203.0.113.9', userAgent: 'secret-agent' }),
      NO_FACTS,
    );
    const text = JSON.stringify(lines);
    for (const leak of ['sk-gw-SECRETSECRET', 'private', '203.0.113.9', 'secret-agent']) expect(text).not.toContain(leak);
  });

  it('builds nothing below its level: info lines are skipped at warn, failures still warn', () => {
    const { lines, logger } = capture((level) => level === 'warn');
    logRequestLine(logger, makeRequestLog({ status: 'ok' }), NO_FACTS);
    logRequestLine(logger, makeRequestLog({ status: 'error', errorKind: 'unavailable' }), NO_FACTS);
    expect(lines.map((line) => line.message)).toEqual(['request failed']);
  });
});
