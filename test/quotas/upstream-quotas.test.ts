// Upstream quotas through the real server with the official clients: a
// provider's max_concurrent holds the upstream to that many requests at once
// while the rest wait in its queue and are served; a requests-per-minute quota
// without a queue refuses at once with 429 / RESOURCE_EXHAUSTED and retry-after
// on every surface; a full queue, a wait past max_wait and a client leaving the
// queue; a route passing over its saturated target; GetUpstreamUsage and the
// metrics showing it all. The fixture upstream counts what it really saw.
import { randomBytes } from 'node:crypto';
import Anthropic from '@anthropic-ai/sdk';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../gen/llmgateway/v1/chat_pb.js';
import { CompletionService } from '../../gen/llmgateway/v1/completion_service_pb.js';
import { startCountingUpstream, type CountingUpstream } from '../fixtures/counting-upstream.js';
import { adminCaller, type AdminCall } from '../helpers/admin-call.js';
import { waitFor } from '../helpers/gateway-process.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';

let upstream: CountingUpstream;
let gateway: StartedGateway;
let admin: AdminCall;
let openai: OpenAI;
let secret: string;

const provider = (id: string, models: string[], limits: object) =>
  admin('ProvidersService/CreateProvider', {
    id,
    name: id,
    type: 'PROVIDER_TYPE_OPENAI',
    baseUrl: upstream.baseUrl,
    apiKey: upstream.apiKey,
    models: models.map((upstreamModel) => ({ upstreamModel })),
    ...limits,
  });

const ask = (model: string, signal?: AbortSignal) =>
  openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'Hello' }] }, signal ? { signal } : {});

/** The refusal an SDK call ended with (fails the test when the call succeeded). */
async function refusal(call: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof OpenAI.APIError)) throw new Error(`expected an API error, got ${String(error)}`);
  return error;
}

/** GetUpstreamUsage's rows, with the zeros proto3 JSON leaves out put back. */
async function usage(providerId: string): Promise<Array<Record<string, unknown>>> {
  const rows = ((await admin('ProvidersService/GetUpstreamUsage', { providerId }))['usages'] ?? []) as Array<Record<string, unknown>>;
  return rows.map((row) => ({ upstreamModel: '', inFlight: 0, queueDepth: 0, requestsInWindow: 0, tokensInWindow: 0, ...row }));
}

const queueDepthOf = async (providerId: string) => Number((await usage(providerId))[0]?.['queueDepth'] ?? 0);

async function waitForQueueDepth(providerId: string, depth: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while ((await queueDepthOf(providerId)) !== depth) {
    if (Date.now() > deadline) throw new Error(`queue of ${providerId} never reached ${depth}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function metrics(): Promise<string> {
  const response = await fetch(`${gateway.url}/metrics`, { headers: { authorization: `Bearer ${gateway.adminToken}` } });
  expect(response.status).toBe(200);
  return response.text();
}

const sample = (text: string, name: string, labels: string) => {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}{${labels}}`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
};

beforeAll(async () => {
  upstream = await startCountingUpstream({ delayMs: 60 });
  gateway = await startGateway({ GATEWAY_ADMIN_TOKEN: randomBytes(24).toString('hex'), GATEWAY_MASTER_KEY: randomBytes(32).toString('base64'), GATEWAY_LOG_LEVEL: 'warn' });
  admin = adminCaller(gateway.url, gateway.adminToken);
  secret = String((await admin('KeysService/CreateKey', { name: 'quota-tests' }))['secret']);
  openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: secret, maxRetries: 0 });
});

afterAll(async () => {
  upstream?.release();
  await gateway?.close();
  await upstream?.close();
});

describe('max_concurrent with a queue', () => {
  it('holds the upstream to 2 in flight while 10 concurrent requests (unary and streamed) all succeed', async () => {
    await provider('narrow', ['hold-narrow'], { quota: { maxConcurrent: 2 }, queue: { maxLength: 20, maxWait: '60s' } });
    const unary = Array.from({ length: 5 }, () => ask('narrow/hold-narrow').then((answer) => answer.choices[0]?.message.content));
    const streamed = Array.from({ length: 5 }, async () => {
      const stream = await openai.chat.completions.create({ model: 'narrow/hold-narrow', messages: [{ role: 'user', content: 'Hello' }], stream: true });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      return text;
    });
    // The upstream holds what it got: 2 reach it, 8 wait in the queue (no timing involved).
    await waitForQueueDepth('narrow', 8);
    // The slots are taken before the upstream has read the bodies: wait for it to hold both.
    await waitFor(() => upstream.inFlight('hold-narrow') === 2, 'the upstream to hold 2');
    const labels = 'provider="narrow",model="hold-narrow"';
    const during = await metrics();
    expect(sample(during, 'llm_gateway_upstream_queue_depth', labels)).toBe(8);
    expect(sample(during, 'llm_gateway_upstream_in_flight', labels)).toBe(2);
    upstream.release();
    const answers = await Promise.all([...unary, ...streamed]);
    upstream.hold();
    expect(answers).toEqual(Array.from({ length: 10 }, () => 'answered by hold-narrow'));
    expect(upstream.calls('hold-narrow')).toBe(10);
    expect(upstream.peak('hold-narrow')).toBe(2);

    const text = await metrics();
    expect(sample(text, 'llm_gateway_upstream_queue_wait_seconds_count', labels)).toBe(10);
    // 8 of the 10 found both slots taken and waited.
    expect(sample(text, 'llm_gateway_upstream_queue_wait_seconds_sum', labels)).toBeGreaterThan(0);
    expect(sample(text, 'llm_gateway_upstream_in_flight', labels)).toBe(0);
    expect(sample(text, 'llm_gateway_upstream_queue_depth', labels)).toBe(0);
    expect(await usage('narrow')).toEqual([expect.objectContaining({ providerId: 'narrow', quota: { maxConcurrent: 2 }, inFlight: 0, queueDepth: 0 })]);
  });
});

