// The deadline an RPC client sends (gRPC's grpc-timeout, Connect's connect-timeout-ms), on the fast
// path and on connect-es's handlers (GATEWAY_RPC_FAST_PATH=off). One that passes while the upstream
// is still working is DEADLINE_EXCEEDED for the client (Connect unary: HTTP 504) and for the
// request-log row — not CANCELED, as if the client had left —, also while the call waits in the
// response cache's flight. One longer than a timer holds (≥ 2^31 ms, e.g. grpc-timeout 597H) is no
// deadline at all, not an immediate one.
// The clients set the header by hand, as a client whose deadline the server enforces: with the
// `timeoutMs` call option connect-node runs the same deadline itself and answers its own
// DEADLINE_EXCEEDED before the gateway's answer arrives.
import http2 from 'node:http2';
import { create, toBinary } from '@bufbuild/protobuf';
import { Code, ConnectError, createClient, type Interceptor, type Transport } from '@connectrpc/connect';
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from '@connectrpc/connect-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompleteRequestSchema, CompletionService } from '../../gen/llmgateway/v1/completion_service_pb.js';
import { startRoutingHarness, type RoutingHarness } from '../routing/routing-harness.js';

/** Answers after 3 s: far past the deadlines below. */
const SLOW_MODEL = 'late/slow3000-d';

interface LoggedRow {
  requestId: string;
  status: string;
  errorKind: string;
  stream?: boolean;
}

const paths = { fast: {} as RoutingHarness, 'connect-es': {} as RoutingHarness };
type PathName = keyof typeof paths;

beforeAll(async () => {
  const [fast, connectEs] = await Promise.all([startRoutingHarness({ GATEWAY_LOG_LEVEL: 'warn' }), startRoutingHarness({ GATEWAY_LOG_LEVEL: 'warn', GATEWAY_RPC_FAST_PATH: 'off' })]);
  paths.fast = fast;
  paths['connect-es'] = connectEs;
  await Promise.all([fast.addFaultProvider('late', ['slow3000-d']), connectEs.addFaultProvider('late', ['slow3000-d'])]);
});
afterAll(async () => {
  await Promise.all(Object.values(paths).map((harness) => harness.close?.()));
});

type Protocol = 'grpc' | 'grpc-web' | 'connect';
const timeoutHeader = (protocol: Protocol, ms: number): [string, string] =>
  protocol === 'connect' ? ['connect-timeout-ms', String(ms)] : ['grpc-timeout', `${ms}m`];

function transportFor(harness: RoutingHarness, protocol: Protocol, headers: Record<string, string>, secret = harness.secret): Transport {
  const setHeaders: Interceptor = (next) => (request) => {
    request.header.set('authorization', `Bearer ${secret}`);
    for (const [name, value] of Object.entries(headers)) request.header.set(name, value);
    return next(request);
  };
  const options = { baseUrl: harness.gateway.url, interceptors: [setHeaders] };
  if (protocol === 'grpc') return createGrpcTransport(options);
  if (protocol === 'grpc-web') return createGrpcWebTransport({ ...options, httpVersion: '1.1' });
  return createConnectTransport({ ...options, httpVersion: '1.1' });
}

