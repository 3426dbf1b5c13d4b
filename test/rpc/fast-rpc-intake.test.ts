// The intake that serves the RPC fast path's calls before Fastify (src/rpc/fast-path/fast-rpc-intake.ts),
// on real node:http and node:http2 servers: which requests it takes and which it leaves to Fastify
// (here a fallback that answers 299), and that a call it takes carries what Fastify would have given
// it — the request id, the client's address under trustProxy, the x-request-id header, a server span,
// its place under the in-flight cap. The answers themselves are compared with connect-es's in
// fast-path.test.ts, through a whole gateway.
import http from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createFastRpcIntake, type FastRpcIntake, type FastRpcIntakeOptions } from '../../src/rpc/fast-path/fast-rpc-intake.js';
import type { FastCall, FastMethodName } from '../../src/rpc/fast-path/fast-call.js';
import type { FastServing } from '../../src/rpc/fast-path/fast-rpc-routes.js';
import { InFlightLimit } from '../../src/server/in-flight-limit.js';
import { createRequestIdentifier, type RequestIdentityOptions } from '../../src/server/request-identity.js';
import { createRequestIdReader } from '../../src/server/client-request-id.js';
import type { RequestTracer, TraceSpan } from '../../src/domain/trace-span.js';

const COMPLETE = '/llmgateway.v1.CompletionService/Complete';
const STREAM = '/llmgateway.v1.CompletionService/StreamComplete';
const quietLog = { warn: () => undefined, info: () => undefined };

interface Taken {
  call: FastCall;
  method: FastMethodName;
  protocol: string;
}

interface Harness {
  intake: FastRpcIntake;
  taken: Taken[];
  errors: object[];
  url: string;
  /** Holds the answers of taken calls open until called. */
  release: () => void;
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** The intake on a node:http (1) or node:http2 (2) server; `serve` fails for calls whose path ends in "?fail". */
type HarnessOverrides = Partial<Omit<FastRpcIntakeOptions, 'identify'>> & Partial<Omit<RequestIdentityOptions, 'requestIdOf'>>;

async function harness(version: 1 | 2, overrides: HarnessOverrides = {}, options: { holdAnswers?: boolean; failing?: boolean } = {}): Promise<Harness> {
  const taken: Taken[] = [];
  const errors: object[] = [];
  let release = () => undefined as void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const answer = async (call: FastCall, method: FastMethodName, protocol: string) => {
    taken.push({ call, method, protocol });
    if (options.failing) throw new Error('the answer could not be written');
    if (options.holdAnswers && !call.refused) await held;
    const response = call.response as http.ServerResponse;
    response.writeHead(200, { ...call.replyHeaders, 'x-served-by': 'fast-path' });
    response.end(call.refused ? 'refused' : 'served');
  };
  const serving: FastServing = {
    enveloped: { serve: (call, method, protocol) => answer(call, method, protocol) },
    connectUnary: { serve: (call) => answer(call, 'complete', 'connect-unary') },
  };
  let counter = 0;
  const intake = createFastRpcIntake({
    serving,
    paths: new Map<string, FastMethodName>([
      [COMPLETE, 'complete'],
      [STREAM, 'streamComplete'],
    ]),
    identify: createRequestIdentifier({
      requestIdOf: createRequestIdReader(() => quietLog, () => `req_generated_${(counter += 1)}`),
      trustedProxies: overrides.trustedProxies ?? [],
      tracer: overrides.tracer,
      tls: overrides.tls ?? false,
    }),
    inFlight: overrides.inFlight ?? new InFlightLimit(0, quietLog),
    cors: overrides.cors ?? false,
    log: { error: (details) => errors.push(details) },
  });
  const handler = (request: http.IncomingMessage, response: http.ServerResponse) => {
    if (intake.take(request, response)) return;
    response.writeHead(299, { 'x-served-by': 'fastify' });
    response.end();
  };
  const server = version === 1 ? http.createServer(handler) : http2.createServer(handler as never);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        release();
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { intake, taken, errors, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, release };
}

interface Answer {
  status: number;
  servedBy: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

async function http1(url: string, path: string, headers: Record<string, string>, method = 'POST'): Promise<Answer> {
  const response = await fetch(url + path, { method, headers, ...(method === 'POST' ? { body: 'x' } : {}) });
  return { status: response.status, servedBy: response.headers.get('x-served-by') ?? undefined, headers: Object.fromEntries(response.headers), body: await response.text() };
}

function h2(url: string, path: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(url);
    session.on('error', reject);
    const stream = session.request({ ':method': 'POST', ':path': path, ...headers });
    let answerHeaders: http2.IncomingHttpHeaders = {};
    let body = '';
    stream.on('response', (received) => (answerHeaders = received));
    stream.setEncoding('utf8');
    stream.on('data', (part: string) => (body += part));
    stream.on('error', () => undefined);
    stream.on('close', () => {
      session.close();
      const status = Number(answerHeaders[':status'] ?? 0);
      resolve({ status, servedBy: answerHeaders['x-served-by'] as string | undefined, headers: answerHeaders, body });
    });
    stream.end('x');
  });
}

