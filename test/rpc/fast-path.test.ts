// CompletionService's fast path (src/rpc/fast-path) against connect-es itself: two gateways on the
// same fixture upstream, one with GATEWAY_RPC_FAST_PATH=off, and the same raw gRPC (node:http2) and
// Connect unary (fetch) requests to both. Status, headers, trailers and the decoded messages must
// be the same — successes, streams, errors with their metadata, malformed input — and the fast
// path's own duties (cancel, deadline, a client that stops reading) must hold.
import http2 from 'node:http2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Code } from '@connectrpc/connect';
import { create, fromBinary, toBinary, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import {
  CompleteRequestSchema,
  CompleteResponseSchema,
  StreamCompleteRequestSchema,
  StreamCompleteResponseSchema,
} from '../../gen/llmgateway/v1/completion_service_pb.js';
import { Role } from '../../gen/llmgateway/v1/chat_pb.js';
import type { FixtureUpstream } from '../fixtures/fixture-upstream.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';
import { adminCaller } from '../helpers/admin-call.js';
import { startFixture } from '../completion/matrix-setup.js';
import { fastProtocolOf } from '../../src/rpc/fast-path/fast-rpc-routes.js';

interface Served {
  gateway: StartedGateway;
  secret: string;
  limitedSecret: string;
  session: http2.ClientHttp2Session;
}

let fixture: FixtureUpstream;
let fast: Served;
let slow: Served;

const admin = (gateway: StartedGateway, method: string, body: object) => adminCaller(gateway.url, gateway.adminToken)(method, body);

async function serve(environment: Record<string, string>): Promise<Served> {
  const gateway = await startGateway({ GATEWAY_LOG_LEVEL: 'warn', ...environment });
  await admin(gateway, 'ProvidersService/CreateProvider', {
    id: 'openai',
    name: 'Fixture OpenAI',
    type: 'PROVIDER_TYPE_OPENAI',
    baseUrl: fixture.baseUrl,
    apiKey: fixture.apiKey,
    models: ['plain-text', 'slow-stream', 'error-429', 'parallel-tool-calls'].map((upstreamModel) => ({ upstreamModel })),
  });
  const secret = String((await admin(gateway, 'KeysService/CreateKey', { name: 'caller' }))['secret']);
  const limitedSecret = String((await admin(gateway, 'KeysService/CreateKey', { name: 'limited', rateLimits: { requestsPerMinute: 1 } }))['secret']);
  return { gateway, secret, limitedSecret, session: http2.connect(gateway.url) };
}

beforeAll(async () => {
  fixture = await startFixture('openai');
  [fast, slow] = await Promise.all([serve({}), serve({ GATEWAY_RPC_FAST_PATH: 'off' })]);
});

afterAll(async () => {
  for (const served of [fast, slow]) {
    served?.session.close();
    await served?.gateway.close();
  }
  await fixture?.close();
});

const chat = (model: string, text = 'Say hello') => ({ model, messages: [{ role: Role.USER, content: [{ kind: { case: 'text' as const, value: { text } } }] }] });

function frame(message: Uint8Array): Buffer {
  const bytes = Buffer.alloc(5 + message.byteLength);
  bytes.writeUInt32BE(message.byteLength, 1);
  bytes.set(message, 5);
  return bytes;
}

interface GrpcAnswer {
  headers: Record<string, string>;
  trailers: Record<string, string>;
  frames: Buffer[];
}

/** Headers that differ between any two answers (time, request id, HTTP/2 pseudo-headers' order aside). */
const VOLATILE = new Set(['date', 'x-request-id']);

/**
 * An attempt's duration differs between any two answers too; the rest of x-gateway-attempts must not.
 * grpc-message is compared as a client decodes it: the fast path escapes only what the gRPC spec
 * escapes (grpc-message.ts), connect-es everything encodeURIComponent does.
 */
const steady = (name: string, value: string) => (name === 'x-gateway-attempts' ? value.replace(/ \d+ms\b/g, ' (varies)ms') : name === 'grpc-message' ? decodeURIComponent(value) : value);

function stable(headers: http2.IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers)
      .filter(([name]) => !VOLATILE.has(name))
      .map(([name, value]) => [name, steady(name, String(value))])
      .sort(([a], [b]) => String(a).localeCompare(String(b))),
  );
}

