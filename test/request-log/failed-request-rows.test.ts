// A request that failed after upstream calls keeps them in its row: how many
// attempts were made, on which route, and the provider and model of the last
// one — through the OpenAI and Anthropic shims (unary) and the RPC (a stream
// that fails before its first chunk), whose error answers list them in
// x-gateway-attempts too. A request that never reached an upstream has none.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectError } from '@connectrpc/connect';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startRoutingHarness, type RoutingHarness } from '../routing/routing-harness.js';

interface LoggedRow {
  requestedModel: string;
  route: string;
  providerId: string;
  upstreamModel: string;
  status: string;
  errorKind: string;
  attempts?: number;
  stream?: boolean;
  surface: string;
}

let harness: RoutingHarness;
beforeAll(async () => {
  harness = await startRoutingHarness();
  // Both targets answer 503; one retry each: four upstream calls, none answered.
  await harness.createRoute('all-down', 'priority', ['down-a', 'down-r'], { maxRetries: 1 });
});
afterAll(() => harness?.close());

/** The newest row for `model` once the writer has it (rows are written behind the answer). */
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

describe('the request-log row of a failed request', () => {
  it('through the OpenAI shim: four attempts on the route, the last target named', async () => {
    const failure = await harness.openai.chat.completions.create({ model: 'all-down', messages: [{ role: 'user', content: 'Hi' }] }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect((failure as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect(harness.upstream.calls('down-a')).toBe(2);
    expect(harness.upstream.calls('down-r')).toBe(2);
    // The client is told too, as an answer lists its attempts.
    const attemptsHeader = (failure as InstanceType<typeof OpenAI.APIError>).headers?.get('x-gateway-attempts') ?? '';
    expect(attemptsHeader.split(', ').map((entry) => entry.replace(/ \d+ms$/, ''))).toEqual([
      'fault/down-a=unavailable 503',
      'fault/down-a=unavailable 503',
      'fault/down-r=unavailable 503',
      'fault/down-r=unavailable 503',
    ]);

    const row = await rowFor('all-down', 'openai');
    expect(row).toMatchObject({ route: 'all-down', providerId: 'fault', upstreamModel: 'down-r', status: 'REQUEST_STATUS_ERROR', errorKind: 'unavailable', attempts: 4 });
  });

  it('through the RPC, a stream that failed before its first chunk: the same', async () => {
    const chunks: unknown[] = [];
    const failure = await (async () => {
      for await (const message of harness.rpc.streamComplete(harness.chat('all-down'))) chunks.push(message);
    })().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConnectError);
    expect((failure as ConnectError).metadata.get('x-gateway-attempts')?.split(', ')).toHaveLength(4);

    const row = await rowFor('all-down', 'rpc');
    expect(row).toMatchObject({ route: 'all-down', providerId: 'fault', upstreamModel: 'down-r', stream: true, attempts: 4 });
  });

  it('a request its client canceled while the upstream worked: one attempt, on the model it waited for', async () => {
    const controller = new AbortController();
    const call = harness.openai.chat.completions.create({ model: 'fault/hang-f', messages: [{ role: 'user', content: 'Hi' }] }, { signal: controller.signal });
    const settled = call.catch((error: unknown) => error);
    while (harness.upstream.calls('hang-f') === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    expect(await settled).toBeInstanceOf(OpenAI.APIUserAbortError);

    const row = await rowFor('fault/hang-f', 'openai');
    expect(row).toMatchObject({ providerId: 'fault', upstreamModel: 'hang-f', status: 'REQUEST_STATUS_CANCELED', attempts: 1 });
  });

  it("through the Anthropic shim, the upstream's own 400: one attempt, in the row and in the error's headers", async () => {
    const anthropic = new Anthropic({ baseURL: harness.gateway.url, apiKey: harness.secret, maxRetries: 0 });
    const failure = await anthropic.messages.create({ model: 'fault/bad-e', max_tokens: 16, messages: [{ role: 'user', content: 'Hi' }] }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Anthropic.BadRequestError);
    expect((failure as InstanceType<typeof Anthropic.APIError>).headers?.get('x-gateway-attempts')).toMatch(/^fault\/bad-e=invalid_argument 400 \d+ms$/);

    const row = await rowFor('fault/bad-e', 'anthropic');
    expect(row).toMatchObject({ providerId: 'fault', upstreamModel: 'bad-e', errorKind: 'invalid_argument', attempts: 1 });
  });

  it('an SSE request the upstream refused before any event: a JSON error with its attempt', async () => {
    const failure = await harness.openai.chat.completions.create({ model: 'fault/bad-e', stream: true, messages: [{ role: 'user', content: 'Hi' }] }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.BadRequestError);
    expect((failure as InstanceType<typeof OpenAI.APIError>).headers?.get('x-gateway-attempts')).toMatch(/^fault\/bad-e=invalid_argument 400 \d+ms$/);
  });

  it('a request refused before any upstream call has no attempts and no upstream model', async () => {
    const failure = await harness.openai.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'Hi' }] }).catch((error: unknown) => error);
    expect((failure as InstanceType<typeof OpenAI.APIError>).status).toBe(404);
    expect((failure as InstanceType<typeof OpenAI.APIError>).headers?.get('x-gateway-attempts')).toBeNull();

    const row = await rowFor('no-such-model', 'openai');
    expect(row.upstreamModel ?? '').toBe('');
    expect(row.attempts ?? 0).toBe(0);
  });
});