describe('what the intake takes before Fastify', () => {
  it('over HTTP/2: gRPC (binary, identity) of both methods and every fast protocol; not JSON gRPC, compressed frames or other methods', async () => {
    const { url, taken } = await harness(2);
    expect((await h2(url, STREAM, { 'content-type': 'application/grpc', te: 'trailers' })).servedBy).toBe('fast-path');
    expect((await h2(url, COMPLETE, { 'content-type': 'application/grpc+proto' })).servedBy).toBe('fast-path');
    expect((await h2(url, COMPLETE, { 'content-type': 'application/proto' })).servedBy).toBe('fast-path');
    expect(taken.map(({ method, protocol }) => `${method} ${protocol}`)).toEqual(['streamComplete grpc', 'complete grpc', 'complete connect-unary']);
    expect((await h2(url, COMPLETE, { 'content-type': 'application/grpc+json' })).servedBy).toBe('fastify');
    expect((await h2(url, COMPLETE, { 'content-type': 'application/grpc', 'grpc-encoding': 'gzip' })).servedBy).toBe('fastify');
    expect((await h2(url, '/llmgateway.v1.KeysService/ListKeys', { 'content-type': 'application/grpc' })).servedBy).toBe('fastify');
    expect(taken).toHaveLength(3);
  });

  it('over HTTP/1.1: Connect unary, Connect streams and gRPC-Web; not gRPC, GETs, query strings or other paths', async () => {
    const { url, taken } = await harness(1);
    expect((await http1(url, COMPLETE, { 'content-type': 'application/proto' })).servedBy).toBe('fast-path');
    expect((await http1(url, COMPLETE, { 'content-type': 'application/json' })).servedBy).toBe('fast-path');
    expect((await http1(url, STREAM, { 'content-type': 'application/connect+proto' })).servedBy).toBe('fast-path');
    expect((await http1(url, STREAM, { 'content-type': 'application/grpc-web+proto' })).servedBy).toBe('fast-path');
    expect(taken.map(({ method, protocol }) => `${method} ${protocol}`)).toEqual([
      'complete connect-unary',
      'complete connect-unary',
      'streamComplete connect-stream',
      'streamComplete grpc-web',
    ]);
    expect((await http1(url, COMPLETE, { 'content-type': 'application/grpc' })).servedBy).toBe('fastify');
    expect((await http1(url, `${COMPLETE}?encoding=proto`, {}, 'GET')).servedBy).toBe('fastify');
    expect((await http1(url, `${COMPLETE}?x=1`, { 'content-type': 'application/proto' })).servedBy).toBe('fastify');
    expect((await http1(url, '/v1/chat/completions', { 'content-type': 'application/json' })).servedBy).toBe('fastify');
    expect(taken).toHaveLength(4);
  });

  it('leaves everything to Fastify once stopped (shutdown), and calls with an Origin when CORS is configured', async () => {
    const plain = await harness(1);
    expect((await http1(plain.url, COMPLETE, { 'content-type': 'application/proto', origin: 'https://app.example' })).servedBy).toBe('fast-path');
    plain.intake.stop();
    expect((await http1(plain.url, COMPLETE, { 'content-type': 'application/proto' })).servedBy).toBe('fastify');
    const withCors = await harness(1, { cors: true });
    expect((await http1(withCors.url, COMPLETE, { 'content-type': 'application/proto', origin: 'https://app.example' })).servedBy).toBe('fastify');
    expect((await http1(withCors.url, COMPLETE, { 'content-type': 'application/proto' })).servedBy).toBe('fast-path');
  });
});

