// An upstream that reads a completion request and then drops the connection
// before answering may have acted on it (and billed it): the gateway never
// sends that POST again behind the router's back, even on a pooled keep-alive
// socket, where the drop looks like a stale connection. Every request the
// upstream received is an attempt the client is told about (x-gateway-attempts)
// and the request-log row counts: a directly addressed model gets exactly one,
// a route as many as its maxRetries allow (README: "Routes: one name, several targets, failover").
import { ConnectError } from '@connectrpc/connect';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRoutingHarness, type RoutingHarness } from './routing-harness.js';

interface LoggedRow {
  requestedModel: string;
  surface: string;
  attempts?: number;
}

let harness: RoutingHarness;
beforeAll(async () => {
  harness = await startRoutingHarness();
  await harness.createRoute('drops-twice', 'priority', ['reset-h'], { maxRetries: 1 });
});
afterAll(() => harness?.close());

/** A successful call first, so that the next one goes out on a pooled socket (where a reset once meant "stale"). */
async function warmPool(): Promise<void> {
  await harness.openai.chat.completions.create({ model: 'fault/ok-c', messages: [{ role: 'user', content: 'Hi' }] });
}

async function rowFor(model: string, surface: string): Promise<LoggedRow> {
  for (let tries = 0; tries < 50; tries += 1) {
    await harness.gateway.gateway.requestLog.flush();
    const listed = (await harness.admin('UsageService/ListRequests', { pageSize: 100 })) as { requests?: LoggedRow[] };
    const row = listed.requests?.find((entry) => entry.requestedModel === model && entry.surface === surface);
    if (row) return row;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no request-log row for ${model} on ${surface}`);
}

const attemptsOf = (header: string | null | undefined) => (header ?? '').split(', ').map((entry) => entry.replace(/ \d+ms$/, ''));

describe('a connection the upstream drops after reading the request', () => {
  it('a directly addressed model: one request upstream, one attempt listed and logged (openai SDK)', async () => {
    await warmPool();
    const before = harness.upstream.calls('reset-h');
    const failure = await harness.openai.chat.completions.create({ model: 'fault/reset-h', messages: [{ role: 'user', content: 'Hi' }] }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect((failure as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect(harness.upstream.calls('reset-h') - before).toBe(1);
    expect(attemptsOf((failure as InstanceType<typeof OpenAI.APIError>).headers?.get('x-gateway-attempts'))).toEqual(['fault/reset-h=unavailable 0']);
    expect(await rowFor('fault/reset-h', 'openai')).toMatchObject({ attempts: 1 });
  });

  it('the same through the RPC', async () => {
    await warmPool();
    const before = harness.upstream.calls('reset-h');
    const failure = await harness.rpc.complete(harness.chat('fault/reset-h')).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConnectError);
    expect(harness.upstream.calls('reset-h') - before).toBe(1);
    expect(attemptsOf((failure as ConnectError).metadata.get('x-gateway-attempts'))).toEqual(['fault/reset-h=unavailable 0']);
    expect(await rowFor('fault/reset-h', 'rpc')).toMatchObject({ attempts: 1 });
  });

  it('a route with one retry: as many requests upstream as attempts listed, two', async () => {
    await warmPool();
    const before = harness.upstream.calls('reset-h');
    const failure = await harness.openai.chat.completions.create({ model: 'drops-twice', messages: [{ role: 'user', content: 'Hi' }] }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect(attemptsOf((failure as InstanceType<typeof OpenAI.APIError>).headers?.get('x-gateway-attempts'))).toEqual(['fault/reset-h=unavailable 0', 'fault/reset-h=unavailable 0']);
    expect(harness.upstream.calls('reset-h') - before).toBe(2);
    expect(await rowFor('drops-twice', 'openai')).toMatchObject({ attempts: 2 });
  });
});
