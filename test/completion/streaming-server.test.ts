// Server-streaming completions on the real server: connect-node over h2c and
// HTTP/1.1, an independent @grpc/grpc-js client, buf curl, and cancellation
// reaching the upstream.
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client, type Transport } from '@connectrpc/connect';
import { createConnectTransport, createGrpcTransport, Http2SessionManager } from '@connectrpc/connect-node';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { CompletionService } from '../../gen/llmgateway/v1/completion_service_pb.js';
import { Role } from '../../gen/llmgateway/v1/chat_pb.js';
import type { FixtureUpstream } from '../fixtures/fixture-upstream.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';
import { startFixture } from './matrix-setup.js';

const run = promisify(execFile);
let gateway: StartedGateway;
let fixture: FixtureUpstream;
let secret: string;
const sessions: Http2SessionManager[] = [];

async function admin(method: string, body: object): Promise<Record<string, unknown>> {
  const response = await fetch(`${gateway.url}/llmgateway.v1.${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${gateway.adminToken}` },
    body: JSON.stringify(body),
  });
  if (response.status !== 200) throw new Error(`${method}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

const chat = (model: string) => ({ model, messages: [{ role: Role.USER, content: [{ kind: { case: 'text' as const, value: { text: 'Say hello' } } }] }] });

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

beforeAll(async () => {
  gateway = await startGateway();
  fixture = await startFixture('openai');
  await admin('ProvidersService/CreateProvider', {
    id: 'openai',
    name: 'Fixture OpenAI',
    type: 'PROVIDER_TYPE_OPENAI',
    baseUrl: fixture.baseUrl,
    apiKey: fixture.apiKey,
    models: [{ upstreamModel: 'plain-text' }, { upstreamModel: 'slow-stream' }, { upstreamModel: 'parallel-tool-calls' }],
  });
  secret = String((await admin('KeysService/CreateKey', { name: 'streamer' }))['secret']);
});

afterAll(async () => {
  for (const session of sessions) session.abort();
  await fixture?.close();
  await gateway?.close();
});

const transports: Array<[string, () => Transport]> = [
  ['connect h2c', () => {
    const session = new Http2SessionManager(gateway.url);
    sessions.push(session);
    return createConnectTransport({ baseUrl: gateway.url, httpVersion: '2', sessionManager: session });
  }],
  ['connect HTTP/1.1', () => createConnectTransport({ baseUrl: gateway.url, httpVersion: '1.1' })],
  ['gRPC h2c', () => {
    const session = new Http2SessionManager(gateway.url);
    sessions.push(session);
    return createGrpcTransport({ baseUrl: gateway.url, sessionManager: session });
  }],
];

describe.each(transports)('StreamComplete over %s', (_label, makeTransport) => {
  it('yields start, each delta as its own message, finish, usage and route', async () => {
    const client: Client<typeof CompletionService> = createClient(CompletionService, makeTransport());
    const kinds: string[] = [];
    const texts: string[] = [];
    for await (const message of client.streamComplete({ chat: chat('openai/plain-text') }, { headers: { authorization: `Bearer ${secret}` } })) {
      kinds.push(message.chunk!.event.case ?? 'none');
      if (message.chunk!.event.case === 'textDelta') texts.push(message.chunk!.event.value.text);
    }
    expect(texts).toEqual(['Hel', 'lo, ', 'world!']);
    expect(kinds[0]).toBe('start');
    expect(kinds.slice(-3)).toEqual(['finish', 'usage', 'route']);
  });

  it('aborts the upstream call when the caller cancels', async () => {
    const client = createClient(CompletionService, makeTransport());
    const before = fixture.abortedStreams();
    const controller = new AbortController();
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const message of client.streamComplete(
          { chat: chat('openai/slow-stream') },
          { headers: { authorization: `Bearer ${secret}` }, signal: controller.signal },
        )) {
          seen.push(message.chunk!.event.case ?? '');
          if (message.chunk!.event.case === 'textDelta') controller.abort();
        }
      })(),
    ).rejects.toThrow();
    expect(seen).toContain('textDelta');
    await waitFor(() => fixture.abortedStreams() > before, 'the upstream to see the disconnect');
  });
});

describe('StreamComplete with independent clients', () => {
  it('works from @grpc/grpc-js (proto-loader), and its cancel reaches the upstream', async () => {
    const definition = protoLoader.loadSync(path.resolve('proto/llmgateway/v1/completion_service.proto'), {
      includeDirs: [path.resolve('proto')],
      keepCase: false,
      longs: String,
      enums: String,
      defaults: false,
      oneofs: true,
    });
    const loaded = grpc.loadPackageDefinition(definition) as unknown as {
      llmgateway: { v1: { CompletionService: new (address: string, credentials: grpc.ChannelCredentials) => grpc.Client } };
    };
    const client = new loaded.llmgateway.v1.CompletionService(`127.0.0.1:${gateway.port}`, grpc.credentials.createInsecure()) as grpc.Client & {
      streamComplete(request: object, metadata: grpc.Metadata): grpc.ClientReadableStream<{ chunk: Record<string, unknown> & { event: string } }>;
    };
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${secret}`);
    // proto-loader's shape: a oneof member is set by its field name.
    const grpcChat = (model: string) => ({ model, messages: [{ role: 'ROLE_USER', content: [{ text: { text: 'Say hello' } }] }] });
    try {
      const events: string[] = [];
      await new Promise<void>((resolve, reject) => {
        const call = client.streamComplete({ chat: grpcChat('openai/parallel-tool-calls') }, metadata);
        call.on('data', (message) => events.push(message.chunk.event));
        call.on('error', reject);
        call.on('end', () => resolve());
      });
      expect(events[0]).toBe('start');
      expect(events.filter((event) => event === 'toolCallStart')).toHaveLength(2);
      expect(events).toContain('toolCallDelta');

      const before = fixture.abortedStreams();
      await new Promise<void>((resolve) => {
        const call = client.streamComplete({ chat: grpcChat('openai/slow-stream') }, metadata);
        call.on('data', (message) => {
          if (message.chunk.event === 'textDelta') call.cancel();
        });
        call.on('error', () => resolve());
        call.on('end', () => resolve());
      });
      await waitFor(() => fixture.abortedStreams() > before, 'the upstream to see the disconnect');
    } finally {
      client.close();
    }
  });

  it('works from buf curl with server reflection', async () => {
    const { stdout } = await run(
      'npx',
      [
        'buf', 'curl', '--protocol', 'grpc', '--http2-prior-knowledge',
        '-H', `authorization: Bearer ${secret}`,
        '-d', JSON.stringify({ chat: { model: 'openai/plain-text', messages: [{ role: 'ROLE_USER', content: [{ text: { text: 'Say hello' } }] }] } }),
        `${gateway.url}/llmgateway.v1.CompletionService/StreamComplete`,
      ],
      { timeout: 60_000, env: { ...process.env, BUF_CACHE_DIR: path.join(gateway.dataDir, 'buf-cache') } },
    );
    const deltas = [...stdout.matchAll(/"textDelta":\s*\{\s*"text":\s*"([^"]*)"/g)].map((match) => match[1]);
    expect(deltas).toEqual(['Hel', 'lo, ', 'world!']);
    expect(stdout).toContain('"finish"');
  });
});