/** secret null: no credential at all. */
function grpcCall(served: Served, method: string, body: Uint8Array, headers: Record<string, string> = {}, secret: string | null = served.secret): Promise<GrpcAnswer> {
  return new Promise((resolve, reject) => {
    const stream = served.session.request({
      ':method': 'POST',
      ':path': `/llmgateway.v1.CompletionService/${method}`,
      'content-type': 'application/grpc',
      te: 'trailers',
      ...(secret ? { authorization: `Bearer ${secret}` } : {}),
      ...headers,
    });
    const answer: GrpcAnswer = { headers: {}, trailers: {}, frames: [] };
    const received: Buffer[] = [];
    stream.on('response', (responseHeaders) => (answer.headers = stable(responseHeaders)));
    stream.on('trailers', (trailers) => (answer.trailers = stable(trailers)));
    stream.on('data', (part: Buffer) => received.push(part));
    stream.on('error', reject);
    stream.on('close', () => {
      let rest = Buffer.concat(received);
      while (rest.byteLength >= 5) {
        const length = rest.readUInt32BE(1);
        answer.frames.push(rest.subarray(0, 5 + length));
        rest = rest.subarray(5 + length);
      }
      resolve(answer);
    });
    stream.end(body);
  });
}

/** A decoded message with what differs per call (ids, times, the request id) blanked. */
function decoded<Desc extends DescMessage>(schema: Desc, frameBytes: Buffer): unknown {
  expect(frameBytes[0]).toBe(0);
  const message = fromBinary(schema, frameBytes.subarray(5)) as MessageShape<Desc>;
  return JSON.parse(
    JSON.stringify(message, (name, value: unknown) => {
      // Named first: a duration's seconds are a bigint, and a slow first call takes 1 s where the other took 0.
      if (['id', 'requestId', 'created', 'latency', 'latencyMs', 'seconds', 'nanos', 'responseId'].includes(name)) return '(varies)';
      if (typeof value === 'bigint') return value.toString();
      return value;
    }),
  );
}

const completeBody = (model: string) => frame(toBinary(CompleteRequestSchema, create(CompleteRequestSchema, { chat: chat(model) })));
const streamBody = (model: string) => frame(toBinary(StreamCompleteRequestSchema, create(StreamCompleteRequestSchema, { chat: chat(model) })));

async function bothGrpc(method: string, body: Uint8Array, headers: Record<string, string> = {}, secretOf: (served: Served) => string | null = (served) => served.secret) {
  const [fastAnswer, slowAnswer] = await Promise.all([grpcCall(fast, method, body, headers, secretOf(fast)), grpcCall(slow, method, body, headers, secretOf(slow))]);
  return { fastAnswer, slowAnswer };
}

