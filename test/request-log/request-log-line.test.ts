// One console line per failed request: upstream and gateway faults warn, the
// client's own mistakes and refusals are info, answered and abandoned requests say nothing.
import { describe, expect, it } from 'vitest';
import { logFailure } from '../../src/core/request-log/failure-log-line.js';
import { makeRequestLog } from '../storage/fixtures.js';

function capture() {
  const lines: Array<{ level: 'warn' | 'info'; fields: Record<string, unknown>; message: string }> = [];
  return {
    lines,
    logger: {
      warn: (fields: object, message: string) => lines.push({ level: 'warn', fields: fields as Record<string, unknown>, message }),
      info: (fields: object, message: string) => lines.push({ level: 'info', fields: fields as Record<string, unknown>, message }),
    },
  };
}

describe('the failure log line', () => {
  it('warns for an upstream fault with what an operator needs, informs for a refusal, ignores the rest', () => {
    const { lines, logger } = capture();
    logFailure(logger, makeRequestLog({ status: 'error', errorKind: 'unavailable', errorMessage: 'provider p could not be reached', providerId: 'p', requestId: 'req-1' }));
    logFailure(logger, makeRequestLog({ status: 'error', errorKind: 'resource_exhausted', errorMessage: 'budget exhausted' }));
    logFailure(logger, makeRequestLog({ status: 'ok' }));
    logFailure(logger, makeRequestLog({ status: 'canceled', errorKind: 'canceled' }));
    expect(lines.map((line) => `${line.level} ${line.message}`)).toEqual(['warn request failed', 'info request refused']);
    expect(lines[0]!.fields).toMatchObject({ requestId: 'req-1', provider: 'p', errorKind: 'unavailable', error: 'provider p could not be reached' });
  });
});
