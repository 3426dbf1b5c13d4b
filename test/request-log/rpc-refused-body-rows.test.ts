// An RPC Completion call whose body is refused before its message is decoded — over the size limit
// (plain or compressed), JSON that does not parse, a field of the wrong type, bytes that are not
// protobuf — is in the request log once its key is known, as the REST shims log the bodies they
// refuse (refused-request-rows.test.ts): surface rpc, the error kind the client was told, the key,
// one row. On Connect, gRPC and gRPC-Web, unary and streaming, through the fast path and through
// connect-es (GATEWAY_RPC_FAST_PATH=off). A call with a wrong or missing key makes no row.
import http2 from 'node:http2';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Code, ConnectError, createClient, type Transport } from '@connectrpc/connect';
import { compressionGzip, createConnectTransport, createGrpcTransport, createGrpcWebTransport, Http2SessionManager } from '@connectrpc/connect-node';
import { CompletionService } from '../../gen/llmgateway/v1/completion_service_pb.js';
import { Role } from '../../gen/llmgateway/v1/chat_pb.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';
import { adminCaller } from '../helpers/admin-call.js';

interface LoggedRow {
  requestId: string;
  keyId?: string;
  requestedModel?: string;
  surface: string;
  operation: string;
  stream?: boolean;
  status: string;
  errorKind?: string;
  errorMessage?: string;
}

const BODY_LIMIT = 4096;
const COMPLETE = '/llmgateway.v1.CompletionService/Complete';
const STREAM_COMPLETE = '/llmgateway.v1.CompletionService/StreamComplete';

interface Served {
  gateway: StartedGateway;
  secret: string;
  keyId: string;
  session: http2.ClientHttp2Session;
  managers: Http2SessionManager[];
}

async function serve(environment: Record<string, string>): Promise<Served> {
  const gateway = await startGateway({ GATEWAY_LOG_LEVEL: 'warn', GATEWAY_BODY_LIMIT_BYTES: String(BODY_LIMIT), ...environment });
  const created = await adminCaller(gateway.url, gateway.adminToken)('KeysService/CreateKey', { name: 'caller' });
  const key = created['key'] as { id: string };
  return { gateway, secret: String(created['secret']), keyId: key.id, session: http2.connect(gateway.url), managers: [] };
}

const gateways: Record<string, Served> = {};

beforeAll(async () => {
  [gateways['fast path'], gateways['connect-es']] = await Promise.all([serve({}), serve({ GATEWAY_RPC_FAST_PATH: 'off' })]);
});

afterAll(async () => {
  for (const served of Object.values(gateways)) {
    served.session.close();
    for (const manager of served.managers) manager.abort();
    await served.gateway.close();
  }
});

async function rowsOf(served: Served, requestId: string): Promise<LoggedRow[]> {
  await served.gateway.gateway.requestLog.flush();
  const listed = (await adminCaller(served.gateway.url, served.gateway.adminToken)('UsageService/ListRequests', { pageSize: 200 })) as { requests?: LoggedRow[] };
  return (listed.requests ?? []).filter((row) => row.requestId === requestId);
}

/** The one row of the request; it is written behind the answer (once the key is checked). */
async function onlyRowOf(served: Served, requestId: string): Promise<LoggedRow> {
  await expect.poll(async () => (await rowsOf(served, requestId)).length, { interval: 20, timeout: 5000 }).toBe(1);
  return (await rowsOf(served, requestId))[0]!;
}

const newId = () => `refused-body-${randomUUID()}`;
const chat = (text: string) => ({ chat: { model: 'any/model', messages: [{ role: Role.USER, content: [{ kind: { case: 'text' as const, value: { text } } }] }] } });
const huge = () => chat('x'.repeat(BODY_LIMIT * 2));

const TRANSPORTS: Array<[string, (served: Served, compressed: boolean) => Transport]> = [
  ['Connect binary', (served, compressed) => createConnectTransport({ baseUrl: served.gateway.url, httpVersion: '1.1', useBinaryFormat: true, ...gzip(compressed) })],
  ['Connect JSON', (served, compressed) => createConnectTransport({ baseUrl: served.gateway.url, httpVersion: '1.1', ...gzip(compressed) })],
  ['gRPC', (served, compressed) => createGrpcTransport({ baseUrl: served.gateway.url, sessionManager: manager(served), ...gzip(compressed) })],
  ['gRPC-Web', (served, compressed) => createGrpcWebTransport({ baseUrl: served.gateway.url, httpVersion: '1.1', ...gzip(compressed) })],
];

function gzip(compressed: boolean) {
  return compressed ? { sendCompression: compressionGzip, compressMinBytes: 0 } : {};
}

function manager(served: Served): Http2SessionManager {
  const created = new Http2SessionManager(served.gateway.url);
  served.managers.push(created);
  return created;
}

async function failureOf(call: Promise<unknown>): Promise<ConnectError> {
  return ConnectError.from(await call.then(() => undefined, (error: unknown) => error));
}

/** One message, enveloped: flags 0, the length, the bytes. */
function frame(message: Uint8Array): Buffer {
  const bytes = Buffer.alloc(5 + message.byteLength);
  bytes.writeUInt32BE(message.byteLength, 1);
  bytes.set(message, 5);
  return bytes;
}

