// No client input gets a 5xx: seeded, bounded fuzzing of every way a request
// body reaches the gateway — REST JSON (both shims), Connect JSON, Connect
// binary protobuf (unary and streaming), gRPC and gRPC-Web framing — against a
// real server. Each answer must be a client error (HTTP 4xx; gRPC status
// neither INTERNAL, UNKNOWN nor DATA_LOSS), and the process must stay up.
import http2 from 'node:http2';
import { create, toBinary } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatRequestSchema, Role } from '../../gen/llmgateway/v1/chat_pb.js';
import { CompleteRequestSchema } from '../../gen/llmgateway/v1/completion_service_pb.js';
import { ListKeysRequestSchema } from '../../gen/llmgateway/v1/keys_service_pb.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';
import { seededRandom } from '../limits/limits-fakes.js';

const CASES_PER_TARGET = 60;
const SERVER_FAULTS = new Set(['2', '13', '15']); // UNKNOWN, INTERNAL, DATA_LOSS

/** Random bytes, or a valid message with some bytes changed, cut or repeated. */
function bodies(seed: number, valid: Uint8Array): Uint8Array[] {
  // Seeded: the same bodies on every run, so a failure can be replayed.
  const next = seededRandom(seed);
  const out: Uint8Array[] = [];
  for (let index = 0; index < CASES_PER_TARGET; index += 1) {
    if (index % 3 === 0) {
      out.push(Uint8Array.from({ length: Math.floor(next() * 48) }, () => Math.floor(next() * 256)));
      continue;
    }
    const mutated = Uint8Array.from(valid);
    for (let flips = 1 + Math.floor(next() * 4); flips > 0; flips -= 1) mutated[Math.floor(next() * mutated.length)] = Math.floor(next() * 256);
    out.push(index % 3 === 1 ? mutated : mutated.subarray(0, Math.floor(next() * mutated.length)));
  }
  out.push(Uint8Array.of(0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01)); // the one a fuzzer found first
  return out;
}

const envelope = (payload: Uint8Array, declaredLength = payload.byteLength): Buffer => {
  const frame = Buffer.alloc(5 + payload.byteLength);
  frame.writeUInt32BE(declaredLength, 1);
  frame.set(payload, 5);
  return frame;
};

let gateway: StartedGateway;
let secret = '';
let session: http2.ClientHttp2Session;

beforeAll(async () => {
  gateway = await startGateway();
  const created = await fetch(`${gateway.url}/llmgateway.v1.KeysService/CreateKey`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${gateway.adminToken}` },
    body: JSON.stringify({ name: 'fuzz' }),
  });
  secret = ((await created.json()) as { secret: string }).secret;
  session = http2.connect(gateway.url);
});
afterAll(async () => {
  session?.close();
  await gateway?.close();
});

const validChat = toBinary(
  CompleteRequestSchema,
  create(CompleteRequestSchema, {
    chat: create(ChatRequestSchema, { model: 'nobody/none', messages: [{ role: Role.USER, content: [{ kind: { case: 'text', value: { text: 'hi' } } }] }] }),
  }),
);
const validListKeys = toBinary(ListKeysRequestSchema, create(ListKeysRequestSchema, { pageSize: 5, nameContains: 'a' }));

async function post(path: string, contentType: string, token: string, body: Uint8Array): Promise<number> {
  const response = await fetch(`${gateway.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType, authorization: `Bearer ${token}` },
    body: new Uint8Array(body),
    signal: AbortSignal.timeout(20_000), // a hang fails the test instead of stalling it
  });
  await response.arrayBuffer();
  return response.status;
}

/** A gRPC call over h2c: the grpc-status from the trailers (or the headers of a trailers-only answer). */
function grpcStatus(path: string, token: string, body: Uint8Array): Promise<string> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers', authorization: `Bearer ${token}` });
    let status = '';
    stream.on('response', (headers) => (status = String(headers['grpc-status'] ?? status)));
    stream.on('trailers', (trailers) => (status = String(trailers['grpc-status'] ?? status)));
    stream.on('data', () => {});
    stream.on('error', reject);
    stream.on('close', () => resolve(status));
    stream.setTimeout(20_000, () => stream.close(http2.constants.NGHTTP2_CANCEL));
    stream.end(body);
  });
}