describe('gRPC on the fast path answers as connect-es does', () => {
  it('Complete: headers, message and trailers', async () => {
    const { fastAnswer, slowAnswer } = await bothGrpc('Complete', completeBody('openai/plain-text'));
    expect(fastAnswer.headers).toEqual(slowAnswer.headers);
    expect(fastAnswer.headers['content-type']).toBe('application/grpc+proto');
    expect(fastAnswer.trailers).toEqual({ 'grpc-status': '0' });
    expect(slowAnswer.trailers).toEqual({ 'grpc-status': '0' });
    expect(fastAnswer.frames).toHaveLength(1);
    expect(decoded(CompleteResponseSchema, fastAnswer.frames[0]!)).toEqual(decoded(CompleteResponseSchema, slowAnswer.frames[0]!));
    expect(JSON.stringify(decoded(CompleteResponseSchema, fastAnswer.frames[0]!))).toContain('Hello, world!');
  });

  it('a frame flagged compressed without a grpc-encoding: the same status on both', async () => {
    for (const [method, body] of [['Complete', completeBody('openai/plain-text')], ['StreamComplete', streamBody('openai/plain-text')]] as const) {
      const flagged = Buffer.from(body);
      flagged[0] = 1;
      const { fastAnswer, slowAnswer } = await bothGrpc(method, flagged);
      expect(fastAnswer.trailers['grpc-status'] ?? fastAnswer.headers['grpc-status']).toBe(String(Code.Internal));
      expect(fastAnswer.trailers).toEqual(slowAnswer.trailers);
      expect(fastAnswer.headers).toEqual(slowAnswer.headers);
    }
  });

  it('StreamComplete: one frame per chunk, the same chunks, then the status', async () => {
    const { fastAnswer, slowAnswer } = await bothGrpc('StreamComplete', streamBody('openai/plain-text'));
    expect(fastAnswer.headers).toEqual(slowAnswer.headers);
    expect(fastAnswer.trailers).toEqual(slowAnswer.trailers);
    expect(fastAnswer.frames.length).toBeGreaterThan(4);
    expect(fastAnswer.frames.map((bytes) => decoded(StreamCompleteResponseSchema, bytes))).toEqual(slowAnswer.frames.map((bytes) => decoded(StreamCompleteResponseSchema, bytes)));
  });

  it('a client accepting gzip gets grpc-encoding: gzip on both (small messages stay uncompressed)', async () => {
    const { fastAnswer, slowAnswer } = await bothGrpc('StreamComplete', streamBody('openai/parallel-tool-calls'), { 'grpc-accept-encoding': 'gzip' });
    expect(fastAnswer.headers['grpc-encoding']).toBe('gzip');
    expect(fastAnswer.headers).toEqual(slowAnswer.headers);
    expect(fastAnswer.frames.map((bytes) => bytes[0])).toEqual(slowAnswer.frames.map((bytes) => bytes[0]));
  });

  const errorCases: Array<[string, string, () => Uint8Array, Record<string, string>, (served: Served) => string | null, string]> = [
    ['no key', 'StreamComplete', () => streamBody('openai/plain-text'), {}, () => null, '16'],
    ['a wrong key', 'Complete', () => completeBody('openai/plain-text'), {}, () => 'sk-gw-not-a-key-000000000000', '16'],
    ['undecodable protobuf', 'Complete', () => frame(Buffer.from([0xff, 0xff, 0xff, 0xff])), {}, (served) => served.secret, '3'],
    ['no chat', 'StreamComplete', () => frame(new Uint8Array()), {}, (served) => served.secret, '3'],
    ['an empty body', 'Complete', () => new Uint8Array(), {}, (served) => served.secret, '12'],
    ['two messages for a unary method', 'Complete', () => Buffer.concat([completeBody('openai/plain-text'), completeBody('openai/plain-text')]), {}, (served) => served.secret, '12'],
    // The message names the method's kind, as connect-es words it (not "unary" for a stream).
    ['an empty body to a stream', 'StreamComplete', () => new Uint8Array(), {}, (served) => served.secret, '12'],
    ['two messages for a server-streaming method', 'StreamComplete', () => Buffer.concat([streamBody('openai/plain-text'), streamBody('openai/plain-text')]), {}, (served) => served.secret, '12'],
    ['a frame shorter than it promised', 'Complete', () => completeBody('openai/plain-text').subarray(0, 12), {}, (served) => served.secret, '3'],
    ['an unknown model', 'Complete', () => completeBody('nowhere/none'), {}, (served) => served.secret, '5'],
    ['an upstream 429 (retry-after and x-should-retry in the trailers)', 'Complete', () => completeBody('openai/error-429'), {}, (served) => served.secret, '8'],
    ['an upstream 429 mid-call of a stream', 'StreamComplete', () => streamBody('openai/error-429'), {}, (served) => served.secret, '8'],
    ['an invalid grpc-timeout', 'Complete', () => completeBody('openai/plain-text'), { 'grpc-timeout': 'soon' }, (served) => served.secret, '3'],
    ['an unknown grpc-encoding', 'Complete', () => completeBody('openai/plain-text'), { 'grpc-encoding': 'zstd' }, (served) => served.secret, '12'],
  ];
  it.each(errorCases)('%s: the same status, message and metadata', async (_label, method, body, headers, secretOf, status) => {
    const { fastAnswer, slowAnswer } = await bothGrpc(method, body(), headers, secretOf);
    expect(fastAnswer.trailers['grpc-status']).toBe(status);
    expect(fastAnswer.trailers).toEqual(slowAnswer.trailers);
    expect(fastAnswer.headers).toEqual(slowAnswer.headers);
    // A stream may have sent its start before the upstream failed: the same frames on both.
    expect(fastAnswer.frames.map((bytes) => decoded(StreamCompleteResponseSchema, bytes))).toEqual(slowAnswer.frames.map((bytes) => decoded(StreamCompleteResponseSchema, bytes)));
  });

  it('a key over its requests per minute: resource exhausted with retry-after, on both', async () => {
    const limited = (served: Served) => served.limitedSecret;
    await bothGrpc('Complete', completeBody('openai/plain-text'), {}, limited);
    const { fastAnswer, slowAnswer } = await bothGrpc('Complete', completeBody('openai/plain-text'), {}, limited);
    expect(fastAnswer.trailers['grpc-status']).toBe('8');
    expect(Number(fastAnswer.trailers['retry-after'])).toBeGreaterThan(0);
    expect(Object.keys(fastAnswer.trailers).sort()).toEqual(Object.keys(slowAnswer.trailers).sort());
  });
});