/** A raw gRPC call over HTTP/2; resolves with its grpc-status. */
function rawGrpc(served: Served, path: string, body: Buffer, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const stream = served.session.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers', ...headers });
    let status: string | undefined;
    stream.on('response', (answer) => (status = answer['grpc-status'] as string | undefined));
    stream.on('trailers', (trailers) => (status = trailers['grpc-status'] as string));
    stream.on('data', () => undefined);
    stream.on('end', () => resolve(status ?? 'none'));
    stream.on('error', reject);
    stream.end(body);
  });
}

/** Field 1 (chat), length-delimited, claiming more bytes than follow: not protobuf. */
const NOT_PROTOBUF = new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]);

describe.each(['fast path', 'connect-es'])('through the %s', (via) => {
  const served = () => gateways[via]!;

  describe.each([false, true])('a body over the size limit (compressed: %s)', (compressed) => {
    it.each(TRANSPORTS)('%s: resource_exhausted, logged as payload_too_large for unary and stream', async (_name, transportOf) => {
      const client = createClient(CompletionService, transportOf(served(), compressed));
      for (const stream of [false, true]) {
        const requestId = newId();
        const headers = { authorization: `Bearer ${served().secret}`, 'x-request-id': requestId };
        const call = stream
          ? (async () => {
              for await (const _message of client.streamComplete(huge(), { headers })) void _message;
            })()
          : client.complete(huge(), { headers });
        expect((await failureOf(call)).code).toBe(Code.ResourceExhausted);
        const row = await onlyRowOf(served(), requestId);
        expect(row).toMatchObject({ surface: 'rpc', operation: 'chat', status: 'REQUEST_STATUS_ERROR', errorKind: 'payload_too_large', keyId: served().keyId });
        expect(row.errorMessage).toMatch(/readMaxBytes/);
        expect(row.stream ?? false).toBe(stream);
        expect(row.requestedModel ?? '').toBe('');
      }
    });
  });

  it.each([
    ['JSON that does not parse', '{"chat":'],
    ['a field of the wrong type', '{"chat":{"model":5}}'],
  ])('Connect unary, %s: invalid_argument, logged', async (_name, body) => {
    const requestId = newId();
    const answer = await fetch(`${served().gateway.url}${COMPLETE}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${served().secret}`, 'x-request-id': requestId },
      body,
    });
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { code: string }).code).toBe('invalid_argument');
    expect(await onlyRowOf(served(), requestId)).toMatchObject({ surface: 'rpc', operation: 'chat', errorKind: 'invalid_argument', keyId: served().keyId });
  });

  it('Connect streaming, JSON that does not parse: invalid_argument, a stream row', async () => {
    const requestId = newId();
    const answer = await fetch(`${served().gateway.url}${STREAM_COMPLETE}`, {
      method: 'POST',
      headers: { 'content-type': 'application/connect+json', authorization: `Bearer ${served().secret}`, 'x-request-id': requestId },
      body: new Uint8Array(frame(new TextEncoder().encode('{"chat":'))),
    });
    expect(await answer.text()).toContain('invalid_argument');
    expect(await onlyRowOf(served(), requestId)).toMatchObject({ surface: 'rpc', errorKind: 'invalid_argument', stream: true });
  });

  it.each([
    ['Complete', COMPLETE, false],
    ['StreamComplete', STREAM_COMPLETE, true],
  ])('gRPC %s, bytes that are not protobuf: INVALID_ARGUMENT, logged', async (_name, path, stream) => {
    const requestId = newId();
    const status = await rawGrpc(served(), path, frame(NOT_PROTOBUF), { authorization: `Bearer ${served().secret}`, 'x-request-id': requestId });
    expect(status).toBe(String(Code.InvalidArgument));
    const row = await onlyRowOf(served(), requestId);
    expect(row).toMatchObject({ surface: 'rpc', errorKind: 'invalid_argument', keyId: served().keyId });
    expect(row.stream ?? false).toBe(stream);
  });

  it('Embed, JSON that does not parse: an embeddings row', async () => {
    const requestId = newId();
    const answer = await fetch(`${served().gateway.url}/llmgateway.v1.CompletionService/Embed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${served().secret}`, 'x-request-id': requestId },
      body: '{"model":',
    });
    expect(answer.status).toBe(400);
    expect(await onlyRowOf(served(), requestId)).toMatchObject({ surface: 'rpc', operation: 'embeddings', errorKind: 'invalid_argument' });
  });

  it('a refused body with a wrong or missing key makes no row', async () => {
    const wrong = newId();
    const missing = newId();
    const post = (requestId: string, authorization: Record<string, string>) =>
      fetch(`${served().gateway.url}${COMPLETE}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': requestId, ...authorization }, body: '{"chat":' });
    // As connect-es orders it, the body is refused first: that is the answer; the key is never known.
    expect((await post(wrong, { authorization: 'Bearer sk-gw-not-a-key' })).status).toBe(400);
    expect((await post(missing, {})).status).toBe(400);
    expect(await rawGrpc(served(), COMPLETE, frame(NOT_PROTOBUF), { authorization: 'Bearer sk-gw-not-a-key', 'x-request-id': wrong })).toBe(String(Code.InvalidArgument));
    // A logged refusal after them: once its row is there, theirs would be too.
    const known = newId();
    expect((await post(known, { authorization: `Bearer ${served().secret}` })).status).toBe(400);
    await onlyRowOf(served(), known);
    expect(await rowsOf(served(), wrong)).toEqual([]);
    expect(await rowsOf(served(), missing)).toEqual([]);
  });
});