async function rowOf(harness: RoutingHarness, requestId: string): Promise<LoggedRow> {
  for (let tries = 0; tries < 100; tries += 1) {
    await harness.gateway.gateway.requestLog.flush();
    const listed = (await harness.admin('UsageService/ListRequests', { pageSize: 100 })) as { requests?: LoggedRow[] };
    const row = listed.requests?.find((entry) => entry.requestId === requestId);
    if (row) return row;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no request-log row for ${requestId}`);
}

const failureOf = (call: Promise<unknown>) => call.then(() => undefined, (error: unknown) => error);

describe.each(['fast', 'connect-es'] as PathName[])('a client deadline that passes while the upstream works (%s)', (pathName) => {
  describe.each(['grpc', 'grpc-web', 'connect'] as Protocol[])('%s', (protocol) => {
    it('unary: DEADLINE_EXCEEDED for the client, deadline_exceeded in the row', async () => {
      const harness = paths[pathName];
      const requestId = `deadline-unary-${pathName}-${protocol}`;
      const client = createClient(CompletionService, transportFor(harness, protocol, Object.fromEntries([timeoutHeader(protocol, 700), ['x-request-id', requestId]])));
      const failure = await failureOf(client.complete(harness.chat(SLOW_MODEL)));
      expect(failure).toBeInstanceOf(ConnectError);
      expect(Code[(failure as ConnectError).code]).toBe(Code[Code.DeadlineExceeded]);
      expect(await rowOf(harness, requestId)).toMatchObject({ status: 'REQUEST_STATUS_ERROR', errorKind: 'deadline_exceeded' });
    });

    it('stream: ends DEADLINE_EXCEEDED, deadline_exceeded in the row', async () => {
      const harness = paths[pathName];
      const requestId = `deadline-stream-${pathName}-${protocol}`;
      const client = createClient(CompletionService, transportFor(harness, protocol, Object.fromEntries([timeoutHeader(protocol, 700), ['x-request-id', requestId]])));
      const failure = await failureOf((async () => {
        for await (const _message of client.streamComplete(harness.chat(SLOW_MODEL)));
      })());
      expect(failure).toBeInstanceOf(ConnectError);
      expect(Code[(failure as ConnectError).code]).toBe(Code[Code.DeadlineExceeded]);
      expect(await rowOf(harness, requestId)).toMatchObject({ status: 'REQUEST_STATUS_ERROR', errorKind: 'deadline_exceeded', stream: true });
    });
  });

  it("a key whose answers are cached (the call waits in the cache's flight): the same, unary and stream", async () => {
    const harness = paths[pathName];
    const { secret } = (await harness.admin('KeysService/CreateKey', { name: `cached-${pathName}`, cacheEnabled: true })) as { secret: string };
    const unaryId = `deadline-cached-unary-${pathName}`;
    const streamId = `deadline-cached-stream-${pathName}`;
    const clientWith = (requestId: string) =>
      createClient(CompletionService, transportFor(harness, 'grpc', { 'grpc-timeout': '700m', 'x-request-id': requestId }, secret));
    const unary = await failureOf(clientWith(unaryId).complete(harness.chat(SLOW_MODEL, 'cached unary')));
    const stream = await failureOf((async () => {
      for await (const _message of clientWith(streamId).streamComplete(harness.chat(SLOW_MODEL, 'cached stream')));
    })());
    expect([unary, stream].map((failure) => Code[(failure as ConnectError).code])).toEqual([Code[Code.DeadlineExceeded], Code[Code.DeadlineExceeded]]);
    expect(await rowOf(harness, unaryId)).toMatchObject({ status: 'REQUEST_STATUS_ERROR', errorKind: 'deadline_exceeded' });
    expect(await rowOf(harness, streamId)).toMatchObject({ status: 'REQUEST_STATUS_ERROR', errorKind: 'deadline_exceeded' });
  });

  it('Connect unary on the wire: HTTP 504, code deadline_exceeded', async () => {
    const harness = paths[pathName];
    const response = await fetch(`${harness.gateway.url}/llmgateway.v1.CompletionService/Complete`, {
      method: 'POST',
      headers: { authorization: `Bearer ${harness.secret}`, 'content-type': 'application/json', 'connect-timeout-ms': '700' },
      body: JSON.stringify({ chat: { model: SLOW_MODEL, messages: [{ role: 'ROLE_USER', content: [{ text: { text: 'Hi' } }] }] } }),
    });
    expect(response.status).toBe(504);
    expect(((await response.json()) as { code: string }).code).toBe('deadline_exceeded');
  });
});

/** A raw gRPC Complete with its grpc-timeout as given (clients cap what they send): the grpc-status it ends with. */
function grpcStatusWithTimeout(harness: RoutingHarness, grpcTimeout: string): Promise<string | undefined> {
  const body = toBinary(CompleteRequestSchema, create(CompleteRequestSchema, harness.chat('fault/ok-x')));
  const frame = Buffer.alloc(5 + body.byteLength);
  frame.writeUInt32BE(body.byteLength, 1);
  frame.set(body, 5);
  const session = http2.connect(harness.gateway.url);
  return new Promise<string | undefined>((resolve, reject) => {
    const stream = session.request({
      ':method': 'POST',
      ':path': '/llmgateway.v1.CompletionService/Complete',
      'content-type': 'application/grpc',
      te: 'trailers',
      authorization: `Bearer ${harness.secret}`,
      'grpc-timeout': grpcTimeout,
    });
    let headers: http2.IncomingHttpHeaders = {};
    let trailers: http2.IncomingHttpHeaders | undefined;
    stream.on('response', (received) => (headers = received));
    stream.on('trailers', (received) => (trailers = received));
    stream.on('error', reject);
    stream.resume();
    stream.on('end', () => resolve(String((trailers ?? headers)['grpc-status'])));
    stream.end(frame);
  }).finally(() => session.close());
}

describe.each(['fast', 'connect-es'] as PathName[])('a deadline longer than a timer holds is no deadline (%s)', (pathName) => {
  it.each(['597H', '8760H', '2147484S', '99999999H'])('gRPC, grpc-timeout %s: answered', async (grpcTimeout) => {
    expect(await grpcStatusWithTimeout(paths[pathName], grpcTimeout)).toBe('0');
  });

  it.each(['2147483648', '9999999999'])('Connect, connect-timeout-ms %s: answered, unary and stream', async (timeoutMs) => {
    const harness = paths[pathName];
    const client = createClient(CompletionService, transportFor(harness, 'connect', { 'connect-timeout-ms': timeoutMs }));
    const answer = await client.complete(harness.chat('fault/ok-x'));
    expect(answer.response?.choices[0]?.message?.content[0]?.kind.value).toMatchObject({ text: 'served by x' });
    const cases: Array<string | undefined> = [];
    for await (const message of client.streamComplete(harness.chat('fault/ok-x'))) cases.push(message.chunk?.event.case);
    expect(cases).toContain('finish');
  });

  it('a timer-sized deadline still holds: grpc-timeout 596H answers', async () => {
    expect(await grpcStatusWithTimeout(paths[pathName], '596H')).toBe('0');
  });
});
