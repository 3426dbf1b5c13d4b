// Pure helpers of the usage log: body redaction and budget periods.
import { describe, expect, it } from 'vitest';
import { budgetPeriodAt, budgetPeriodIdsAt } from '../../src/core/limits/budget-period.js';
import { capBytes, redactBody, REDACTED } from '../../src/core/request-log/redact-body.js';

describe('redactBody', () => {
  it('removes credential properties at any depth and keeps everything else', () => {
    const body = {
      model: 'gpt-4o',
      max_tokens: 100,
      apiKey: 'abc',
      nested: { api_key: 'k', 'x-api-key': 'k2', Authorization: 'Basic Zm9v', client_secret: 's', password: 'p', tokens: 5 },
      list: [{ access_token: 't' }, { refreshToken: 'r' }],
      empty: { api_key: '' },
    };
    const redacted = JSON.parse(redactBody(body) ?? 'null') as Record<string, unknown>;
    expect(redacted).toEqual({
      model: 'gpt-4o',
      max_tokens: 100,
      apiKey: REDACTED,
      nested: { api_key: REDACTED, 'x-api-key': REDACTED, Authorization: REDACTED, client_secret: REDACTED, password: REDACTED, tokens: 5 },
      list: [{ access_token: REDACTED }, { refreshToken: REDACTED }],
      empty: { api_key: '' },
    });
  });

  it('removes sk-… keys, Bearer credentials and Google keys inside any text', () => {
    const gatewayKey = 'sk-gw-AbCdEfGhIjKlMnOpQrStUvWxYz012345';
    const text = `{"messages":[{"role":"user","content":"my key is ${gatewayKey} and sk-proj-abcdefghijklmnop1234, header Bearer eyJhbGciOi.J9x, AIzaSyA-1234567890abcdefghijklmnopqrstu"}]}`;
    const redacted = redactBody(text) ?? '';
    expect(redacted).not.toContain(gatewayKey);
    expect(redacted).not.toContain('sk-proj-abcdefghijklmnop1234');
    expect(redacted).not.toContain('eyJhbGciOi');
    expect(redacted).not.toContain('AIzaSy');
    expect(redacted).toContain('my key is sk-[REDACTED]');
    expect(JSON.parse(redacted)).toMatchObject({ messages: [{ role: 'user' }] });
    expect(redactBody('ask about the sk- prefix and a task-list')).toBe('ask about the sk- prefix and a task-list');
  });

  it('treats text that is not JSON (e.g. cut short) with the same property rules', () => {
    const cut = '{"model":"m","api_key":"sk-live-secret-value-123","nested":{"password":"hunter2","temperature":0.2},"x":"unterminated';
    const redacted = redactBody(cut) ?? '';
    expect(redacted).toBe(
      '{"model":"m","api_key":"[REDACTED]","nested":{"password":"[REDACTED]","temperature":0.2},"x":"unterminated',
    );
    expect(redactBody('{"Authorization":"tail-cut')).toBe('{"Authorization":"[REDACTED]');
  });

  it('caps the size at a character boundary with a truncation marker', () => {
    const big = 'é'.repeat(40_000); // 80 000 bytes
    const capped = redactBody(big) ?? '';
    expect(Buffer.byteLength(capped)).toBeLessThan(64 * 1024 + 100);
    expect(capped).toMatch(/^é+…\[truncated: 80000 bytes in total\]$/);
    expect(capBytes('😀😀😀', 6)).toBe('😀…[truncated: 12 bytes in total]');
    expect(capBytes('short', 6)).toBe('short');
    expect(redactBody(null)).toBeNull();
    expect(redactBody(undefined)).toBeNull();
    expect(redactBody({ big: 10n })).toBe('{"big":"10"}');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(redactBody(cyclic)).toMatch(/^\[body could not be serialised\]$|^\{"self":/);
  });
});

describe('budget periods', () => {
  const at = (iso: string) => Date.parse(iso);

  it('day, week, month and total periods in UTC with the shared id format', () => {
    const instant = at('2026-11-26T15:30:00.000Z'); // a Thursday
    expect(budgetPeriodAt('day', instant)).toEqual({ id: 'day:2026-11-26', start: at('2026-11-26T00:00:00Z'), end: at('2026-11-27T00:00:00Z') });
    expect(budgetPeriodAt('week', instant)).toEqual({ id: 'week:2026-W48', start: at('2026-11-23T00:00:00Z'), end: at('2026-11-30T00:00:00Z') });
    expect(budgetPeriodAt('month', instant)).toEqual({ id: 'month:2026-11', start: at('2026-11-01T00:00:00Z'), end: at('2026-12-01T00:00:00Z') });
    expect(budgetPeriodAt('total', instant)).toEqual({ id: 'total', start: 0, end: null });
    expect(budgetPeriodIdsAt(instant)).toEqual({ day: 'day:2026-11-26', week: 'week:2026-W48', month: 'month:2026-11', total: 'total' });
  });

  it('boundaries: midnight, Monday 00:00, the 1st, and ISO week-numbering years', () => {
    expect(budgetPeriodAt('day', at('2026-11-26T23:59:59.999Z')).id).toBe('day:2026-11-26');
    expect(budgetPeriodAt('day', at('2026-11-27T00:00:00.000Z')).id).toBe('day:2026-11-27');
    expect(budgetPeriodAt('week', at('2026-11-29T23:59:59.999Z')).id).toBe('week:2026-W48'); // Sunday
    expect(budgetPeriodAt('week', at('2026-11-30T00:00:00.000Z')).id).toBe('week:2026-W49'); // Monday
    expect(budgetPeriodAt('week', at('2024-12-30T08:00:00Z')).id).toBe('week:2025-W01'); // Monday of 2025's week 1
    expect(budgetPeriodAt('week', at('2021-01-03T08:00:00Z')).id).toBe('week:2020-W53'); // Sunday in 2020's week 53
    expect(budgetPeriodAt('week', at('2026-01-01T00:00:00Z'))).toMatchObject({ id: 'week:2026-W01', start: at('2025-12-29T00:00:00Z') });
    expect(budgetPeriodAt('month', at('2026-12-31T23:59:59.999Z'))).toMatchObject({ id: 'month:2026-12', end: at('2027-01-01T00:00:00Z') });
    expect(budgetPeriodAt('month', at('2027-01-01T00:00:00Z')).id).toBe('month:2027-01');
    expect(budgetPeriodAt('month', at('2028-02-29T12:00:00Z'))).toMatchObject({ start: at('2028-02-01T00:00:00Z'), end: at('2028-03-01T00:00:00Z') });
  });
});
