// The rate limits --workers shares: worker-side limiters talking to the
// primary's host through an in-process channel that delivers asynchronously
// (JSON round trip, as node:cluster's IPC does).
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/domain/gateway-error.js';
import { RateLimitError } from '../../src/core/limits/limit-errors.js';
import { UNLIMITED_TICKET } from '../../src/core/limits/rate-limiter.js';
import type { PrimaryMessage, WorkerMessage } from '../../src/cluster/messages.js';
import { createRateLimitHost, type RateLimitHost } from '../../src/cluster/rate-limit-host.js';
import { createWorkerRateLimiter } from '../../src/cluster/worker-rate-limiter.js';
import { keyWith } from '../limits/limits-fakes.js';

function connectWorker(host: RateLimitHost, workerId: number) {
  const listeners: Array<(message: PrimaryMessage) => void> = [];
  const sent: WorkerMessage[] = [];
  let connected = true;
  const limiter = createWorkerRateLimiter({
    send(message) {
      if (!connected) return false;
      sent.push(message);
      const copy = JSON.parse(JSON.stringify(message)) as WorkerMessage;
      setImmediate(() =>
        host.handle(workerId, copy, (answer) => {
          const delivered = JSON.parse(JSON.stringify(answer)) as PrimaryMessage;
          setImmediate(() => listeners.forEach((listener) => listener(delivered)));
        }),
      );
      return true;
    },
    onMessage: (listener) => void listeners.push(listener),
  });
  return { limiter, sent, disconnect: () => (connected = false) };
}

async function refusalOf(promise: Promise<unknown>): Promise<RateLimitError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(RateLimitError);
  return error as RateLimitError;
}

describe('rate limits shared by workers through the primary', () => {
  it('counts one limit across workers and refuses with the numbers a single process would give', async () => {
    const host = createRateLimitHost();
    const first = connectWorker(host, 1);
    const second = connectWorker(host, 2);
    const key = keyWith({ limits: { requestsPerMinute: 3 } });
    const tickets = [await first.limiter.acquire(key, 0), await second.limiter.acquire(key, 0), await first.limiter.acquire(key, 0)];
    expect(tickets.map((ticket) => ticket.state().requests.remaining)).toEqual([2, 1, 0]);
    const refused = await refusalOf(second.limiter.acquire(key, 0));
    expect(refused.limit).toBe('requests');
    expect(refused.message).toBe('rate limit: 3 requests per minute for this key');
    expect(refused.retryAfterSeconds).toBeGreaterThan(0);
    expect(refused.state.requests).toMatchObject({ limit: 3, remaining: 0 });
    expect(await second.limiter.peek(key)).toMatchObject({ requests: { limit: 3, remaining: 0 } });
  });

  it('never leaves the worker for a key without limits', async () => {
    const worker = connectWorker(createRateLimitHost(), 1);
    expect(await worker.limiter.acquire(keyWith(), 1000)).toBe(UNLIMITED_TICKET);
    expect(worker.sent).toEqual([]);
  });

  it('frees a concurrency slot when the ticket settles, and all of a dead worker’s slots', async () => {
    const host = createRateLimitHost();
    const first = connectWorker(host, 1);
    const second = connectWorker(host, 2);
    const key = keyWith({ limits: { concurrentRequests: 1 } });

    const held = await first.limiter.acquire(key, 10);
    expect((await refusalOf(second.limiter.acquire(key, 10))).limit).toBe('concurrency');
    held.settle(12);
    held.settle(12); // only the first counts
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(host.openTickets()).toBe(0);

    await first.limiter.acquire(key, 10); // held by worker 1, which then dies
    expect(host.openTickets()).toBe(1);
    host.workerGone(1);
    expect(host.openTickets()).toBe(0);
    const afterDeath = await second.limiter.acquire(key, 10);
    expect(afterDeath.state().requests.limit).toBe(0);
  });

  it('ignores a finish for a ticket another worker holds', async () => {
    const host = createRateLimitHost();
    const key = keyWith({ limits: { concurrentRequests: 1 } });
    await connectWorker(host, 1).limiter.acquire(key, 0);
    host.handle(2, { type: 'gateway:limit-finish', ticket: 1, tokens: 0, settled: true }, () => undefined);
    expect(host.openTickets()).toBe(1);
  });

  it('fails what is pending, as unavailable, when the primary goes away', async () => {
    const never = createWorkerRateLimiter({ send: () => true, onMessage: () => undefined });
    const pending = never.acquire(keyWith({ limits: { requestsPerMinute: 5 } }), 0);
    never.failPending();
    await expect(pending).rejects.toMatchObject({ kind: 'unavailable' });
    await expect(pending).rejects.toBeInstanceOf(GatewayError);

    const closed = connectWorker(createRateLimitHost(), 1);
    closed.disconnect();
    await expect(closed.limiter.acquire(keyWith({ limits: { requestsPerMinute: 5 } }), 0)).rejects.toMatchObject({ kind: 'unavailable' });
  });
});