describe('what a call taken before Fastify carries', () => {
  it('the request id: the client’s x-request-id, or the next generated one; answered in x-request-id', async () => {
    const { url, taken } = await harness(2);
    const given = await h2(url, STREAM, { 'content-type': 'application/grpc', 'x-request-id': 'client-chosen-7' });
    const generated = await h2(url, STREAM, { 'content-type': 'application/grpc' });
    expect(taken.map(({ call }) => call.id)).toEqual(['client-chosen-7', 'req_generated_1']);
    expect(given.headers['x-request-id']).toBe('client-chosen-7');
    expect(generated.headers['x-request-id']).toBe('req_generated_1');
  });

  it('the client address: the socket’s, and X-Forwarded-For only from a trusted proxy', async () => {
    const untrusting = await harness(1);
    await http1(untrusting.url, COMPLETE, { 'content-type': 'application/proto', 'x-forwarded-for': '203.0.113.9' });
    expect(untrusting.taken[0]!.call.ip).toBe('127.0.0.1');
    const trusting = await harness(1, { trustedProxies: ['127.0.0.1'] });
    await http1(trusting.url, COMPLETE, { 'content-type': 'application/proto', 'x-forwarded-for': '198.51.100.4, 203.0.113.9' });
    expect(trusting.taken[0]!.call.ip).toBe('203.0.113.9');
    const otherProxy = await harness(2, { trustedProxies: ['10.0.0.1'] });
    await h2(otherProxy.url, COMPLETE, { 'content-type': 'application/grpc', 'x-forwarded-for': '203.0.113.9' });
    expect(otherProxy.taken[0]!.call.ip).toBe('127.0.0.1');
  });

  it('a place under the in-flight cap until its answer closes; past the cap it is marked refused', async () => {
    const inFlight = new InFlightLimit(1, quietLog);
    const { url, taken, release } = await harness(1, { inFlight }, { holdAnswers: true });
    const first = http1(url, COMPLETE, { 'content-type': 'application/proto' });
    await expect.poll(() => taken.length).toBe(1);
    const second = await http1(url, COMPLETE, { 'content-type': 'application/proto' });
    expect(second.body).toBe('refused');
    expect(inFlight.refusedTotal).toBe(1);
    release();
    expect((await first).body).toBe('served');
    await expect.poll(() => inFlight.inFlight).toBe(0);
  });

  it('with tracing: a server span named by its route, ended with the status, its trace id in x-trace-id', async () => {
    const spans: Array<{ name: string; attributes: Record<string, unknown>; ended: boolean; traceparent: string | undefined }> = [];
    const tracer: RequestTracer = {
      startServerSpan(name, incoming, attributes) {
        const record = { name, attributes: { ...attributes } as Record<string, unknown>, ended: false, traceparent: incoming.traceparent };
        spans.push(record);
        const span: Partial<TraceSpan> = {
          traceId: '0af7651916cd43dd8448eb211c80319c',
          setAttributes: (more) => void Object.assign(record.attributes, more),
          fail: () => undefined,
          end: () => void (record.ended = true),
        };
        return span as TraceSpan;
      },
      shutdown: async () => undefined,
    };
    const { url, taken } = await harness(2, { tracer });
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const answer = await h2(url, STREAM, { 'content-type': 'application/grpc', traceparent, 'user-agent': 'grpc-node/1.0' });
    expect(answer.headers['x-trace-id']).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(taken[0]!.call.traceSpan).toBeDefined();
    await expect.poll(() => spans[0]?.ended).toBe(true);
    expect(spans[0]).toMatchObject({
      name: `POST ${STREAM}`,
      traceparent,
      attributes: { 'http.request.method': 'POST', 'http.route': STREAM, 'url.path': STREAM, 'url.scheme': 'http', 'network.protocol.version': '2.0', 'client.address': '127.0.0.1', 'user_agent.original': 'grpc-node/1.0', 'http.response.status_code': 200 },
    });
  });

  it('with tracing behind a trusted proxy: the span has the forwarded client address and scheme, as Fastify reads them', async () => {
    const schemes: unknown[] = [];
    const tracer: RequestTracer = {
      startServerSpan(_name, _incoming, attributes) {
        schemes.push([attributes['url.scheme'], attributes['client.address']]);
        return { traceId: '0af7651916cd43dd8448eb211c80319c', setAttributes: () => undefined, fail: () => undefined, end: () => undefined } as Partial<TraceSpan> as TraceSpan;
      },
      shutdown: async () => undefined,
    };
    const forwarded = { 'content-type': 'application/proto', 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'http, https' };
    const trusting = await harness(1, { tracer, trustedProxies: ['127.0.0.1'] });
    await http1(trusting.url, COMPLETE, forwarded);
    const untrusting = await harness(1, { tracer });
    await http1(untrusting.url, COMPLETE, forwarded);
    expect(schemes).toEqual([
      ['https', '203.0.113.9'],
      ['http', '127.0.0.1'],
    ]);
  });

  it('an answer that fails after it was taken is logged with its request id, and its response cut', async () => {
    const { url, errors } = await harness(1, {}, { failing: true });
    await expect(fetch(url + COMPLETE, { method: 'POST', headers: { 'content-type': 'application/proto', 'x-request-id': 'doomed-1' }, body: 'x' })).rejects.toThrow();
    expect(errors).toEqual([expect.objectContaining({ path: COMPLETE, requestId: 'doomed-1' })]);
  });
});