describe('Connect unary on the fast path answers as connect-es does', () => {
  async function connectCall(served: Served, body: BodyInit, headers: Record<string, string>, secret: string | null) {
    const response = await fetch(`${served.gateway.url}/llmgateway.v1.CompletionService/Complete`, {
      method: 'POST',
      headers: { ...(secret ? { authorization: `Bearer ${secret}` } : {}), ...headers },
      body,
    });
    const headerEntries = Object.fromEntries([...response.headers].filter(([name]) => !VOLATILE.has(name) && name !== 'keep-alive').map(([name, value]) => [name, steady(name, value)]));
    return { status: response.status, headers: headerEntries, body: Buffer.from(await response.arrayBuffer()) };
  }
  const both = (body: () => BodyInit, headers: Record<string, string>, secretOf: (served: Served) => string | null = (served) => served.secret) =>
    Promise.all([connectCall(fast, body(), headers, secretOf(fast)), connectCall(slow, body(), headers, secretOf(slow))]);
  const jsonRequest = (model: string, extra: object = {}) => JSON.stringify({ chat: { model, messages: [{ role: 'ROLE_USER', content: [{ text: { text: 'Say hello' } }] }] }, ...extra });
  const blank = (text: string) => text.replace(/"(id|requestId|created|latency|duration)":\s*("[^"]*"|\d+)/g, '"$1":"(varies)"');
  /** A success's length varies with its ids and durations. */
  const withoutLength = ({ 'content-length': length, ...rest }: Record<string, string>) => (expect(Number(length)).toBeGreaterThan(0), rest);

  it('binary: the same status, headers and message', async () => {
    const body = () => toBinary(CompleteRequestSchema, create(CompleteRequestSchema, { chat: chat('openai/plain-text') }));
    const [fastAnswer, slowAnswer] = await both(body, { 'content-type': 'application/proto' });
    expect(fastAnswer.status).toBe(200);
    expect(withoutLength(fastAnswer.headers)).toEqual(withoutLength(slowAnswer.headers));
    expect(decoded(CompleteResponseSchema, frame(fastAnswer.body))).toEqual(decoded(CompleteResponseSchema, frame(slowAnswer.body)));
  });

  it('JSON, with a field the schema does not know (ignored, as connect-es does)', async () => {
    const [fastAnswer, slowAnswer] = await both(() => jsonRequest('openai/plain-text', { notAField: 1 }), { 'content-type': 'application/json' });
    expect(fastAnswer.status).toBe(200);
    expect(withoutLength(fastAnswer.headers)).toEqual(withoutLength(slowAnswer.headers));
    expect(JSON.parse(blank(fastAnswer.body.toString()))).toEqual(JSON.parse(blank(slowAnswer.body.toString())));
    expect(fastAnswer.body.toString()).toContain('Hello, world!');
  });

  it('a gzip-compressed request is read, and the answer encoded as connect-es encodes it', async () => {
    const { gzipSync } = await import('node:zlib');
    const [fastAnswer, slowAnswer] = await both(() => gzipSync(jsonRequest('openai/parallel-tool-calls')), {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
      'accept-encoding': 'gzip',
    });
    expect(fastAnswer.status).toBe(200);
    expect(withoutLength(fastAnswer.headers)).toEqual(withoutLength(slowAnswer.headers));
  });

  const errorCases: Array<[string, () => BodyInit, Record<string, string>, (served: Served) => string | null, number]> = [
    ['no key', () => jsonRequest('openai/plain-text'), { 'content-type': 'application/json' }, () => null, 401],
    ['JSON that does not parse', () => '{"chat": ', { 'content-type': 'application/json' }, (served) => served.secret, 400],
    ['undecodable protobuf', () => Buffer.from([0xff, 0xff, 0xff]), { 'content-type': 'application/proto' }, (served) => served.secret, 400],
    ['no chat', () => '{}', { 'content-type': 'application/json' }, (served) => served.secret, 400],
    ['an upstream 429', () => jsonRequest('openai/error-429'), { 'content-type': 'application/json' }, (served) => served.secret, 429],
    ['an invalid connect-timeout-ms', () => jsonRequest('openai/plain-text'), { 'content-type': 'application/json', 'connect-timeout-ms': 'x' }, (served) => served.secret, 400],
  ];
  it.each(errorCases)('%s: the same status, headers and error body', async (_label, body, headers, secretOf, status) => {
    const [fastAnswer, slowAnswer] = await both(body, headers, secretOf);
    expect(fastAnswer.status).toBe(status);
    expect(fastAnswer.status).toBe(slowAnswer.status);
    expect(JSON.parse(fastAnswer.body.toString())).toEqual(JSON.parse(slowAnswer.body.toString()));
    expect(fastAnswer.headers).toEqual(slowAnswer.headers);
  });
});

describe('gRPC-Web and Connect streaming on the fast path answer as connect-es does', () => {
  interface EnvelopedAnswer {
    status: number;
    headers: Record<string, string>;
    frames: Buffer[];
  }
  async function envelopedCall(served: Served, method: string, contentType: string, body: Uint8Array, headers: Record<string, string>, secret: string | null): Promise<EnvelopedAnswer> {
    const response = await fetch(`${served.gateway.url}/llmgateway.v1.CompletionService/${method}`, {
      method: 'POST',
      headers: { 'content-type': contentType, ...(secret ? { authorization: `Bearer ${secret}` } : {}), ...headers },
      body: Buffer.from(body),
    });
    let rest = Buffer.from(await response.arrayBuffer());
    const frames: Buffer[] = [];
    while (rest.byteLength >= 5) {
      const length = rest.readUInt32BE(1);
      frames.push(rest.subarray(0, 5 + length));
      rest = rest.subarray(5 + length);
    }
    const stableHeaders = Object.fromEntries([...response.headers].filter(([name]) => !VOLATILE.has(name) && name !== 'keep-alive').map(([name, value]) => [name, steady(name, value)]));
    return { status: response.status, headers: stableHeaders, frames };
  }
  const jsonEnvelope = (value: object) => frame(Buffer.from(JSON.stringify(value)));
  const jsonStreamRequest = (model: string) => jsonEnvelope({ chat: { model, messages: [{ role: 'ROLE_USER', content: [{ text: { text: 'Say hello' } }] }] } });
  /** Message frames decoded and blanked (their ids and durations vary); the last (status) frame as it is. */
  const comparable = (answer: EnvelopedAnswer, schema: DescMessage | 'json') => ({
    status: answer.status,
    headers: answer.headers,
    messages: answer.frames.slice(0, -1).map((bytes) =>
      schema === 'json' ? JSON.parse(Buffer.from(bytes.subarray(5)).toString().replace(/"(id|requestId|created|latency|duration)":\s*("[^"]*"|\d+)/g, '"$1":"(varies)"')) : decoded(schema, bytes),
    ),
    // The end frame: its flags and its text, the attempts' durations blanked as `steady` blanks them (a
    // gRPC-Web trailer line, a Connect end message's metadata) — so not its length, which they change.
    last: lastFrame(answer.frames.at(-1)),
  });

  const lastFrame = (frame: Buffer | undefined) =>
    frame && {
      flags: frame[0],
      text: frame
        .subarray(5)
        .toString('latin1')
        .replace(/(openai\/[\w-]+=\w+ \d+) \d+ms/g, '$1 (varies)ms')
        .replace(/^grpc-message: (.*)$/m, (_line, value: string) => `grpc-message: ${decodeURIComponent(value.trim())}`),
    };

  const cases: Array<[string, string, string, () => Uint8Array, DescMessage | 'json', Record<string, string>, (served: Served) => string | null]> = [
    ['gRPC-Web StreamComplete', 'StreamComplete', 'application/grpc-web+proto', () => streamBody('openai/plain-text'), StreamCompleteResponseSchema, {}, (served) => served.secret],
    ['gRPC-Web Complete', 'Complete', 'application/grpc-web+proto', () => completeBody('openai/plain-text'), CompleteResponseSchema, {}, (served) => served.secret],
    ['gRPC-Web with gzip accepted', 'StreamComplete', 'application/grpc-web+proto', () => streamBody('openai/parallel-tool-calls'), StreamCompleteResponseSchema, { 'grpc-accept-encoding': 'gzip' }, (served) => served.secret],
    ['gRPC-Web without a key', 'StreamComplete', 'application/grpc-web+proto', () => streamBody('openai/plain-text'), StreamCompleteResponseSchema, {}, () => null],
    ['gRPC-Web with an upstream 429', 'Complete', 'application/grpc-web+proto', () => completeBody('openai/error-429'), CompleteResponseSchema, {}, (served) => served.secret],
    ['gRPC-Web with an empty body', 'Complete', 'application/grpc-web+proto', () => new Uint8Array(), CompleteResponseSchema, {}, (served) => served.secret],
    ['Connect streaming, binary', 'StreamComplete', 'application/connect+proto', () => streamBody('openai/plain-text'), StreamCompleteResponseSchema, {}, (served) => served.secret],
    ['Connect streaming, JSON', 'StreamComplete', 'application/connect+json', () => jsonStreamRequest('openai/plain-text'), 'json', {}, (served) => served.secret],
    ['Connect streaming with gzip accepted', 'StreamComplete', 'application/connect+proto', () => streamBody('openai/parallel-tool-calls'), StreamCompleteResponseSchema, { 'connect-accept-encoding': 'gzip' }, (served) => served.secret],
    ['Connect streaming without a key', 'StreamComplete', 'application/connect+proto', () => streamBody('openai/plain-text'), StreamCompleteResponseSchema, {}, () => null],
    ['Connect streaming with an upstream 429 (retry-after in the end frame)', 'StreamComplete', 'application/connect+json', () => jsonStreamRequest('openai/error-429'), 'json', {}, (served) => served.secret],
    ['Connect streaming with undecodable JSON', 'StreamComplete', 'application/connect+json', () => frame(Buffer.from('{"chat":')), 'json', {}, (served) => served.secret],
    ['Connect streaming with a bad timeout', 'StreamComplete', 'application/connect+proto', () => streamBody('openai/plain-text'), StreamCompleteResponseSchema, { 'connect-timeout-ms': 'soon' }, (served) => served.secret],
  ];
  it.each(cases)('%s: the same status, headers, messages and end', async (_label, method, contentType, body, schema, headers, secretOf) => {
    const [fastAnswer, slowAnswer] = await Promise.all([
      envelopedCall(fast, method, contentType, body(), headers, secretOf(fast)),
      envelopedCall(slow, method, contentType, body(), headers, secretOf(slow)),
    ]);
    expect(fastAnswer.frames.length).toBeGreaterThan(0);
    expect(comparable(fastAnswer, schema)).toEqual(comparable(slowAnswer, schema));
  });
});

describe('the fast path’s own duties', () => {
  async function lastRow(served: Served): Promise<Record<string, unknown>> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const rows = (await admin(served.gateway, 'UsageService/ListRequests', { pageSize: 1 }))['requests'] as Array<Record<string, unknown>> | undefined;
      const row = rows?.[0];
      if (row && row['status'] !== undefined) return row;
      if (Date.now() > deadline) throw new Error('no request-log row');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** A raw gRPC StreamComplete of the fixture's slow stream (one chunk, "Hello", then nothing): its first DATA, then cancelled. */
  async function firstDataOfSlowStream(): Promise<Buffer> {
    const stream = fast.session.request({
      ':method': 'POST',
      ':path': '/llmgateway.v1.CompletionService/StreamComplete',
      'content-type': 'application/grpc',
      authorization: `Bearer ${fast.secret}`,
    });
    stream.end(streamBody('openai/slow-stream'));
    const first = await new Promise<Buffer>((resolve) => stream.once('data', resolve));
    stream.close(http2.constants.NGHTTP2_CANCEL);
    return first;
  }

  it('a gRPC client that cancels mid-stream: the call is logged canceled', async () => {
    await firstDataOfSlowStream();
    await expect.poll(async () => (await lastRow(fast))['status'], { timeout: 10_000 }).toBe('REQUEST_STATUS_CANCELED');
  });

  it("a stream's start leaves with its first output, in one write: the client's first data holds both", async () => {
    const first = await firstDataOfSlowStream();
    const frames: Buffer[] = [];
    for (let rest = first; rest.byteLength >= 5; rest = rest.subarray(5 + rest.readUInt32BE(1))) frames.push(rest.subarray(0, 5 + rest.readUInt32BE(1)));
    const cases = frames.map((bytes) => fromBinary(StreamCompleteResponseSchema, bytes.subarray(5)).chunk?.event.case);
    expect(cases[0]).toBe('start');
    expect(cases).toContain('textDelta');
  });

  const framesOf = (bytes: Buffer) => {
    const frames = [];
    for (let rest = bytes; rest.byteLength >= 5 && rest.byteLength >= 5 + rest.readUInt32BE(1); rest = rest.subarray(5 + rest.readUInt32BE(1))) {
      frames.push(fromBinary(StreamCompleteResponseSchema, rest.subarray(5, 5 + rest.readUInt32BE(1))));
    }
    return frames;
  };

  /** A raw gRPC StreamComplete whose message is sent without ending the request: the client's end comes when the test says. */
  function openStreamCall(model: string, headers: Record<string, string> = {}) {
    const stream = fast.session.request({
      ':method': 'POST',
      ':path': '/llmgateway.v1.CompletionService/StreamComplete',
      'content-type': 'application/grpc',
      te: 'trailers',
      authorization: `Bearer ${fast.secret}`,
      ...headers,
    });
    stream.write(streamBody(model));
    const received: Buffer[] = [];
    const firstData = new Promise<void>((resolve) => stream.once('data', () => resolve()));
    stream.on('data', (part: Buffer) => received.push(part));
    const trailers = new Promise<http2.IncomingHttpHeaders>((resolve, reject) => {
      stream.on('trailers', resolve);
      stream.on('error', reject);
    });
    return { stream, firstData, trailers, received };
  }

  it('a gRPC call starts on its whole message, before the client ends its request, and ends after it', async () => {
    const call = openStreamCall('openai/plain-text');
    // Answered while the request is still open: the work did not wait for the client's END_STREAM.
    await call.firstData;
    expect(call.stream.writableEnded).toBe(false);
    let trailersSeen = false;
    void call.trailers.then(() => (trailersSeen = true));
    // The answer, to its finish, is written before the request has ended.
    await expect.poll(() => framesOf(Buffer.concat(call.received)).map((frame) => frame.chunk?.event.case), { timeout: 10_000 }).toContain('finish');
    expect(trailersSeen).toBe(false);
    call.stream.end();
    expect((await call.trailers)['grpc-status']).toBe('0');
  });

  it('a client that never ends its request: the call still ends at its grpc-timeout', async () => {
    const call = openStreamCall('openai/plain-text', { 'grpc-timeout': '500m' });
    expect((await call.trailers)['grpc-status']).toBe('4');
    expect(framesOf(Buffer.concat(call.received)).map((frame) => frame.chunk?.event.case)).toContain('finish');
    call.stream.close();
  });

  it('a second message after the call began: unimplemented, and the upstream call stops', async () => {
    const abortedBefore = fixture.abortedStreams();
    const call = openStreamCall('openai/slow-stream');
    await call.firstData;
    call.stream.end(streamBody('openai/slow-stream'));
    const trailers = await call.trailers;
    expect(trailers['grpc-status']).toBe('12');
    expect(decodeURIComponent(String(trailers['grpc-message']))).toContain('extra input message for server-streaming method');
    await expect.poll(() => fixture.abortedStreams(), { timeout: 10_000 }).toBeGreaterThan(abortedBefore);
  });

  it('answers x-request-id (the caller’s, or a new one) and logs the call under it, gRPC and Connect alike', async () => {
    const given = await grpcCall(fast, 'Complete', completeBody('openai/plain-text'), { 'x-request-id': 'fast-grpc-given-1' });
    expect(given.trailers['grpc-status']).toBe('0');
    await expect.poll(async () => (await lastRow(fast))['requestId'], { timeout: 10_000 }).toBe('fast-grpc-given-1');
    const streamHeaders = await new Promise<http2.IncomingHttpHeaders>((resolve, reject) => {
      const call = fast.session.request({ ':method': 'POST', ':path': '/llmgateway.v1.CompletionService/StreamComplete', 'content-type': 'application/grpc', te: 'trailers', authorization: `Bearer ${fast.secret}` });
      call.on('response', resolve).on('error', reject).resume();
      call.end(streamBody('openai/plain-text'));
    });
    const stream = streamHeaders['x-request-id'];
    expect(stream).toMatch(/^req_[0-9a-f]{10}_/);
    await expect.poll(async () => (await lastRow(fast))['requestId'], { timeout: 10_000 }).toBe(stream);
    const unary = await fetch(`${fast.gateway.url}/llmgateway.v1.CompletionService/Complete`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${fast.secret}` },
      body: JSON.stringify({ chat: { model: 'openai/plain-text', messages: [{ role: 'ROLE_USER', content: [{ text: { text: 'Say hello' } }] }] } }),
    });
    expect(unary.status).toBe(200);
    const unaryId = unary.headers.get('x-request-id');
    expect(unaryId).toMatch(/^req_[0-9a-f]{10}_/);
    expect(unaryId).not.toBe(stream);
    await expect.poll(async () => (await lastRow(fast))['requestId'], { timeout: 10_000 }).toBe(unaryId);
    expect((await lastRow(fast))['clientIp']).toBe('127.0.0.1');
  });

  it('a grpc-timeout shorter than the answer: the call ends, logged, and the client gets a status', async () => {
    const answer = await grpcCall(fast, 'StreamComplete', streamBody('openai/slow-stream'), { 'grpc-timeout': '300m' });
    expect(answer.trailers['grpc-status']).not.toBe('0');
    await expect.poll(async () => (await lastRow(fast))['status'], { timeout: 10_000 }).not.toBe('REQUEST_STATUS_OK');
  });

  it('routes only the common calls to the fast path; the rest stay with connect-es', () => {
    const request = (method: string, headers: Record<string, string>, httpVersionMajor = 2) => ({ method, headers, httpVersionMajor });
    expect(fastProtocolOf(request('POST', { 'content-type': 'application/grpc' }), 'streamComplete')).toEqual({ kind: 'grpc', binary: true });
    expect(fastProtocolOf(request('POST', { 'content-type': 'application/grpc+proto', 'grpc-encoding': 'identity' }), 'complete')).toEqual({ kind: 'grpc', binary: true });
    expect(fastProtocolOf(request('POST', { 'content-type': 'application/proto' }, 1), 'complete')).toEqual({ kind: 'connect-unary' });
    expect(fastProtocolOf(request('POST', { 'content-type': 'application/json; charset=utf-8' }, 1), 'complete')).toEqual({ kind: 'connect-unary' });
    expect(fastProtocolOf(request('POST', { 'content-type': 'application/grpc-web+proto' }, 1), 'complete')).toEqual({ kind: 'grpc-web', binary: true });
    expect(fastProtocolOf(request('POST', { 'content-type': 'application/connect+json' }, 1), 'streamComplete')).toEqual({ kind: 'connect-stream', binary: false });
    expect(fastProtocolOf(request('POST', { 'content-type': 'application/grpc', 'grpc-encoding': 'gzip' }), 'complete')).toBeUndefined();
    expect(fastProtocolOf(request('POST', { 'content-type': 'application/grpc' }, 1), 'complete')).toBeUndefined();
    expect(fastProtocolOf(request('POST', { 'content-type': 'application/grpc-web+json' }), 'complete')).toBeUndefined();
    expect(fastProtocolOf(request('POST', { 'content-type': 'application/grpc-web-text' }), 'complete')).toBeUndefined();
    expect(fastProtocolOf(request('POST', { 'content-type': 'application/connect+proto', 'connect-content-encoding': 'gzip' }), 'streamComplete')).toBeUndefined();
    expect(fastProtocolOf(request('POST', { 'content-type': 'application/connect+proto' }), 'complete')).toBeUndefined();
    expect(fastProtocolOf(request('POST', { 'content-type': 'application/proto' }), 'streamComplete')).toBeUndefined();
    expect(fastProtocolOf(request('GET', { 'content-type': 'application/proto' }), 'complete')).toBeUndefined();
  });
});

describe('the request size limit (GATEWAY_BODY_LIMIT_BYTES) on RPCs', () => {
  it('refuses a larger gRPC or Connect request as resource_exhausted, with or without the fast path', async () => {
    const limited = await Promise.all([startGateway({ GATEWAY_LOG_LEVEL: 'warn', GATEWAY_BODY_LIMIT_BYTES: '4096' }), startGateway({ GATEWAY_LOG_LEVEL: 'warn', GATEWAY_BODY_LIMIT_BYTES: '4096', GATEWAY_RPC_FAST_PATH: 'off' })]);
    try {
      const large = toBinary(CompleteRequestSchema, create(CompleteRequestSchema, { chat: chat('openai/plain-text', 'x'.repeat(8_000)) }));
      for (const gateway of limited) {
        const session = http2.connect(gateway.url);
        try {
          const answer = await grpcCall({ gateway, secret: 'sk-gw-any-000000000000', limitedSecret: '', session }, 'Complete', frame(large));
          expect(answer.trailers['grpc-status']).toBe('8');
        } finally {
          session.close();
        }
        const connect = await fetch(`${gateway.url}/llmgateway.v1.CompletionService/Complete`, { method: 'POST', headers: { 'content-type': 'application/proto' }, body: large });
        expect(connect.status).toBe(429);
        expect(((await connect.json()) as { code: string }).code).toBe('resource_exhausted');
      }
    } finally {
      await Promise.all(limited.map((gateway) => gateway.close()));
    }
  });
});
