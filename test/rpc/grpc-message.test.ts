// The grpc-message trailer of the fast path, as the gRPC spec encodes it ("Percent-Encoded": only
// bytes outside 0x20–0x7E, and '%'): an @grpc/grpc-js client (which decodes it with decodeURI) reads
// the same message as connect-node's gRPC client (decodeURIComponent) — "(HTTP 429): …", not
// "(HTTP 429)%3A …" — for a unary call, a stream, and a message with non-ASCII characters.
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectError, createClient } from '@connectrpc/connect';
import { createGrpcTransport, Http2SessionManager } from '@connectrpc/connect-node';
import { CompletionService } from '../../gen/llmgateway/v1/completion_service_pb.js';
import { Role } from '../../gen/llmgateway/v1/chat_pb.js';
import type { FixtureUpstream } from '../fixtures/fixture-upstream.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';
import { adminCaller } from '../helpers/admin-call.js';
import { startFixture } from '../completion/matrix-setup.js';
import { loadGatewayPackage } from '../server/grpc-js-client.js';
import { grpcMessageValue } from '../../src/rpc/fast-path/grpc-message.js';

let fixture: FixtureUpstream;
let gateway: StartedGateway;
let secret: string;
let grpcJs: grpc.Client & Record<string, (...args: unknown[]) => unknown>;
let sessions: Http2SessionManager;

beforeAll(async () => {
  fixture = await startFixture('openai');
  gateway = await startGateway({ GATEWAY_LOG_LEVEL: 'warn' });
  const admin = adminCaller(gateway.url, gateway.adminToken);
  await admin('ProvidersService/CreateProvider', {
    id: 'openai',
    name: 'Fixture OpenAI',
    type: 'PROVIDER_TYPE_OPENAI',
    baseUrl: fixture.baseUrl,
    apiKey: fixture.apiKey,
    models: [{ upstreamModel: 'error-429' }],
  });
  secret = String((await admin('KeysService/CreateKey', { name: 'caller' }))['secret']);
  const v1 = (loadGatewayPackage()['llmgateway'] as grpc.GrpcObject)['v1'] as grpc.GrpcObject;
  const Constructor = v1['CompletionService'] as grpc.ServiceClientConstructor;
  grpcJs = new Constructor(`127.0.0.1:${gateway.port}`, grpc.credentials.createInsecure()) as typeof grpcJs;
  sessions = new Http2SessionManager(gateway.url);
});

afterAll(async () => {
  grpcJs?.close();
  sessions?.abort();
  await gateway?.close();
  await fixture?.close();
});

const chat = (model: string) => ({ chat: { model, messages: [{ role: Role.USER, content: [{ kind: { case: 'text' as const, value: { text: 'Hi' } } }] }] } });
const grpcJsChat = (model: string) => ({ chat: { model, messages: [{ role: 'ROLE_USER', content: [{ text: { text: 'Hi' } }] }] } });

function metadataWith(token: string | null): grpc.Metadata {
  const metadata = new grpc.Metadata();
  if (token !== null) metadata.set('authorization', `Bearer ${token}`);
  return metadata;
}

/** What grpc-js reports of a failed call: its code and details. */
function grpcJsFailure(method: 'complete' | 'streamComplete', model: string, token: string | null): Promise<grpc.ServiceError> {
  return new Promise((resolve, reject) => {
    if (method === 'complete') {
      grpcJs['complete']!(grpcJsChat(model), metadataWith(token), (error: grpc.ServiceError | null) => (error ? resolve(error) : reject(new Error('the call succeeded'))));
      return;
    }
    const stream = grpcJs['streamComplete']!(grpcJsChat(model), metadataWith(token)) as grpc.ClientReadableStream<unknown>;
    stream.on('data', () => undefined);
    stream.on('error', resolve);
    stream.on('end', () => reject(new Error('the stream ended without an error')));
  });
}

/** The same call from connect-node's gRPC client: the message as a spec decoder reads it. */
async function connectFailure(method: 'complete' | 'streamComplete', model: string, token: string | null): Promise<ConnectError> {
  const client = createClient(CompletionService, createGrpcTransport({ baseUrl: gateway.url, sessionManager: sessions }));
  const headers: Record<string, string> = token === null ? {} : { authorization: `Bearer ${token}` };
  const call =
    method === 'complete'
      ? client.complete(chat(model), { headers })
      : (async () => {
          for await (const _message of client.streamComplete(chat(model), { headers })) void _message;
        })();
  return ConnectError.from(await call.then(() => undefined, (error: unknown) => error));
}

describe('grpc-message on the fast path', () => {
  it.each([
    ['Complete, an upstream 429', 'complete', 'openai/error-429', true],
    ['StreamComplete, an upstream 429', 'streamComplete', 'openai/error-429', true],
    ['no key (a message with a backtick and an ellipsis)', 'complete', 'openai/error-429', false],
  ] as const)('%s: grpc-js reads the message connect-node reads', async (_label, method, model, withKey) => {
    const token = withKey ? secret : null;
    const [seen, expected] = await Promise.all([grpcJsFailure(method, model, token), connectFailure(method, model, token)]);
    expect(seen.code).toBe(expected.code);
    expect(seen.details).toBe(expected.rawMessage);
    expect(seen.details).not.toMatch(/%[0-9A-F]{2}/);
  });

  it('percent-encodes only what the spec escapes', () => {
    expect(grpcMessageValue('provider x is unavailable (HTTP 500): boom')).toBe('provider x is unavailable (HTTP 500): boom');
    expect(grpcMessageValue('100% done\nnext')).toBe('100%25 done%0Anext');
    expect(grpcMessageValue('sk-gw-… é')).toBe('sk-gw-%E2%80%A6 %C3%A9');
  });
});