describe('the issue’s case: 10 concurrent allowed, 50 sent at once', () => {
  it('has 10 in flight at the upstream, queues the rest, refuses none and serves all 50', async () => {
    await provider('wide', ['hold-wide'], { quota: { maxConcurrent: 10 }, queue: { maxLength: 100, maxWait: '60s' } });
    const answers = Promise.all(Array.from({ length: 50 }, () => ask('wide/hold-wide').then((answer) => answer.choices[0]?.message.content)));
    await waitForQueueDepth('wide', 40);
    await waitFor(() => upstream.inFlight('hold-wide') === 10, 'the upstream to hold 10');
    upstream.release();
    expect((await answers).filter((answer) => answer === 'answered by hold-wide')).toHaveLength(50);
    upstream.hold();
    expect(upstream.calls('hold-wide')).toBe(50);
    expect(upstream.peak('hold-wide')).toBe(10);
    expect(sample(await metrics(), 'llm_gateway_upstream_quota_rejections_total', 'provider="wide",model="hold-wide",reason="max_wait"')).toBeUndefined();
  });
});

describe('requests per minute without a queue', () => {
  it('answers 5, then refuses with 429 / RESOURCE_EXHAUSTED and retry-after on the OpenAI, Anthropic and Connect surfaces', async () => {
    await provider('metered', ['rpm-a'], { quota: { requestsPerMinute: 5 }, queue: { maxLength: 0 } });
    for (let index = 0; index < 5; index += 1) expect((await ask('metered/rpm-a')).choices[0]?.message.content).toBe('answered by rpm-a');

    const refused = await refusal(ask('metered/rpm-a'));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers?.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.message).toContain('provider metered allows 5 requests per minute');

    const anthropic = new Anthropic({ baseURL: gateway.url, apiKey: secret, maxRetries: 0 });
    const anthropicError = await anthropic.messages.create({ model: 'metered/rpm-a', max_tokens: 16, messages: [{ role: 'user', content: 'Hello' }] }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(anthropicError).toBeInstanceOf(Anthropic.APIError);
    expect((anthropicError as InstanceType<typeof Anthropic.APIError>).status).toBe(429);
    expect(Number((anthropicError as InstanceType<typeof Anthropic.APIError>).headers?.get('retry-after'))).toBeGreaterThanOrEqual(1);

    const connect = createClient(
      CompletionService,
      createConnectTransport({
        baseUrl: gateway.url,
        httpVersion: '1.1',
        interceptors: [(next) => (request) => (request.header.set('authorization', `Bearer ${secret}`), next(request))],
      }),
    );
    const connectError = ConnectError.from(
      await connect
        .complete({ chat: { model: 'metered/rpm-a', messages: [{ role: Role.USER, content: [{ kind: { case: 'text', value: { text: 'Hello' } } }] }] } })
        .then(
          () => undefined,
          (caught: unknown) => caught,
        ),
    );
    expect(connectError.code).toBe(Code.ResourceExhausted);
    expect(Number(connectError.metadata.get('retry-after'))).toBeGreaterThanOrEqual(1);

    expect(upstream.calls('rpm-a')).toBe(5);
    expect(sample(await metrics(), 'llm_gateway_upstream_quota_rejections_total', 'provider="metered",model="rpm-a",reason="queue_disabled"')).toBe(3);
    expect(await usage('metered')).toEqual([expect.objectContaining({ requestsInWindow: 5, inFlight: 0, queueDepth: 0 })]);
  });
});