describe('undecodable requests are client errors on every surface', () => {
  it('REST JSON on both shims: 4xx, never 5xx', async () => {
    for (const [index, body] of bodies(1, new TextEncoder().encode(JSON.stringify({ model: 'x', messages: [{ role: 'user', content: 'hi' }] }))).entries()) {
      for (const path of ['/v1/chat/completions', '/v1/messages', '/v1/embeddings']) {
        const status = await post(path, 'application/json', secret, body);
        expect(status, `${path} case ${index}`).toBeGreaterThanOrEqual(400);
        expect(status, `${path} case ${index}`).toBeLessThan(500);
      }
    }
  });

  it('Connect unary, JSON and binary protobuf, admin and completion services: 4xx', async () => {
    const targets = [
      ['/llmgateway.v1.KeysService/ListKeys', gateway.adminToken, validListKeys],
      ['/llmgateway.v1.CompletionService/Complete', secret, validChat],
    ] as const;
    for (const [path, token, valid] of targets) {
      for (const [index, body] of bodies(2, valid).entries()) {
        for (const contentType of ['application/proto', 'application/json']) {
          const status = await post(path, contentType, token, body);
          expect(status, `${path} ${contentType} case ${index}`).toBeLessThan(500);
        }
      }
    }
  });

  it('Connect streaming and gRPC-Web framing (whole, cut and lying envelopes): no server fault', async () => {
    for (const [index, payload] of bodies(3, validChat).entries()) {
      const frame = index % 4 === 3 ? envelope(payload, payload.byteLength + 7) : envelope(payload);
      for (const contentType of ['application/connect+proto', 'application/grpc-web+proto']) {
        const response = await fetch(`${gateway.url}/llmgateway.v1.CompletionService/StreamComplete`, {
          method: 'POST',
          headers: { 'content-type': contentType, authorization: `Bearer ${secret}` },
          body: new Uint8Array(frame),
          signal: AbortSignal.timeout(20_000),
        });
        const text = Buffer.from(await response.arrayBuffer()).toString('latin1');
        expect(response.status, `${contentType} case ${index}`).toBeLessThan(500);
        expect(text, `${contentType} case ${index}`).not.toMatch(/"code":"(internal|unknown|data_loss)"|grpc-status: (2|13|15)\b/);
      }
    }
  });

  it('gRPC over h2c (enveloped and bare bytes): never INTERNAL, UNKNOWN or DATA_LOSS', async () => {
    for (const [index, payload] of bodies(4, validChat).entries()) {
      const body = index % 5 === 4 ? payload : envelope(payload);
      for (const path of ['/llmgateway.v1.CompletionService/Complete', '/llmgateway.v1.CompletionService/StreamComplete']) {
        const status = await grpcStatus(path, secret, body);
        expect(status, `${path} case ${index}`).not.toBe('');
        expect(SERVER_FAULTS.has(status), `${path} case ${index}: grpc-status ${status}`).toBe(false);
      }
    }
    const listKeys = await grpcStatus('/llmgateway.v1.KeysService/ListKeys', gateway.adminToken, envelope(Uint8Array.of(0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01)));
    expect(listKeys).toBe('3');
  });

  it('an admin call without the admin token is unauthenticated whatever its body, in every protocol; with it, a bad body is the client\'s error', async () => {
    const garbage = Uint8Array.of(0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01);
    const unknownField = new TextEncoder().encode('{"pageSize": 5, "colour": "red"}');
    const path = '/llmgateway.v1.KeysService/ListKeys';
    for (const token of ['', 'gw-admin-not-the-token']) {
      expect(await post(path, 'application/proto', token, garbage)).toBe(401);
      expect(await post(path, 'application/json', token, unknownField)).toBe(401);
      expect(await post(path, 'application/json', token, new TextEncoder().encode('{"pageSize": "many"'))).toBe(401);
      expect(await grpcStatus(path, token, envelope(garbage))).toBe('16'); // UNAUTHENTICATED
      const web = await fetch(`${gateway.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/grpc-web+proto', authorization: `Bearer ${token}` },
        body: new Uint8Array(envelope(garbage)),
      });
      expect(Buffer.from(await web.arrayBuffer()).toString('latin1')).toMatch(/grpc-status: ?16/);
    }
    expect(await post(path, 'application/json', gateway.adminToken, unknownField)).toBe(400);
    expect(await post(path, 'application/proto', gateway.adminToken, garbage)).toBe(400);
  });

  it('the process is still up and serving afterwards', async () => {
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
    const listed = await post('/llmgateway.v1.KeysService/ListKeys', 'application/proto', gateway.adminToken, validListKeys);
    expect(listed).toBe(200);
  });
});
