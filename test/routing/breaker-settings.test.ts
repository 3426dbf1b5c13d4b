// GATEWAY_BREAKER_FAILURES and GATEWAY_BREAKER_COOL_DOWN_MS through the real
// server: a target's breaker opens after that many consecutive failures,
// rejects without calling the upstream while open, and lets a probe through
// once the cool-down has passed (the default, 30 s, would outlast the bound).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { startRoutingHarness, type RoutingHarness } from './routing-harness.js';

let harness: RoutingHarness;
beforeAll(async () => {
  harness = await startRoutingHarness({ GATEWAY_BREAKER_FAILURES: '2', GATEWAY_BREAKER_COOL_DOWN_MS: '2000' });
});
afterAll(() => harness?.close());

const call = () =>
  harness.openai.chat.completions.create({ model: 'fault/down-a', messages: [{ role: 'user', content: 'Hi' }] }).then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error as InstanceType<typeof OpenAI.APIError>,
  );

describe('circuit breaker settings', () => {
  it('opens after two failures, answers 503 without an upstream call, probes again after the cool-down', async () => {
    expect((await call()).status).toBe(503);
    expect((await call()).status).toBe(503);
    expect(harness.upstream.calls('down-a')).toBe(2);

    const rejected = await call();
    expect(rejected.status).toBe(503);
    expect(rejected.message).toMatch(/circuit open/);
    expect(harness.upstream.calls('down-a')).toBe(2);

    // Once the cool-down has passed, a probe reaches the upstream again (well before the default 30 s).
    const deadline = Date.now() + 15_000;
    while (harness.upstream.calls('down-a') === 2 && Date.now() < deadline) {
      await call();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(harness.upstream.calls('down-a')).toBe(3);
  });
});