describe('the queue’s bounds', () => {
  it('refuses with 429 and retry-after a request that waited past max_wait', async () => {
    await provider('patient', ['hold-patient'], { quota: { maxConcurrent: 1 }, queue: { maxLength: 5, maxWait: '0.3s' } });
    const first = ask('patient/hold-patient');
    await waitFor(() => upstream.inFlight('hold-patient') === 1, 'the first request to reach the upstream');
    const refused = await refusal(ask('patient/hold-patient'));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers?.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.message).toMatch(/waited \d+ ms in its queue \(max 300 ms\)/);
    expect(await usage('patient')).toEqual([expect.objectContaining({ inFlight: 1, queueDepth: 0 })]);
    upstream.release();
    expect((await first).choices[0]?.message.content).toBe('answered by hold-patient');
    upstream.hold();
    expect(upstream.calls('hold-patient')).toBe(1);
    expect(sample(await metrics(), 'llm_gateway_upstream_quota_rejections_total', 'provider="patient",model="hold-patient",reason="max_wait"')).toBe(1);
  });

  it('refuses at once when the queue is full, and a client that leaves the queue frees its place', async () => {
    await provider('crowded', ['hold-crowded'], { quota: { maxConcurrent: 1 }, queue: { maxLength: 1, maxWait: '30s' } });
    const first = ask('crowded/hold-crowded');
    await waitFor(() => upstream.inFlight('hold-crowded') === 1, 'the first request to reach the upstream');
    const leaving = new AbortController();
    const second = ask('crowded/hold-crowded', leaving.signal).then(
      () => 'answered',
      () => 'left',
    );
    await waitForQueueDepth('crowded', 1);
    expect(sample(await metrics(), 'llm_gateway_upstream_queue_depth', 'provider="crowded",model="hold-crowded"')).toBe(1);

    const refused = await refusal(ask('crowded/hold-crowded'));
    expect(refused.status).toBe(429);
    expect(refused.message).toContain('its queue is full (1 waiting)');

    leaving.abort();
    expect(await second).toBe('left');
    await waitForQueueDepth('crowded', 0);
    // Its place is free again: the next request waits instead of being refused, and is served.
    const third = ask('crowded/hold-crowded');
    await waitForQueueDepth('crowded', 1);
    upstream.release();
    expect((await first).choices[0]?.message.content).toBe('answered by hold-crowded');
    expect((await third).choices[0]?.message.content).toBe('answered by hold-crowded');
    upstream.hold();
    expect(upstream.calls('hold-crowded')).toBe(2); // the one that left never reached the upstream
  });
});

describe('a route over a saturated target', () => {
  it('sends the request to the next target instead of waiting', async () => {
    await provider('busy', ['hold-busy'], { quota: { maxConcurrent: 1 }, queue: { maxLength: 5, maxWait: '30s' } });
    await provider('spare', ['free-spare'], {});
    await admin('RoutesService/CreateRoute', {
      name: 'spill',
      strategy: 'ROUTE_STRATEGY_PRIORITY',
      targets: [
        { providerId: 'busy', upstreamModel: 'hold-busy' },
        { providerId: 'spare', upstreamModel: 'free-spare' },
      ],
    });
    const first = ask('spill');
    await waitFor(() => upstream.inFlight('hold-busy') === 1, 'the first request to hold the busy target');
    expect((await ask('spill')).choices[0]?.message.content).toBe('answered by free-spare');
    expect(upstream.calls('hold-busy')).toBe(1);
    expect(await queueDepthOf('busy')).toBe(0);
    upstream.release();
    expect((await first).choices[0]?.message.content).toBe('answered by hold-busy');
    upstream.hold();
  });
});

describe('quota administration', () => {
  it('refuses invalid quotas with the field path, and update_mask sets and clears them', async () => {
    const invalid = (body: object) =>
      admin('ProvidersService/CreateProvider', { name: 'invalid', type: 'PROVIDER_TYPE_OPENAI', apiKey: upstream.apiKey, ...body }).then(
        () => 'created',
        (error: Error) => error.message,
      );
    expect(await invalid({ models: [{ upstreamModel: 'm', quota: { maxConcurrent: -1 } }] })).toMatch(/400.*invalid_argument.*models\[0\]\.quota\.max_concurrent/);
    expect(await invalid({ queue: { maxLength: 5 } })).toMatch(/400.*queue\.max_wait: is required/);
    expect(await invalid({ queue: { maxLength: 5, maxWait: '3600s' } })).toMatch(/queue\.max_wait: must be at most 600 s/);

    await provider('editable', ['e-1'], {});
    const set = (await admin('ProvidersService/UpdateProvider', { id: 'editable', quota: { requestsPerMinute: 60, tokensPerMinute: 1000 }, updateMask: 'quota' }))['provider'];
    expect(set).toMatchObject({ quota: { requestsPerMinute: 60, tokensPerMinute: 1000 } });
    expect((await admin('ProvidersService/GetProvider', { id: 'editable' }))['provider']).toMatchObject({ quota: { requestsPerMinute: 60 } });
    const cleared = (await admin('ProvidersService/UpdateProvider', { id: 'editable', updateMask: 'quota' }))['provider'] as Record<string, unknown>;
    expect(cleared['quota']).toBeUndefined();
    expect(await usage('editable')).toEqual([]);
  });
});
