import { describe, expect, it } from 'vitest';
import { fromHeadersLike, fromRecord, retryAfterSeconds } from '../../../src/providers/shared/retry-after.js';

const NOW = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');

describe('retryAfterSeconds', () => {
  it('reads seconds and HTTP dates, rounding up to whole seconds, and milliseconds as they are', () => {
    expect(retryAfterSeconds(fromRecord({ 'retry-after': '3' }))).toBe(3);
    expect(retryAfterSeconds(fromRecord({ 'retry-after': '1.5' }))).toBe(2);
    // The gateway's own retry waits 250 ms, not a whole second (the edges still answer whole seconds).
    expect(retryAfterSeconds(fromRecord({ 'retry-after-ms': '250' }))).toBe(0.25);
    expect(retryAfterSeconds(fromRecord({ 'retry-after': 'Wed, 21 Oct 2015 07:28:10 GMT' }), NOW)).toBe(10);
    // A date in the past: retry now.
    expect(retryAfterSeconds(fromRecord({ 'retry-after': 'Wed, 21 Oct 2015 07:27:00 GMT' }), NOW)).toBe(0);
  });

  it('prefers retry-after-ms over retry-after', () => {
    expect(retryAfterSeconds(fromRecord({ 'retry-after-ms': '1500', 'retry-after': '9' }))).toBe(1.5);
    expect(retryAfterSeconds(fromHeadersLike(new Headers({ 'retry-after-ms': '300', 'retry-after': '1' })))).toBe(0.3);
  });

  it('is undefined when absent, empty or unreadable', () => {
    expect(retryAfterSeconds(fromRecord({}))).toBeUndefined();
    expect(retryAfterSeconds(fromRecord({ 'retry-after': '  ' }))).toBeUndefined();
    expect(retryAfterSeconds(fromRecord({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(retryAfterSeconds(fromHeadersLike(new Headers()))).toBeUndefined();
    expect(retryAfterSeconds(fromHeadersLike(undefined))).toBeUndefined();
  });
});
